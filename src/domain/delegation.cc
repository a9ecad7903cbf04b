// Delegation: the users' central object, both directions ("đoàn ra, đoàn vào"): who went or came,
// at what level, whom they met where, and what came of it. Countries are counted from the stops
// ("accompanied 7 high-level delegations to 9 countries"). Two delegations planned at the same
// partner or in the same country at overlapping dates are told so (deconfliction), without
// refusing either.
#include <algorithm>
#include <map>
#include <set>

#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

constexpr int kCandidates = 200;  // delegations compared per country or host, at most

const Json& Items(const Json& r, const char* key) {
  static const Json kEmpty = Json::array();
  auto it = r.find(key);
  return it != r.end() && it->is_array() ? *it : kEmpty;
}

std::string At(const char* list, size_t i, const char* part) {
  return std::string(list) + "[" + std::to_string(i) + "]" + (part[0] ? "." : "") + part;
}

// countries: the distinct stop countries, sorted; countries_visited: how many.
void DeriveDelegation(Json* r) {
  std::set<std::string> countries;
  for (const Json& stop : Items(*r, "stops")) {
    const std::string c = TextAt(stop, "country");
    if (!c.empty()) countries.insert(c);
  }
  (*r)["countries"] = Json(std::vector<std::string>(countries.begin(), countries.end()));
  (*r)["countries_visited"] = static_cast<int64_t>(countries.size());
}

void CheckStops(const Json& r, std::vector<FieldViolation>* out) {
  const std::string starts = TextAt(r, "starts_on"), ends = TextAt(r, "ends_on");
  const Json& stops = Items(r, "stops");
  for (size_t i = 0; i < stops.size(); ++i) {
    const std::string from = TextAt(stops[i], "from"), to = TextAt(stops[i], "to");
    if (EndsBeforeStart(from, to)) out->push_back({At("stops", i, "to"), "is before from (" + from + ")"});
    if (EndsBeforeStart(starts, from)) {
      out->push_back({At("stops", i, "from"), "is before the delegation starts (" + starts + ")"});
    }
    if (EndsBeforeStart(to, ends)) {
      out->push_back({At("stops", i, "to"), "is after the delegation ends (" + ends + ")"});
    }
    if (i > 0) {
      const std::string previous = TextAt(stops[i - 1], "from");
      if (EndsBeforeStart(previous, from)) {
        out->push_back({At("stops", i, "from"), "is before the previous stop's from (" + previous +
                                                     "); list the stops in the order they were visited"});
      }
    }
  }
}

// The leader heads the delegation: listed among the members, it is with role head, and nobody
// else is. A person is listed once.
void CheckMembers(const Json& r, std::vector<FieldViolation>* out) {
  const std::optional<int64_t> leader = IdAt(r, "leader");
  const Json& members = Items(r, "members");
  std::map<int64_t, size_t> seen;
  for (size_t i = 0; i < members.size(); ++i) {
    const std::optional<int64_t> person = IdAt(members[i], "person");
    if (!person) continue;
    auto [first, fresh] = seen.emplace(*person, i);
    if (!fresh) {
      out->push_back({At("members", i, "person"), "person " + std::to_string(*person) +
                                                      " is already listed (" + At("members", first->second, "") + ")"});
    }
    const std::string role = TextAt(members[i], "role");
    if (leader && *person == *leader && role != "head") {
      out->push_back({At("members", i, "role"), "the leader (person " + std::to_string(*leader) +
                                                    ") is listed with role " + (role.empty() ? "(none)" : role) +
                                                    "; the leader's role is head"});
    } else if (leader && *person != *leader && role == "head") {
      out->push_back({At("members", i, "role"), "the head is the leader (person " + std::to_string(*leader) +
                                                    "); person " + std::to_string(*person) + " is not"});
    }
  }
}

void CheckDelegation(const Json& r, std::vector<FieldViolation>* out) {
  CheckStartsEnds(r, out);
  CheckStops(r, out);
  CheckMembers(r, out);
  const std::string status = TextAt(r, "status");
  if (status == "completed" || status == "reported") {
    for (const char* f : {"starts_on", "ends_on"}) {
      if (!Has(r, f)) out->push_back({f, "is required once the delegation is " + status});
    }
  }
}

// A delegation may not accompany itself, nor one that (through others) accompanies it.
Status CheckAccompanies(const Json& record, std::optional<int64_t> id, Lookup& lookup) {
  std::optional<int64_t> at = IdAt(record, "accompanies");
  if (!at || !id) return {};
  if (*at == *id) return Invalid("accompanies", "a delegation cannot accompany itself");
  for (int depth = 0; at && depth < 64; ++depth) {
    if (*at == *id) {
      const std::string reason = "would make a cycle: delegation " +
                                 std::to_string(*IdAt(record, "accompanies")) + " accompanies delegation " +
                                 std::to_string(*id) + " (directly or through others)";
      return Fail(ErrorCode::kFailedPrecondition, "accompanies: " + reason, {{"accompanies", reason}});
    }
    ASSIGN_OR_RETURN(std::optional<Json> up, lookup.Find("delegation", *at, true));
    if (!up) return {};
    at = IdAt(*up, "accompanies");
  }
  return {};
}

// A stop as deconfliction sees it: where, when, and with which host (the stop's organisation, or
// else the delegation's host organisations).
struct Stop {
  std::string country, from, to;
  std::set<int64_t> hosts;
};

std::vector<Stop> StopsOf(const Json& r) {
  std::set<int64_t> hosts;
  for (const Json& h : Items(r, "host_organisations")) {
    if (h.is_number_integer()) hosts.insert(h.get<int64_t>());
  }
  std::vector<Stop> out;
  for (const Json& s : Items(r, "stops")) {
    Stop stop{TextAt(s, "country"), TextAt(s, "from"), TextAt(s, "to"), hosts};
    if (std::optional<int64_t> at = IdAt(s, "organisation")) stop.hosts = {*at};
    out.push_back(std::move(stop));
  }
  return out;
}

// Other live, not cancelled delegations that stop in the same countries or at the same hosts,
// by id; not those accompanying this one or accompanied by it, which travel together.
Result<std::map<int64_t, Json>> Candidates(const Json& record, std::optional<int64_t> id,
                                           const std::vector<Stop>& stops, Lookup& lookup) {
  std::set<int64_t> ids;
  for (const Stop& s : stops) {
    if (s.from.empty() || s.to.empty()) continue;
    // Links are dated by a stop's start (or the delegation's): one that overlaps this stop
    // started before it ends, and no visit lasts a year.
    std::string since = std::to_string(std::max(1, std::stoi(s.from.substr(0, 4)) - 1));
    since = std::string(4 - since.size(), '0') + since + s.from.substr(4);
    auto add = [&](const char* target, const std::string& key) -> Status {
      ASSIGN_OR_RETURN(std::vector<int64_t> found,
                       lookup.Linked("delegation", target, key, since, s.to, kCandidates));
      ids.insert(found.begin(), found.end());
      return {};
    };
    if (!s.country.empty()) RETURN_IF_ERROR(add("country", s.country));
    for (int64_t h : s.hosts) RETURN_IF_ERROR(add("organisation", std::to_string(h)));
  }
  if (id) ids.erase(*id);
  std::map<int64_t, Json> out;
  const std::optional<int64_t> accompanies = IdAt(record, "accompanies");
  for (int64_t other : ids) {
    ASSIGN_OR_RETURN(std::optional<Json> r, lookup.Find("delegation", other, false));
    if (!r || TextAt(*r, "status") == "cancelled") continue;
    if (accompanies == other || (id && IdAt(*r, "accompanies") == id)) continue;
    out.emplace(other, std::move(*r));
  }
  return out;
}

Result<std::string> HostName(int64_t host, Lookup& lookup) {
  ASSIGN_OR_RETURN(std::optional<Json> org, lookup.Find("organisation", host, true));
  return "organisation " + std::to_string(host) + (org ? " \"" + TextAt(*org, "name") + "\"" : "");
}

// stops[i]: overlaps delegation 3 "…" in CN from 2024-05-12 to 2024-05-15 (the other's stop).
// Incoming delegations all stop at home: between two of them only a shared host counts.
Status WarnOverlaps(const Json& record, std::optional<int64_t> id, Lookup& lookup,
                    std::vector<FieldViolation>* out) {
  if (TextAt(record, "status") == "cancelled") return {};
  const std::vector<Stop> mine = StopsOf(record);
  if (mine.empty()) return {};
  ASSIGN_OR_RETURN(auto candidates, Candidates(record, id, mine, lookup));
  const bool incoming = TextAt(record, "direction") == "incoming";
  for (size_t i = 0; i < mine.size(); ++i) {
    const Stop& a = mine[i];
    for (const auto& [other, r] : candidates) {
      const bool both_incoming = incoming && TextAt(r, "direction") == "incoming";
      for (const Stop& b : StopsOf(r)) {
        if (a.from.empty() || b.from.empty() || a.from > b.to || b.from > a.to) continue;
        const bool same_country = !both_incoming && !a.country.empty() && a.country == b.country;
        std::optional<int64_t> host;
        for (int64_t h : a.hosts) {
          if (b.hosts.contains(h)) {
            host = h;
            break;
          }
        }
        if (!same_country && !host) continue;
        std::string reason = "overlaps delegation " + std::to_string(other) + " \"" + TextAt(r, "title") + "\"";
        if (same_country) reason += " in " + b.country;
        if (host) {
          ASSIGN_OR_RETURN(std::string name, HostName(*host, lookup));
          reason += " hosted by " + name;
        }
        reason += " from " + b.from + " to " + b.to;
        out->push_back({At("stops", i, ""), reason});
      }
    }
  }
  return {};
}

std::vector<EnumValue> Roles() {
  return {{"head", {"Head of delegation", "Trưởng đoàn"}, {}},
          {"deputy_head", {"Deputy head", "Phó trưởng đoàn"}, {}},
          {"member", {"Member", "Thành viên"}, {}},
          {"interpreter", {"Interpreter", "Phiên dịch"}, {}},
          {"secretary", {"Secretary", "Thư ký"}, {}},
          {"liaison", {"Liaison officer", "Cán bộ liên lạc"}, {}},
          {"press", {"Press", "Phóng viên"}, {}},
          {"other", {"Other", "Khác"}, {}}};
}

std::vector<EnumValue> VisaStates() {
  return {{"not_needed", {"Not needed", "Không cần thị thực"}, {}},
          {"to_apply", {"To apply for", "Cần xin thị thực"}, {}},
          {"applied", {"Applied for", "Đã nộp hồ sơ"}, {}},
          {"granted", {"Granted", "Đã được cấp"}, {}},
          {"refused", {"Refused", "Bị từ chối"}, {}}};
}

}  // namespace

EntityType DeclareDelegation() {
  EntityType t;
  t.name = "delegation";
  t.plural = "delegations";
  t.label = {"Delegation", "Đoàn"};
  t.plural_label = {"Delegations", "Các đoàn"};
  t.title_field = "title";
  t.natural_keys = {"title"};
  t.timeline_date = "starts_on";
  t.fields = {
      F::Enum("direction", "Direction", "Đoàn ra / đoàn vào",
              {{"outgoing", {"Outgoing (our delegation abroad)", "Đoàn ra"}, {}},
               {"incoming", {"Incoming (a delegation we receive)", "Đoàn vào"}, {}}})
          .Required().Filter().Sort(),
      F::Text("title", "Title", "Tên đoàn").Required().Max(500).Filter().Sort().Search(),
      F::Enum("level", "Level", "Cấp đoàn",
              {{"top_leader", {"Top leader", "Lãnh đạo chủ chốt"}, {}},
               {"high_level", {"High-level", "Cấp cao"}, {}},
               {"ministerial", {"Ministerial", "Cấp bộ trưởng"}, {}},
               {"leadership", {"Leadership", "Cấp lãnh đạo"}, {}},
               {"working", {"Working", "Đoàn công tác"}, {}},
               {"expert", {"Expert", "Chuyên gia"}, {}}})
          .Filter().Sort(),
      F::Ref("leader", "Leader", "Trưởng đoàn", "person").Filter(),
      F::Objects("members", "Members", "Thành viên đoàn",
                 {F::Ref("person", "Person", "Cá nhân", "person").Required(),
                  F::Enum("role", "Role", "Vai trò", Roles()),
                  F::Enum("visa", "Visa", "Thị thực", VisaStates()),
                  F::Text("travel", "Travel", "Đi lại").Max(1000)
                      .Describe("flights, trains, arrival and departure"),
                  F::Of(FieldType::kBoolean, "interpreter_needed", "Needs an interpreter", "Cần phiên dịch"),
                  F::Text("notes", "Notes", "Ghi chú").Max(2000)})
          .Items(100),
      F::RefList("units", "Units", "Đơn vị", "unit").Filter()
          .Describe("our units that send or receive the delegation"),
      F::RefList("host_organisations", "Host organisations", "Tổ chức đón tiếp", "organisation").Filter(),
      F::RefList("guest_organisations", "Guest organisations", "Tổ chức của đoàn khách", "organisation").Filter(),
      F::Objects("stops", "Stops", "Điểm đến",
                 {F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Required(),
                  F::Text("city", "City", "Thành phố").Max(100),
                  F::Ref("organisation", "Host at this stop", "Tổ chức đón tiếp tại điểm đến", "organisation"),
                  F::Of(FieldType::kDate, "from", "From", "Từ ngày").Required(),
                  F::Of(FieldType::kDate, "to", "To", "Đến ngày").Required()})
          .Items(50).ItemDate("from"),
      F::Of(FieldType::kDate, "starts_on", "Starts on", "Ngày bắt đầu").Filter().Sort(),
      F::Of(FieldType::kDate, "ends_on", "Ends on", "Ngày kết thúc").Filter().Sort(),
      F::Text("purpose", "Purpose", "Mục đích").Max(5000).Search(),
      F::Enum("status", "Status", "Trạng thái",
              {{"proposed", {"Proposed", "Đề xuất"}, {}},
               {"approved", {"Approved", "Đã phê duyệt"}, {}},
               {"scheduled", {"Scheduled", "Đã lên lịch"}, {}},
               {"completed", {"Completed", "Đã thực hiện"}, {}},
               {"reported", {"Reported", "Đã báo cáo"}, {}},
               {"cancelled", {"Cancelled", "Đã hủy"}, {}}})
          .Default("proposed").Filter().Sort()
          .Transitions({{"proposed", {"approved", "cancelled"}},
                        {"approved", {"scheduled", "cancelled"}},
                        {"scheduled", {"completed", "cancelled"}},
                        {"completed", {"reported"}}}),
      F::Text("outcomes", "Outcomes", "Kết quả").Max(10000).Search(),
      F::Ref("accompanies", "Accompanies", "Tháp tùng đoàn", "delegation").Filter()
          .Describe("the higher-level delegation this one accompanied"),
      F::Of(FieldType::kInteger, "countries_visited", "Countries visited", "Số nước đến").ReadOnly()
          .Filter().Sort().Describe("the number of distinct countries among the stops"),
      F::Of(FieldType::kTextList, "countries", "Countries", "Các nước đến").ReadOnly().Filter()
          .Describe("the distinct stop countries, sorted"),
  };
  t.derive = DeriveDelegation;
  t.check = CheckDelegation;
  t.check_stored = CheckAccompanies;
  t.warn = WarnOverlaps;
  return t;
}

}  // namespace amity::domain
