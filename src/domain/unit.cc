// Unit: our side's organisational tree (the union, its departments, member associations, local
// unions, representative offices). Permissions are granted on a unit and its descendants.
#include "domain/declare.h"
#include "domain/registry.h"

namespace amity::domain {

namespace {

// The parent chain from `parent` upwards must not reach `id` (or be absurdly deep).
Status CheckNoCycle(const Json& record, std::optional<int64_t> id, Lookup& lookup) {
  if (!record.contains("parent") || record["parent"].is_null()) return {};
  int64_t at = record["parent"].get<int64_t>();
  for (int depth = 0; depth < 64; ++depth) {
    if (id && at == *id) {
      const std::string reason = "would make a cycle: unit " + std::to_string(*id) +
                                 " is an ancestor of unit " +
                                 std::to_string(record["parent"].get<int64_t>());
      return Fail(ErrorCode::kFailedPrecondition, "parent: " + reason, {{"parent", reason}});
    }
    ASSIGN_OR_RETURN(std::optional<Json> up, lookup.Find("unit", at, true));
    if (!up || !up->contains("parent") || (*up)["parent"].is_null()) return {};
    at = (*up)["parent"].get<int64_t>();
  }
  return Invalid("parent", "the unit tree may be at most 64 levels deep");
}

}  // namespace

EntityType DeclareUnit() {
  EntityType t;
  t.name = "unit";
  t.access = Access::kAdministered;
  t.timeline_subject = true;
  t.plural = "units";
  t.label = {"Unit", "Đơn vị"};
  t.plural_label = {"Units", "Đơn vị"};
  t.natural_keys = {"code", "name"};
  t.fields = {
      F::Text("code", "Code", "Mã đơn vị").Required().Unique().Max(32).Filter().Sort().SearchName()
          .Pattern("[A-Z0-9][A-Z0-9-]{0,31}", "upper-case letters, digits and '-', like \"VUFO-HN\""),
      F::Text("name", "Name", "Tên").Required().Max(300).Filter().Sort().Search(),
      F::Of(FieldType::kMultilingualText, "names", "Names", "Tên các ngôn ngữ").Max(300).SearchName(),
      F::Text("acronym", "Acronym", "Tên viết tắt").Max(50).Filter().SearchName(),
      F::Enum("kind", "Kind", "Loại",
              {{"central_body", {"Central body", "Cơ quan trung ương"}, {}},
               {"department", {"Department", "Ban, vụ"}, {}},
               {"member_association", {"Member association", "Tổ chức thành viên"}, {}},
               {"local_union", {"Local union", "Liên hiệp địa phương"}, {}},
               {"representative_office", {"Representative office", "Văn phòng đại diện"}, {}}})
          .Required().Filter().Sort(),
      F::Ref("parent", "Parent unit", "Đơn vị cấp trên", "unit").Filter(),
      F::Of(FieldType::kCountry, "country", "Partner country", "Nước đối tác").Filter().Sort()
          .Describe("for a bilateral friendship association: the partner country"),
      F::Text("province", "Province", "Tỉnh, thành phố").Max(100).Filter().Sort(),
      F::Of(FieldType::kEmail, "email", "E-mail", "Thư điện tử"),
      F::Of(FieldType::kUrl, "website", "Website", "Trang web"),
      F::Text("description", "Description", "Mô tả").Max(5000).Search(),
  };
  t.check_stored = CheckNoCycle;
  return t;
}

}  // namespace amity::domain
