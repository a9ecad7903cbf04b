// Organisation: a partner. Kinds and subkinds follow DESIGN.md; names are kept per language and
// script, with former names and external identifiers (Party Facts, IATI, Wikidata, …).
#include <algorithm>

#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

void CheckOrganisation(const Json& r, std::vector<FieldViolation>* out) {
  const std::string founded = TextAt(r, "founded_on"), dissolved = TextAt(r, "dissolved_on");
  if (EndsBeforeStart(founded, dissolved)) {
    out->push_back({"dissolved_on", "is before founded_on (" + founded + ")"});
  }
  const std::string kind = TextAt(r, "kind");
  if (r.contains("party_family") && !r["party_family"].is_null() && kind != "political_party") {
    out->push_back({"party_family", "applies only to kind political_party"});
  }
  if (r.contains("diaspora_led") && !r["diaspora_led"].is_null() && kind != "ngo" &&
      kind != "community_association") {
    out->push_back({"diaspora_led", "applies only to kinds ngo and community_association"});
  }
  if (r.contains("member_count_as_of") && !r["member_count_as_of"].is_null() &&
      (!r.contains("member_count") || r["member_count"].is_null())) {
    out->push_back({"member_count_as_of", "needs member_count"});
  }
}

}  // namespace

EntityType DeclareOrganisation() {
  EntityType t;
  t.name = "organisation";
  t.timeline_subject = true;
  t.plural = "organisations";
  t.label = {"Organisation", "Tổ chức"};
  t.plural_label = {"Organisations", "Tổ chức"};
  t.natural_keys = {"identifiers", "name"};
  const std::vector<std::string> party = {"political_party"};
  const std::vector<std::string> community = {"community_association"};
  const std::vector<std::string> ngo = {"ngo"};
  const std::vector<std::string> gov = {"government_body"};
  t.fields = {
      F::Text("name", "Name", "Tên").Required().Max(500).Filter().Sort().Search()
          .Describe("the name as the organisation writes it"),
      F::Of(FieldType::kMultilingualText, "names", "Names", "Tên các ngôn ngữ").Max(500).SearchName()
          .Describe("per language tag and script: vi, en, zh-Hans, ru…"),
      F::Of(FieldType::kTextList, "former_names", "Former names", "Tên cũ").Max(500).SearchName(),
      F::Text("acronym", "Acronym", "Tên viết tắt").Max(50).Filter().Sort().SearchName(),
      F::Enum("kind", "Kind", "Loại hình",
              {{"political_party", {"Political party", "Đảng chính trị"}, {}},
               {"government_body", {"Government body", "Cơ quan nhà nước"}, {}},
               {"parliament", {"Parliament", "Quốc hội, nghị viện"}, {}},
               {"friendship_association", {"Friendship association", "Hội hữu nghị"}, {}},
               {"ngo", {"NGO", "Tổ chức phi chính phủ"}, {}},
               {"business", {"Business", "Doanh nghiệp"}, {}},
               {"university", {"University", "Trường đại học"}, {}},
               {"research_institute", {"Research institute", "Viện nghiên cứu"}, {}},
               {"religious_organisation", {"Religious organisation", "Tổ chức tôn giáo"}, {}},
               {"media", {"Media", "Cơ quan báo chí"}, {}},
               {"trade_union", {"Trade union", "Công đoàn"}, {}},
               {"multilateral_forum", {"Multilateral forum", "Diễn đàn đa phương"}, {}},
               {"community_association", {"Community association", "Hội đoàn cộng đồng"}, {}},
               {"international_organisation", {"International organisation", "Tổ chức quốc tế"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Required().Filter().Sort(),
      F::Enum("subkind", "Subkind", "Phân loại",
              {{"ruling", {"Ruling party", "Đảng cầm quyền"}, party},
               {"communist_workers", {"Communist or workers' party", "Đảng cộng sản, công nhân"}, party},
               {"parliamentary", {"Parliamentary party", "Đảng có ghế trong nghị viện"}, party},
               {"opposition", {"Opposition party", "Đảng đối lập"}, party},
               {"other_party", {"Other party", "Đảng khác"}, party},
               {"student", {"Student association", "Hội sinh viên"}, community},
               {"youth", {"Youth association", "Hội thanh niên"}, community},
               {"business", {"Business association", "Hội doanh nhân"}, community},
               {"women", {"Women's association", "Hội phụ nữ"}, community},
               {"cultural", {"Cultural association", "Hội văn hoá"}, community},
               {"professional", {"Professional association", "Hội chuyên môn"}, community},
               {"general", {"General association", "Hội người Việt"}, community},
               {"international_ngo", {"International NGO", "Tổ chức phi chính phủ quốc tế"}, ngo},
               {"national_ngo", {"National NGO", "Tổ chức phi chính phủ trong nước"}, ngo},
               {"foundation", {"Foundation", "Quỹ"}, ngo},
               {"ministry", {"Ministry", "Bộ"}, gov},
               {"agency", {"Agency", "Cơ quan"}, gov},
               {"embassy", {"Embassy", "Đại sứ quán"}, gov},
               {"local_government", {"Local government", "Chính quyền địa phương"}, gov}})
          .DependsOn("kind").Filter().Sort(),
      F::Enum("party_family", "Party family", "Khuynh hướng đảng",
              {{"communist", {"Communist", "Cộng sản"}, {}},
               {"socialist", {"Socialist", "Xã hội chủ nghĩa"}, {}},
               {"social_democratic", {"Social democratic", "Dân chủ xã hội"}, {}},
               {"green", {"Green", "Xanh"}, {}},
               {"liberal", {"Liberal", "Tự do"}, {}},
               {"christian_democratic", {"Christian democratic", "Dân chủ Thiên chúa giáo"}, {}},
               {"conservative", {"Conservative", "Bảo thủ"}, {}},
               {"agrarian", {"Agrarian", "Nông dân"}, {}},
               {"nationalist", {"Nationalist", "Dân tộc chủ nghĩa"}, {}},
               {"regionalist", {"Regionalist", "Khu vực"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Filter().Describe("the party family of a political party (an organisation, never a person)"),
      F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Filter().Sort()
          .Describe("none for international bodies"),
      F::Text("city", "City", "Thành phố").Max(200).Filter().Sort(),
      F::Of(FieldType::kPartialDate, "founded_on", "Founded", "Năm thành lập").Filter().Sort(),
      F::Of(FieldType::kPartialDate, "dissolved_on", "Dissolved", "Năm giải thể").Filter().Sort(),
      F::Enum("status", "Status", "Tình trạng",
              {{"active", {"Active", "Đang hoạt động"}, {}},
               {"dormant", {"Dormant", "Ít hoạt động"}, {}},
               {"ended", {"Ended", "Đã chấm dứt"}, {}}})
          .Default("active").Filter().Sort(),
      F::Enum("tier", "Tier", "Nhóm đối tác",
              {{"traditional", {"Traditional", "Truyền thống"}, {}},
               {"priority", {"Priority", "Ưu tiên"}, {}},
               {"potential", {"Potential", "Tiềm năng"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Filter().Sort(),
      F::Ref("managing_unit", "Managing unit", "Đơn vị phụ trách", "unit").Filter(),
      F::Ref("affiliation", "Affiliated with", "Trực thuộc", "organisation").Filter(),
      F::Text("registration", "Registration", "Giấy phép, đăng ký").Max(200)
          .Describe("for NGOs: registration or permit reference"),
      F::Of(FieldType::kBoolean, "diaspora_led", "Diaspora-led", "Do kiều bào điều hành").Filter(),
      F::Of(FieldType::kInteger, "member_count", "Members (approx.)", "Số hội viên (ước tính)")
          .Range(0, 1000000000).Filter().Sort(),
      F::Of(FieldType::kPartialDate, "member_count_as_of", "Members as of", "Số hội viên tính đến"),
      F::Of(FieldType::kUrl, "website", "Website", "Trang web"),
      F::Of(FieldType::kEmail, "email", "E-mail", "Thư điện tử"),
      F::Text("phone", "Phone", "Điện thoại").Max(50)
          .Pattern("[+0-9 ().-]{3,50}", "digits, spaces and + ( ) . - only"),
      F::Of(FieldType::kIdentifiers, "identifiers", "External identifiers", "Mã định danh ngoài")
          .Filter().Describe("scheme and value: partyfacts, iati-org, wikidata…"),
      F::Text("description", "Description", "Mô tả").Max(20000).Search(),
  };
  t.check = CheckOrganisation;
  return t;
}

}  // namespace amity::domain
