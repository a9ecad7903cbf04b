// Relation: a standing tie from our side (a unit) or a partner (an organisation) to an
// organisation: party-to-party, friendship, cooperation, a seat in a forum (membership, with its
// role and term), sister cities. Partnership levels change over time ("elevated to a
// comprehensive strategic partnership"), so they are kept as a dated history and the current
// level is derived from it.
#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

std::vector<EnumValue> LevelValues() {
  return {
      {"comprehensive_strategic_partnership", {"Comprehensive strategic partnership", "Đối tác chiến lược toàn diện"}, {}},
      {"strategic_partnership", {"Strategic partnership", "Đối tác chiến lược"}, {}},
      {"comprehensive_partnership", {"Comprehensive partnership", "Đối tác toàn diện"}, {}},
      {"special_relationship", {"Special relationship", "Quan hệ đặc biệt"}, {}},
      {"traditional_friendship", {"Traditional friendship", "Hữu nghị truyền thống"}, {}},
      {"cooperation", {"Cooperation", "Hợp tác"}, {}},
      {"exchange", {"Exchange", "Giao lưu"}, {}},
  };
}

// The current level: the entry whose `since` is the latest (the first of equals).
void DeriveRelation(Json* r) {
  Json level, since;
  auto levels = r->find("levels");
  if (levels != r->end() && levels->is_array()) {
    for (const Json& e : *levels) {
      const std::string at = TextAt(e, "since");
      if (since.is_null() || at > since.get<std::string>()) {
        level = e.value("level", Json());
        since = at;
      }
    }
  }
  (*r)["level"] = level;
  (*r)["level_since"] = since;
}

void CheckRelation(const Json& r, std::vector<FieldViolation>* out) {
  ExactlyOne(r, "from_unit", "from_organisation", "a relation runs from a unit or an organisation", out);
  if (Has(r, "from_organisation") && Has(r, "to") && r["from_organisation"] == r["to"]) {
    out->push_back({"to", "is the same organisation as from_organisation"});
  }
  const std::string since = TextAt(r, "since"), until = TextAt(r, "until");
  if (EndsBeforeStart(since, until)) out->push_back({"until", "is before since (" + since + ")"});
  auto levels = r.find("levels");
  if (levels == r.end() || !levels->is_array()) return;
  for (size_t i = 0; i < levels->size(); ++i) {
    const std::string at = TextAt((*levels)[i], "since");
    for (size_t j = 0; j < i && !at.empty(); ++j) {
      if (TextAt((*levels)[j], "since") == at) {
        out->push_back({"levels[" + std::to_string(i) + "].since",
                        "levels[" + std::to_string(j) + "] already starts on " + at});
        break;
      }
    }
  }
}

// An active relation of one kind (and role) between the same two sides exists once: a second one
// would split its history. Ended and suspended ones may repeat (a party leaves a forum and
// rejoins it), so this is not a unique_together, which would also refuse those.
Status CheckOneActive(const Json& r, std::optional<int64_t> id, Lookup& lookup) {
  if (TextAt(r, "status") != "active") return {};
  Json where = Json::object();
  for (const char* k : {"from_unit", "from_organisation", "to", "kind", "role", "status"}) {
    where[k] = r.value(k, Json());
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> ids, lookup.Matching("relation", where, 2));
  for (int64_t other : ids) {
    if (id && other == *id) continue;
    const std::string reason = "an active " + TextAt(r, "kind") + " relation between the same sides " +
                               "already exists: relation " + std::to_string(other);
    return Fail(ErrorCode::kAlreadyExists, "to: " + reason, {{"to", reason}});
  }
  return {};
}

}  // namespace

EntityType DeclareRelation() {
  EntityType t;
  t.name = "relation";
  t.plural = "relations";
  t.label = {"Relation", "Quan hệ"};
  t.plural_label = {"Relations", "Quan hệ"};
  t.title_field = "kind";
  const std::vector<std::string> membership = {"membership"};
  t.fields = {
      F::Ref("from_unit", "From (our unit)", "Từ (đơn vị ta)", "unit").Filter()
          .Describe("our side; or from_organisation, not both"),
      F::Ref("from_organisation", "From (organisation)", "Từ (tổ chức)", "organisation").Filter()
          .Describe("a partner's side (a party's seat in a forum); or from_unit, not both"),
      F::Ref("to", "To (organisation)", "Với (tổ chức)", "organisation").Required().Filter(),
      F::Enum("kind", "Kind", "Loại quan hệ",
              {{"party_to_party", {"Party-to-party", "Quan hệ giữa hai đảng"}, {}},
               {"friendship", {"Friendship", "Hữu nghị"}, {}},
               {"cooperation", {"Cooperation", "Hợp tác"}, {}},
               {"membership", {"Membership", "Thành viên"}, {}},
               {"sister_city", {"Sister city", "Kết nghĩa địa phương"}, {}},
               {"partnership", {"Partnership", "Đối tác"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Required().Filter().Sort(),
      F::Enum("role", "Role", "Vai trò",
              {{"member", {"Member", "Thành viên"}, membership},
               {"observer", {"Observer", "Quan sát viên"}, membership},
               {"standing_committee", {"Standing committee", "Ủy ban Thường trực"}, membership},
               {"executive_committee", {"Executive committee", "Ban Chấp hành"}, membership},
               {"advisory_body", {"Advisory body", "Cơ quan tư vấn"}, membership},
               {"chair", {"Chair", "Chủ tịch"}, membership},
               {"vice_chair", {"Vice-chair", "Phó Chủ tịch"}, membership},
               {"secretariat", {"Secretariat", "Ban Thư ký"}, membership}})
          .DependsOn("kind").Filter().Describe("for memberships: the seat held"),
      F::Text("term", "Term", "Nhiệm kỳ").Max(100).Describe("\"2022–2026 term\""),
      F::Of(FieldType::kPartialDate, "since", "Since", "Từ").Filter().Sort(),
      F::Of(FieldType::kPartialDate, "until", "Until", "Đến").Filter().Sort(),
      F::Enum("status", "Status", "Tình trạng",
              {{"active", {"Active", "Đang duy trì"}, {}},
               {"suspended", {"Suspended", "Tạm ngừng"}, {}},
               {"ended", {"Ended", "Đã chấm dứt"}, {}}})
          .Default("active").Filter().Sort(),
      F::Text("basis", "Basis", "Cơ sở").Max(2000).Search()
          .Describe("the agreement or decision the relation rests on"),
      F::Objects("levels", "Level history", "Các cấp độ quan hệ",
                 {F::Enum("level", "Level", "Cấp độ", LevelValues()).Required(),
                  F::Of(FieldType::kDate, "since", "Since", "Từ ngày").Required(),
                  F::Text("basis", "Basis", "Cơ sở").Max(1000)
                      .Describe("the agreement, joint statement or visit that set the level"),
                  F::Text("decision_reference", "Decision reference", "Số quyết định").Max(200)})
          .Items(50),
      F::Enum("level", "Current level", "Cấp độ hiện tại", LevelValues()).ReadOnly().Filter().Sort()
          .Describe("the level whose since is the latest"),
      F::Of(FieldType::kDate, "level_since", "Current level since", "Cấp độ hiện tại từ ngày")
          .ReadOnly().Sort(),
  };
  t.check = CheckRelation;
  t.derive = DeriveRelation;
  t.check_stored = CheckOneActive;
  return t;
}

}  // namespace amity::domain
