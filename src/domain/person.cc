// Person: a professional contact in a partner organisation (or ours). Names are kept in parts
// with their order, because a Vietnamese name is written family name first and sorted by the
// given name, a Chinese one is written and sorted family name first, and an English one is
// written given name first and sorted by the family name. Nothing about anyone's opinions,
// beliefs or loyalties is ever recorded (DESIGN.md, the boundary).
#include "domain/person.h"

#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

std::string Join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += p;
  }
  return out;
}

// name (as written) and sort_name (as filed) from the parts and the name order.
void DerivePerson(Json* r) {
  const std::string family = TextAt(*r, "family_name"), given = TextAt(*r, "given_name"),
                    middle = TextAt(*r, "middle_name");
  const std::string order = TextAt(*r, "name_order");
  if (order == "vietnamese") {  // Phan Anh Sơn: filed under Sơn, then Phan Anh
    (*r)["name"] = Join({family, middle, given});
    (*r)["sort_name"] = Join({given, family, middle});
  } else if (order == "family_given") {  // Xi Jinping: filed under Xi
    (*r)["name"] = Join({family, middle, given});
    (*r)["sort_name"] = Join({family, middle, given});
  } else {  // John Quincy Smith: filed under Smith
    (*r)["name"] = Join({given, middle, family});
    (*r)["sort_name"] = Join({family, given, middle});
  }
  // The current position: the latest that has not ended.
  Json organisation, title;
  std::string latest;
  auto positions = r->find("positions");
  if (positions != r->end() && positions->is_array()) {
    for (const Json& p : *positions) {
      if (p.contains("to")) continue;
      const std::string from = TextAt(p, "from");
      if (organisation.is_null() || from >= latest) {
        organisation = p.value("organisation", Json());
        title = p.value("title", Json());
        latest = from;
      }
    }
  }
  (*r)["organisation"] = organisation;
  (*r)["title"] = title;
}

void CheckPerson(const Json& r, std::vector<FieldViolation>* out) {
  if (TextAt(r, "family_name").empty() && TextAt(r, "given_name").empty()) {
    out->push_back({"given_name", "a person needs a given name or a family name"});
  }
  auto positions = r.find("positions");
  if (positions != r.end() && positions->is_array()) {
    for (size_t i = 0; i < positions->size(); ++i) {
      const std::string from = TextAt((*positions)[i], "from"), to = TextAt((*positions)[i], "to");
      if (EndsBeforeStart(from, to)) {
        out->push_back({"positions[" + std::to_string(i) + "].to", "is before from (" + from + ")"});
      }
    }
  }
  if (r.contains("consent_on") && !r["consent_on"].is_null() &&
      (!r.contains("consent_basis") || r["consent_basis"].is_null())) {
    out->push_back({"consent_on", "needs consent_basis"});
  }
}

}  // namespace

Json ErasedPerson(const Json& person) {
  Json out = person;
  // Every declared field but the positions' organisations and dates, and the personal common
  // fields. The name order is reset to the default: Vietnamese order says something about them.
  for (const char* f : {"family_name", "middle_name", "names", "honorific", "country", "languages",
                        "email", "phone", "consent_basis", "consent_on", "tags", "notes", "custom"}) {
    out[f] = nullptr;
  }
  out["name_order"] = "given_family";
  out["given_name"] = "Erased person " + person.value("id", Json(0)).dump();
  auto positions = out.find("positions");
  if (positions != out.end() && positions->is_array()) {
    for (Json& p : *positions) {
      if (p.is_object()) p["title"] = kErased;
    }
  }
  return out;
}

bool KeepsHistoryOf(const std::string& field) {
  return field == "owner_unit" || field == "sensitivity" || field == "deleted_at";
}

Json ErasedChanges(const Json& changes, bool before_only) {
  if (!changes.is_object()) return changes;
  Json out = changes;
  for (auto& [field, change] : out.items()) {
    if (KeepsHistoryOf(field) || !change.is_object()) continue;
    for (const char* side : {"before", "after"}) {
      if (before_only && std::string_view(side) == "after") continue;
      auto v = change.find(side);
      if (v != change.end() && !v->is_null()) *v = kErased;
    }
  }
  return out;
}

EntityType DeclarePerson() {
  EntityType t;
  t.name = "person";
  t.plural = "persons";
  t.label = {"Person", "Cá nhân"};
  t.plural_label = {"Persons", "Cá nhân"};
  t.natural_keys = {"email", "name"};
  t.timeline_subject = true;
  t.fields = {
      F::Text("family_name", "Family name", "Họ").Max(200).Filter().Sort().SearchName(),
      F::Text("middle_name", "Middle name", "Tên đệm").Max(200).SearchName(),
      F::Text("given_name", "Given name", "Tên").Max(200).Filter().Sort().SearchName(),
      F::Enum("name_order", "Name order", "Thứ tự họ tên",
              {{"given_family", {"Given name first (John Smith; filed under Smith)",
                                 "Tên trước họ (John Smith; xếp theo họ)"}, {}},
               {"family_given", {"Family name first (Xi Jinping; filed under Xi)",
                                 "Họ trước tên (Xi Jinping; xếp theo họ)"}, {}},
               {"vietnamese", {"Vietnamese (Phan Anh Sơn; filed under Sơn)",
                               "Kiểu Việt Nam (Phan Anh Sơn; xếp theo tên)"}, {}}})
          .Default("given_family").Filter(),
      F::Text("name", "Name", "Họ và tên").ReadOnly().Filter().Search()
          .Describe("the parts in the order the name is written"),
      F::Text("sort_name", "Filed under", "Xếp theo").ReadOnly().Sort()
          .Describe("the parts in the order the name is filed: sort by this"),
      F::Of(FieldType::kMultilingualText, "names", "Names in other scripts", "Tên bằng chữ khác")
          .Max(300).SearchName().Describe("per language tag and script: zh-Hans, ru, lo…"),
      F::Text("honorific", "Honorific", "Danh xưng").Max(50)
          .Describe("as used in correspondence: H.E., Dr, Prof."),
      F::Objects("positions", "Positions", "Chức vụ",
                 {F::Ref("organisation", "Organisation", "Tổ chức", "organisation"),
                  F::Text("title", "Title", "Chức danh").Required().Max(300),
                  F::Of(FieldType::kPartialDate, "from", "From", "Từ"),
                  F::Of(FieldType::kPartialDate, "to", "To", "Đến")})
          .Items(50),
      F::Ref("organisation", "Current organisation", "Tổ chức hiện tại", "organisation").ReadOnly().Filter()
          .Describe("of the latest position without an end"),
      F::Text("title", "Current title", "Chức danh hiện tại").ReadOnly().Search(),
      F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Filter().Sort(),
      F::Of(FieldType::kTextList, "languages", "Languages", "Ngôn ngữ").Max(35).Filter()
          .Pattern("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", "language tags like vi, en, zh-Hans")
          .Describe("language tags: vi, en, zh, ru, fr…"),
      F::Of(FieldType::kEmail, "email", "Work e-mail", "Thư điện tử công việc").Filter(),
      F::Text("phone", "Work phone", "Điện thoại công việc").Max(50)
          .Pattern("[+0-9 ().-]{3,50}", "digits, spaces and + ( ) . - only"),
      F::Enum("consent_basis", "Basis for keeping the contact", "Căn cứ lưu thông tin",
              {{"public_role", {"Public role", "Chức vụ công khai"}, {}},
               {"legitimate_interest", {"Legitimate interest (working contact)", "Lợi ích chính đáng (liên hệ công việc)"}, {}},
               {"consent", {"Consent", "Đồng ý của cá nhân"}, {}},
               {"contract", {"Contract", "Hợp đồng"}, {}}})
          .Filter(),
      F::Of(FieldType::kDate, "consent_on", "Consent given on", "Ngày đồng ý"),
  };
  t.check = CheckPerson;
  t.derive = DerivePerson;
  return t;
}

}  // namespace amity::domain
