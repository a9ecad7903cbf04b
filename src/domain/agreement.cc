// Agreement: a treaty, memorandum of understanding, cooperation agreement or programme, joint
// statement or letter of intent between units, partner organisations and countries ("VUFO and
// CPAFFC signed a cooperation agreement for 2017–2022"). Users type the stage of negotiation and
// the dates; whether it is in force, expired or terminated is derived on every read from today's
// date, so "a cooperation agreement for 2017–2022" expires by itself.
#include <algorithm>
#include <cstdio>
#include <map>

#include "base/dates.h"
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"
#include "domain/supersedes.h"

namespace amity::domain {

namespace {

// "YYYY-MM-DD" plus `months`, the day kept or moved back to the month's last day
// (2021-08-31 + 6 months = 2022-02-28).
std::string AddMonths(const std::string& date, int64_t months) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return date;
  const int64_t total = int64_t{y} * 12 + (m - 1) + months;
  const int64_t y2 = total / 12;
  const int m2 = static_cast<int>(total % 12) + 1;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y2 % 4 == 0 && y2 % 100 != 0) || y2 % 400 == 0;
  const int last = m2 == 2 && leap ? 29 : kDays[m2 - 1];
  if (y2 > 9999) return "9999-12-31";
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", static_cast<int>(y2), m2, std::min(d, last));
  return out;
}

bool IsTrue(const Json& r, const char* k) {
  auto it = r.find(k);
  return it != r.end() && it->is_boolean() && it->get<bool>();
}

bool IsSigned(const Json& r) { return TextAt(r, "stage") == "signed" || Has(r, "signed_on"); }

// status and current_period_ends on `today`:
//   terminated  terminated_on on or before today;
//   draft, negotiating  the stage, while not signed;
//   signed      signed, but entry_into_force or valid_from is still ahead (or no date says when
//               it took effect);
//   expired     valid_to has passed and it does not renew by itself;
//   in_force    otherwise; current_period_ends is valid_to, moved forward by whole renewal
//               periods while it renews automatically.
void DeriveStatus(Json* r, const std::string& today) {
  const std::string stage = TextAt(*r, "stage"), signed_on = TextAt(*r, "signed_on"),
                    in_force_on = TextAt(*r, "entry_into_force"), from = TextAt(*r, "valid_from"),
                    to = TextAt(*r, "valid_to"), terminated = TextAt(*r, "terminated_on");
  std::string status;
  Json period_ends;
  // In effect from entry_into_force and valid_from when known, else from the signature.
  const bool started = !in_force_on.empty() || !from.empty()
                           ? in_force_on <= today && from <= today
                           : !signed_on.empty() && signed_on <= today;
  if (!terminated.empty() && terminated <= today) {
    status = "terminated";
  } else if (!IsSigned(*r)) {
    status = stage.empty() ? "draft" : stage;
  } else if (!started) {
    status = "signed";
  } else if (to.empty() || to >= today) {
    status = "in_force";
    if (!to.empty()) period_ends = to;
  } else {
    const Json months = r->value("renewal_period_months", Json());
    if (IsTrue(*r, "renews_automatically") && months.is_number_integer() && months.get<int64_t>() > 0) {
      const int64_t step = months.get<int64_t>();
      std::string ends = to;
      for (int64_t k = 1; ends < today && ends != "9999-12-31"; ++k) ends = AddMonths(to, k * step);
      status = "in_force";
      period_ends = ends;
    } else {
      status = "expired";
    }
  }
  (*r)["status"] = status;
  (*r)["current_period_ends"] = period_ends;
}

// Stage from the dates when it is not typed; the number of commitments still to be met.
void DeriveAgreement(Json* r) {
  if (!Has(*r, "stage")) (*r)["stage"] = Has(*r, "signed_on") ? "signed" : "draft";
  int64_t open = 0;
  auto commitments = r->find("commitments");
  if (commitments != r->end() && commitments->is_array()) {
    for (const Json& c : *commitments) {
      const std::string s = TextAt(c, "status");
      if (s == "open" || s == "in_progress") ++open;
    }
  }
  (*r)["open_commitments"] = open;
}

void CheckParties(const Json& r, std::vector<FieldViolation>* out) {
  auto parties = r.find("parties");
  if (parties == r.end() || !parties->is_array()) return;
  if (parties->size() < 2) {
    out->push_back({"parties", "needs at least two parties (got " + std::to_string(parties->size()) + ")"});
  }
  std::map<std::string, size_t> seen;  // "organisation 3" → its first party
  for (size_t i = 0; i < parties->size(); ++i) {
    const Json& p = (*parties)[i];
    const std::string at = "parties[" + std::to_string(i) + "]";
    std::vector<std::string> named;
    for (const char* k : {"unit", "organisation", "country"}) {
      if (Has(p, k)) named.push_back(k);
    }
    if (named.size() != 1) {
      std::string got = named.empty() ? "none" : named[0];
      for (size_t j = 1; j < named.size(); ++j) got += (j + 1 == named.size() ? " and " : ", ") + named[j];
      out->push_back({at, "names exactly one of unit, organisation or country (got " + got + ")"});
    } else {
      const std::string key = named[0] + " " + (p[named[0]].is_string() ? p[named[0]].get<std::string>() : p[named[0]].dump());
      auto [first, fresh] = seen.emplace(key, i);
      if (!fresh) {
        out->push_back({at + "." + named[0], "is already a party (parties[" + std::to_string(first->second) + "])"});
      }
    }
    // A party ratifies after it signs: its own signature date, else the agreement's.
    const std::string signed_on = Has(p, "signed_on") ? TextAt(p, "signed_on") : TextAt(r, "signed_on");
    if (EndsBeforeStart(signed_on, TextAt(p, "ratified_on"))) {
      out->push_back({at + ".ratified_on", "is before signed_on (" + signed_on + ")"});
    }
  }
}

void CheckAgreement(const Json& r, std::vector<FieldViolation>* out) {
  CheckParties(r, out);
  const std::string signed_on = TextAt(r, "signed_on"), from = TextAt(r, "valid_from");
  if (EndsBeforeStart(from, TextAt(r, "valid_to"))) {
    out->push_back({"valid_to", "is before valid_from (" + from + ")"});
  }
  if (EndsBeforeStart(signed_on, TextAt(r, "entry_into_force"))) {
    out->push_back({"entry_into_force", "is before signed_on (" + signed_on + ")"});
  }
  if (EndsBeforeStart(signed_on, TextAt(r, "terminated_on"))) {
    out->push_back({"terminated_on", "is before signed_on (" + signed_on + ")"});
  }
  const std::string stage = TextAt(r, "stage");
  if (!signed_on.empty() && stage != "signed") {
    out->push_back({"stage", "cannot be " + stage + ": signed_on is set (" + signed_on + ")"});
  }
  if (Has(r, "terminated_on") && !IsSigned(r)) {
    out->push_back({"terminated_on", "applies only to a signed agreement (stage signed)"});
  }
  const bool renews = IsTrue(r, "renews_automatically");
  if (renews && !Has(r, "renewal_period_months")) {
    out->push_back({"renewal_period_months", "is required when renews_automatically is true"});
  }
  if (renews && !Has(r, "valid_to")) {
    out->push_back({"valid_to", "is required when renews_automatically is true (the end of the first period)"});
  }
  if (!renews && Has(r, "renewal_period_months")) {
    out->push_back({"renewal_period_months", "applies only when renews_automatically is true"});
  }
}

}  // namespace

EntityType DeclareAgreement() {
  EntityType t;
  t.name = "agreement";
  t.plural = "agreements";
  t.label = {"Agreement", "Thỏa thuận"};
  t.plural_label = {"Agreements", "Thỏa thuận"};
  t.title_field = "title";
  t.natural_keys = {"title"};
  t.timeline_date = "signed_on";
  t.fields = {
      F::Enum("kind", "Kind", "Loại văn kiện",
              {{"treaty", {"Treaty", "Điều ước, hiệp ước"}, {}},
               {"mou", {"Memorandum of understanding", "Bản ghi nhớ"}, {}},
               {"cooperation_agreement", {"Cooperation agreement", "Thỏa thuận hợp tác"}, {}},
               {"cooperation_programme", {"Cooperation programme", "Chương trình hợp tác"}, {}},
               {"joint_statement", {"Joint statement", "Tuyên bố chung"}, {}},
               {"letter_of_intent", {"Letter of intent", "Thư ý định"}, {}},
               {"other", {"Other", "Khác"}, {}}})
          .Required().Filter().Sort(),
      F::Text("title", "Title", "Tên văn kiện").Required().Max(1000).Filter().Sort().Search(),
      F::Objects("parties", "Parties", "Các bên ký kết",
                 {F::Ref("unit", "Unit (our side)", "Đơn vị (phía ta)", "unit"),
                  F::Ref("organisation", "Organisation", "Tổ chức", "organisation"),
                  F::Of(FieldType::kCountry, "country", "Country", "Quốc gia"),
                  F::Text("signatory", "Signed by", "Người ký").Max(300),
                  F::Of(FieldType::kDate, "signed_on", "Signed on", "Ngày ký"),
                  F::Of(FieldType::kDate, "ratified_on", "Ratified on", "Ngày phê chuẩn")})
          .Required().Items(100)
          .Describe("at least two; each exactly one of unit, organisation or country"),
      F::Text("signed_at", "Signed at", "Nơi ký").Max(200).Search(),
      F::Of(FieldType::kDate, "signed_on", "Signed on", "Ngày ký").Filter().Sort(),
      F::Of(FieldType::kDate, "entry_into_force", "Entry into force", "Ngày có hiệu lực").Filter().Sort(),
      F::Of(FieldType::kDate, "valid_from", "Valid from", "Hiệu lực từ ngày").Filter().Sort(),
      F::Of(FieldType::kDate, "valid_to", "Valid to", "Hiệu lực đến ngày").Filter().Sort(),
      F::Of(FieldType::kBoolean, "renews_automatically", "Renews automatically", "Tự động gia hạn").Filter(),
      F::Of(FieldType::kInteger, "renewal_period_months", "Renewal period (months)", "Thời hạn gia hạn (tháng)")
          .Range(1, 120),
      F::Enum("stage", "Stage", "Giai đoạn",
              {{"draft", {"Draft", "Dự thảo"}, {}},
               {"negotiating", {"Negotiating", "Đang đàm phán"}, {}},
               {"signed", {"Signed", "Đã ký"}, {}}})
          .Filter()
          .Transitions({{"draft", {"negotiating", "signed"}}, {"negotiating", {"draft", "signed"}}})
          .Describe("typed; when absent: signed if signed_on is set, else draft. A signed agreement "
                    "is renegotiated by a new one that supersedes it"),
      F::Of(FieldType::kDate, "terminated_on", "Terminated on", "Ngày chấm dứt").Filter().Sort(),
      F::Enum("status", "Status today", "Tình trạng hiện nay",
              {{"draft", {"Draft", "Dự thảo"}, {}},
               {"negotiating", {"Negotiating", "Đang đàm phán"}, {}},
               {"signed", {"Signed, not yet in force", "Đã ký, chưa có hiệu lực"}, {}},
               {"in_force", {"In force", "Đang có hiệu lực"}, {}},
               {"expired", {"Expired", "Hết hiệu lực"}, {}},
               {"terminated", {"Terminated", "Đã chấm dứt"}, {}}})
          .ReadOnly().Describe("derived from the stage and the dates on the day it is read"),
      F::Of(FieldType::kDate, "current_period_ends", "Current period ends", "Kỳ hiện tại kết thúc")
          .ReadOnly().Describe("while in force: valid_to, moved on by the renewal period when it renews"),
      F::Ref("supersedes", "Supersedes", "Thay thế văn kiện", "agreement").Filter(),
      F::Objects("commitments", "Commitments", "Cam kết",
                 {F::Text("text", "Commitment", "Nội dung cam kết").Required().Max(2000),
                  F::Ref("responsible_unit", "Responsible unit", "Đơn vị chịu trách nhiệm", "unit"),
                  F::Ref("responsible_organisation", "Responsible organisation", "Tổ chức chịu trách nhiệm",
                         "organisation"),
                  F::Of(FieldType::kDate, "due", "Due", "Thời hạn"),
                  F::Enum("status", "Status", "Tình trạng",
                          {{"open", {"Open", "Chưa thực hiện"}, {}},
                           {"in_progress", {"In progress", "Đang thực hiện"}, {}},
                           {"done", {"Done", "Đã hoàn thành"}, {}},
                           {"dropped", {"Dropped", "Không thực hiện"}, {}}})
                      .Default("open"),
                  F::Text("evidence", "Evidence", "Minh chứng").Max(5000)})
          .Items(200),
      F::Of(FieldType::kInteger, "open_commitments", "Open commitments", "Cam kết chưa hoàn thành")
          .ReadOnly().Filter().Sort().Describe("commitments open or in progress"),
  };
  t.check = CheckAgreement;
  t.derive = DeriveAgreement;
  t.derive_on_read = DeriveStatus;
  t.check_stored = [](const Json& record, std::optional<int64_t> id, Lookup& lookup) {
    return CheckSupersedes("agreement", record, id, lookup);
  };
  return t;
}

}  // namespace amity::domain
