// Country and Subdivision: reference data from the iso-codes package (ISO 3166-1, -2, -3).
// Only the diplomatic fields (relations established on) and the common fields are editable.
#include "domain/declare.h"
#include "domain/registry.h"

namespace amity::domain {

EntityType DeclareCountry() {
  EntityType t;
  t.name = "country";
  t.timeline_subject = true;
  t.plural = "countries";
  t.label = {"Country", "Quốc gia"};
  t.plural_label = {"Countries", "Quốc gia"};
  t.key_field = "code";
  t.reference_data = true;
  t.access = Access::kShared;
  t.natural_keys = {"code", "alpha3", "name"};
  t.fields = {
      F::Of(FieldType::kCountry, "code", "Code", "Mã").Required().Unique().ReadOnly().Filter().Sort()
          .Describe("ISO 3166-1 alpha-2"),
      F::Text("alpha3", "Alpha-3 code", "Mã 3 chữ").ReadOnly().Unique().Filter(),
      F::Text("numeric", "Numeric code", "Mã số").ReadOnly(),
      F::Text("name", "Name", "Tên").Required().ReadOnly().Filter().Sort().Search(),
      F::Of(FieldType::kMultilingualText, "names", "Names", "Tên các ngôn ngữ").ReadOnly().SearchName(),
      F::Text("official_name", "Official name", "Tên chính thức").ReadOnly().SearchName(),
      F::Enum("region", "Region", "Khu vực", ContinentValues()).ReadOnly().Filter().Sort(),
      F::Enum("subregion", "Subregion", "Tiểu khu vực", SubregionValues()).ReadOnly().Filter().Sort(),
      F::Of(FieldType::kDate, "withdrawn_on", "Withdrawn on", "Ngày ngừng sử dụng").ReadOnly()
          .Filter().Describe("former countries (ISO 3166-3) only"),
      F::Of(FieldType::kDate, "relations_established_on", "Diplomatic relations established",
            "Ngày thiết lập quan hệ ngoại giao").Filter().Sort(),
  };
  return t;
}

EntityType DeclareSubdivision() {
  EntityType t;
  t.name = "subdivision";
  t.plural = "subdivisions";
  t.label = {"Subdivision", "Đơn vị hành chính"};
  t.plural_label = {"Subdivisions", "Đơn vị hành chính"};
  t.key_field = "code";
  t.reference_data = true;
  t.access = Access::kShared;
  t.natural_keys = {"code", "name"};
  t.fields = {
      F::Text("code", "Code", "Mã").Required().Unique().ReadOnly().Filter().Sort()
          .Describe("ISO 3166-2"),
      F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Required().ReadOnly().Filter().Sort(),
      F::Text("name", "Name", "Tên").Required().ReadOnly().Filter().Sort().Search(),
      F::Of(FieldType::kMultilingualText, "names", "Names", "Tên các ngôn ngữ").ReadOnly().SearchName(),
      F::Text("type", "Type", "Loại").ReadOnly().Filter(),
      F::Text("parent", "Parent subdivision", "Thuộc").ReadOnly().Filter(),
  };
  return t;
}

}  // namespace amity::domain
