// Aid project: shaped like an IATI activity. Participating organisations with their roles,
// sectors (OECD DAC 5-digit purpose codes) and locations with percentages, a budget, and typed
// transactions (IATI TransactionType), each with its own amount, currency, date and value date,
// so that every transaction appears on its provider's and receiver's timelines and totals can be
// converted per transaction type (domain/money.h) without adding a commitment to a disbursement.
#include <set>

#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

const Json& Items(const Json& r, const char* k) {
  static const Json none = Json::array();
  auto it = r.find(k);
  return it != r.end() && it->is_array() ? *it : none;
}

std::string At(const char* field, size_t i, const char* part) {
  return std::string(field) + "[" + std::to_string(i) + "]." + part;
}

// A non-negative canonical decimal (codec.cc) below 1000 in units of 10^-12 (a kDecimal has at
// most 12 fraction digits), so percentages add up exactly; nullopt for anything else.
std::optional<int64_t> Picos(const std::string& d) {
  if (d.empty() || d[0] == '-') return std::nullopt;
  const size_t dot = d.find('.');
  const std::string whole = d.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : d.substr(dot + 1);
  if (whole.size() > 3) return std::nullopt;
  frac.resize(12, '0');
  return std::stoll(whole) * 1000000000000LL + std::stoll(frac);
}

std::string FromPicos(int64_t p) {
  std::string s = std::to_string(p / 1000000000000LL);
  std::string frac = std::to_string(p % 1000000000000LL);
  frac.insert(0, 12 - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? s : s + "." + frac;
}

// Percentages of a list's items (sectors, locations): each from 0 to 100, and when any item has
// one, every item has one and together they make 100.
void CheckPercentages(const Json& r, const char* field, std::vector<FieldViolation>* out) {
  const Json& items = Items(r, field);
  int64_t sum = 0;
  size_t given = 0;
  bool bad = false;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string p = TextAt(items[i], "percentage");
    if (p.empty()) continue;
    ++given;
    const std::optional<int64_t> v = Picos(p);
    if (!v || *v > 100 * 1000000000000LL) {
      out->push_back({At(field, i, "percentage"), "must be from 0 to 100"});
      bad = true;
    } else {
      sum += *v;
    }
  }
  if (given == 0 || bad) return;
  if (given < items.size()) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (TextAt(items[i], "percentage").empty()) {
        out->push_back({At(field, i, "percentage"), "is required when another entry has a percentage"});
      }
    }
    return;
  }
  if (sum != 100 * 1000000000000LL) {
    out->push_back({field, "percentages add up to " + FromPicos(sum) + "; they must add up to 100"});
  }
}

void CheckAidProject(const Json& r, std::vector<FieldViolation>* out) {
  for (const auto& [start, end] : {std::pair{"planned_start", "planned_end"},
                                   std::pair{"actual_start", "actual_end"}}) {
    const std::string s = TextAt(r, start), e = TextAt(r, end);
    if (EndsBeforeStart(s, e)) out->push_back({end, "is before " + std::string(start) + " (" + s + ")"});
  }
  const Json& participants = Items(r, "participants");
  std::set<std::pair<int64_t, std::string>> roles;
  for (size_t i = 0; i < participants.size(); ++i) {
    const Json& p = participants[i];
    if (!p.contains("organisation")) continue;
    const int64_t org = p["organisation"].get<int64_t>();
    const std::string role = TextAt(p, "role");
    if (!roles.emplace(org, role).second) {
      out->push_back({At("participants", i, "role"),
                      "organisation " + std::to_string(org) + " is already listed as " + role});
    }
  }
  const Json& sectors = Items(r, "sectors");
  std::set<std::string> codes;
  for (size_t i = 0; i < sectors.size(); ++i) {
    const std::string code = TextAt(sectors[i], "code");
    if (!codes.insert(code).second) out->push_back({At("sectors", i, "code"), "\"" + code + "\" is listed twice"});
  }
  CheckPercentages(r, "sectors", out);
  const Json& locations = Items(r, "locations");
  for (size_t i = 0; i < locations.size(); ++i) {
    const std::string country = TextAt(locations[i], "country"), sub = TextAt(locations[i], "subdivision");
    if (!sub.empty() && sub.substr(0, sub.find('-')) != country) {
      out->push_back({At("locations", i, "subdivision"),
                      "\"" + sub + "\" is a subdivision of " + sub.substr(0, sub.find('-')) + ", not of " + country});
    }
  }
  CheckPercentages(r, "locations", out);
  const Json& transactions = Items(r, "transactions");
  for (size_t i = 0; i < transactions.size(); ++i) {
    const Json& t = transactions[i];
    if (t.contains("provider") && t.value("provider", Json()) == t.value("receiver", Json())) {
      out->push_back({At("transactions", i, "receiver"), "is the provider; a transaction goes from one organisation to another"});
    }
  }
}

// On timelines a project is dated by when it started, or else by when it is planned to.
void DeriveAidProject(Json* r) {
  const std::string actual = TextAt(*r, "actual_start"), planned = TextAt(*r, "planned_start");
  (*r)["starts_on"] = !actual.empty() ? Json(actual) : !planned.empty() ? Json(planned) : Json();
}

}  // namespace

EntityType DeclareAidProject() {
  EntityType t;
  t.name = "aid_project";
  t.plural = "aid-projects";
  t.label = {"Aid project", "Dự án viện trợ"};
  t.plural_label = {"Aid projects", "Dự án viện trợ"};
  t.title_field = "title";
  t.natural_keys = {"identifiers", "title"};
  t.timeline_date = "starts_on";
  t.fields = {
      F::Text("title", "Title", "Tên dự án").Required().Max(500).Filter().Sort().Search(),
      F::Of(FieldType::kIdentifiers, "identifiers", "Identifiers", "Mã định danh").Filter()
          .Describe("e.g. {\"scheme\": \"iati-activity\", \"value\": \"GB-1-203743\"}"),
      F::Text("description", "Description", "Mô tả").Max(10000).Search(),
      F::Enum("status", "Status", "Tình trạng",
              {{"pipeline", {"Pipeline / identification", "Đang xây dựng"}, {}},
               {"implementation", {"Implementation", "Đang thực hiện"}, {}},
               {"finalisation", {"Finalisation", "Đang kết thúc"}, {}},
               {"closed", {"Closed", "Đã đóng"}, {}},
               {"cancelled", {"Cancelled", "Đã huỷ"}, {}},
               {"suspended", {"Suspended", "Tạm dừng"}, {}}})
          .Default("pipeline").Filter().Sort()
          .Transitions({{"pipeline", {"implementation", "suspended", "cancelled"}},
                        {"implementation", {"finalisation", "suspended", "cancelled"}},
                        {"suspended", {"pipeline", "implementation", "cancelled"}},
                        {"finalisation", {"closed", "implementation"}},
                        {"closed", {}},
                        {"cancelled", {}}})
          .Describe("IATI ActivityStatus 1-6"),
      F::Of(FieldType::kDate, "planned_start", "Planned start", "Ngày bắt đầu dự kiến").Filter().Sort(),
      F::Of(FieldType::kDate, "planned_end", "Planned end", "Ngày kết thúc dự kiến").Filter().Sort(),
      F::Of(FieldType::kDate, "actual_start", "Actual start", "Ngày bắt đầu thực tế").Filter().Sort(),
      F::Of(FieldType::kDate, "actual_end", "Actual end", "Ngày kết thúc thực tế").Filter().Sort(),
      F::Of(FieldType::kDate, "starts_on", "Starts on", "Ngày bắt đầu").ReadOnly().Filter().Sort()
          .Describe("the actual start, or else the planned one"),
      F::Objects("participants", "Participating organisations", "Tổ chức tham gia",
                 {F::Ref("organisation", "Organisation", "Tổ chức", "organisation").Required(),
                  F::Enum("role", "Role", "Vai trò",
                          {{"funding", {"Funding", "Tài trợ"}, {}},
                           {"accountable", {"Accountable", "Chịu trách nhiệm"}, {}},
                           {"extending", {"Extending", "Chuyển giao"}, {}},
                           {"implementing", {"Implementing", "Thực hiện"}, {}}})
                      .Required().Describe("IATI OrganisationRole 1-4")})
          .Items(100),
      F::Objects("sectors", "Sectors", "Lĩnh vực",
                 {F::Text("code", "DAC purpose code", "Mã lĩnh vực DAC").Required()
                      .Pattern("[0-9]{5}", "an OECD DAC 5-digit purpose code, like \"12220\""),
                  F::Of(FieldType::kDecimal, "percentage", "Percentage", "Tỷ lệ (%)")})
          .Items(100),
      F::Objects("locations", "Locations", "Địa bàn",
                 {F::Of(FieldType::kCountry, "country", "Country", "Quốc gia").Required(),
                  F::Text("subdivision", "Province", "Tỉnh, thành phố")
                      .Pattern("[A-Z]{2}-[A-Z0-9]{1,3}", "an ISO 3166-2 code, like \"VN-HN\"")
                      .Codes(CodeList::kSubdivision),
                  F::Of(FieldType::kDecimal, "percentage", "Percentage", "Tỷ lệ (%)")})
          .Items(200),
      F::Of(FieldType::kMoney, "budget", "Budget", "Ngân sách").Range(0, INT64_MAX),
      F::Objects("transactions", "Transactions", "Giao dịch",
                 {F::Enum("type", "Type", "Loại giao dịch",
                          {{"incoming_funds", {"Incoming funds", "Vốn nhận về"}, {}},
                           {"commitment", {"Commitment", "Cam kết"}, {}},
                           {"disbursement", {"Disbursement", "Giải ngân"}, {}},
                           {"expenditure", {"Expenditure", "Chi tiêu"}, {}},
                           {"interest_payment", {"Interest payment", "Trả lãi"}, {}},
                           {"loan_repayment", {"Loan repayment", "Trả nợ gốc"}, {}},
                           {"reimbursement", {"Reimbursement", "Hoàn trả"}, {}},
                           {"purchase_of_equity", {"Purchase of equity", "Mua cổ phần"}, {}},
                           {"sale_of_equity", {"Sale of equity", "Bán cổ phần"}, {}},
                           {"credit_guarantee", {"Credit guarantee", "Bảo lãnh tín dụng"}, {}},
                           {"incoming_commitment", {"Incoming commitment", "Cam kết nhận"}, {}},
                           {"pledge", {"Outgoing pledge", "Cam kết tài trợ (dự kiến)"}, {}},
                           {"incoming_pledge", {"Incoming pledge", "Cam kết nhận (dự kiến)"}, {}}})
                      .Required().Describe("IATI TransactionType 1-13"),
                  F::Of(FieldType::kDate, "date", "Date", "Ngày").Required(),
                  F::Of(FieldType::kDate, "value_date", "Value date", "Ngày quy đổi")
                      .Describe("the date whose exchange rate converts the amount; the date when absent"),
                  F::Of(FieldType::kMoney, "amount", "Amount", "Số tiền").Required()
                      .Describe("negative for a correction or reversal"),
                  F::Ref("provider", "Provider", "Bên cấp", "organisation"),
                  F::Ref("receiver", "Receiver", "Bên nhận", "organisation"),
                  F::Of(FieldType::kBoolean, "in_kind", "In kind", "Bằng hiện vật"),
                  F::Text("description", "Description", "Mô tả").Max(2000)})
          .Items(5000).ItemDate("date"),
      F::Ref("appeal", "Appeal", "Cuộc vận động", "appeal").Filter()
          .Describe("the appeal the project answers"),
  };
  t.check = CheckAidProject;
  t.derive = DeriveAidProject;
  return t;
}

}  // namespace amity::domain
