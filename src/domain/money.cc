#include "domain/money.h"

#include <map>

#include <boost/multiprecision/cpp_int.hpp>
#include <unicode/ucurr.h>
#include <unicode/unistr.h>

#include "domain/declare.h"
#include "domain/rules.h"

namespace amity::domain {
namespace {

using boost::multiprecision::cpp_int;

// Exact rational arithmetic: a 220-billion-đồng amount times a 12-digit rate does not fit in 64
// bits, and a double would round before we do.
struct Ratio {
  cpp_int num = 1, den = 1;
};

cpp_int Pow10(int n) {
  cpp_int p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

// A canonical positive decimal ("25300", "0.0000395") as a ratio.
Ratio ParseRate(const std::string& rate) {
  const size_t dot = rate.find('.');
  if (dot == std::string::npos) return {cpp_int(rate), 1};
  const std::string digits = rate.substr(0, dot) + rate.substr(dot + 1);
  return {cpp_int(digits), Pow10(static_cast<int>(rate.size() - dot - 1))};
}

// num/den rounded half away from zero.
cpp_int RoundHalfAway(const cpp_int& num, const cpp_int& den) {
  const bool negative = (num < 0) != (den < 0);
  const cpp_int n = abs(num), d = abs(den);
  cpp_int q = n / d;
  if ((n % d) * 2 >= d) ++q;
  return negative ? cpp_int(-q) : q;
}

std::optional<int64_t> Fits(const cpp_int& v) {
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

Json RateJson(const RateRow& r) {
  return {{"id", r.id}, {"currency", r.currency}, {"base", r.base}, {"on", r.on}, {"rate", r.rate}};
}

struct Leg {
  Ratio ratio;  // units of `to` per one `from`
  RateRow row;
};

// One `from` in `to` on or before `date`: the pair's own rate or its inverse, whichever is the
// later (the pair's own on the same day).
Result<std::optional<Leg>> FindLeg(const std::string& from, const std::string& to,
                                   const std::string& date, const RateLookup& rates) {
  ASSIGN_OR_RETURN(std::optional<RateRow> direct, rates(from, to, date));
  ASSIGN_OR_RETURN(std::optional<RateRow> inverse, rates(to, from, date));
  if (direct && (!inverse || direct->on >= inverse->on)) {
    return std::optional<Leg>(Leg{ParseRate(direct->rate), *direct});
  }
  if (inverse) {
    Ratio r = ParseRate(inverse->rate);
    return std::optional<Leg>(Leg{{r.den, r.num}, *inverse});
  }
  return std::optional<Leg>();
}

// `money` converted, or the error under `path` (the amount's field).
Result<Conversion> ConvertAt(const Json& money, const std::string& date, const std::string& target,
                             const RateLookup& rates, const std::string& path) {
  auto c = Convert(money, date, target, rates);
  if (!c) {
    Error e = c.error();
    if (e.fields.empty()) e.fields.push_back({path, e.message});
    for (FieldViolation& f : e.fields) f.field = path;
    e.message = path + ": " + e.fields[0].reason;
    return tl::unexpected(std::move(e));
  }
  return c;
}

Json ConvertedJson(const Json& original, const Conversion& c) {
  Json rates = Json::array();
  for (const RateRow& r : c.rates) rates.push_back(RateJson(r));
  return {{"amount", original}, {"converted", c.money}, {"rates", rates}};
}

// Sums of converted amounts by a key, kept exact until the end.
class Sums {
 public:
  void Add(const std::string& key, int64_t amount) {
    auto& [count, total] = by_[key];
    ++count;
    total += amount;
  }
  // {key: {"count", "total": {"amount", "currency"}}}, or an error when a total overflows.
  Result<Json> ToJson(const std::string& currency) const {
    Json out = Json::object();
    for (const auto& [key, sum] : by_) {
      ASSIGN_OR_RETURN(Json total, Money(sum.second, currency));
      out[key] = {{"count", sum.first}, {"total", total}};
    }
    return out;
  }
  static Result<Json> Money(const cpp_int& amount, const std::string& currency) {
    const std::optional<int64_t> n = Fits(amount);
    if (!n) return Fail(ErrorCode::kFailedPrecondition, "the total in " + currency + " is too large to hold");
    return Json{{"amount", *n}, {"currency", currency}};
  }

 private:
  std::map<std::string, std::pair<int64_t, cpp_int>> by_;
};

// The converted items of kObjects field `field`, each at the rate of the date `date_of` gives,
// summed per `key` part; every conversion problem is collected under its item's path.
struct ItemTotals {
  Json items = Json::array();
  Sums sums;
  cpp_int all = 0;
};

Result<ItemTotals> ConvertItems(const Json& record, const char* field, const char* key,
                                const std::vector<const char*>& keep, const std::string& currency,
                                const RateLookup& rates,
                                const std::function<std::string(const Json&)>& date_of) {
  ItemTotals out;
  std::vector<FieldViolation> missing;
  auto list = record.find(field);
  if (list == record.end() || !list->is_array()) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    const std::string path = std::string(field) + "[" + std::to_string(i) + "].amount";
    const std::string date = date_of(item);
    auto c = ConvertAt(item["amount"], date, currency, rates, path);
    if (!c) {
      if (c.error().code != ErrorCode::kFailedPrecondition) return tl::unexpected(c.error());
      missing.insert(missing.end(), c.error().fields.begin(), c.error().fields.end());
      continue;
    }
    Json entry = ConvertedJson(item["amount"], *c);
    entry["index"] = i;
    entry["rate_date"] = date;
    for (const char* k : keep) entry[k] = item.value(k, Json());
    const int64_t amount = c->money["amount"].get<int64_t>();
    out.sums.Add(TextAt(item, key), amount);
    out.all += amount;
    out.items.push_back(std::move(entry));
  }
  if (!missing.empty()) {
    const std::string message = missing[0].field + ": " + missing[0].reason;
    return Fail(ErrorCode::kFailedPrecondition, message, std::move(missing));
  }
  return out;
}

// A record's own amount (an appeal's target, a project's budget), converted at its start when it
// has one; "converted" is null when it has no start date.
Result<Json> RecordAmount(const Json& record, const char* field, const std::string& currency,
                          const RateLookup& rates) {
  auto it = record.find(field);
  if (it == record.end() || it->is_null()) return Json();
  const std::string on = TextAt(record, "starts_on");
  if (on.empty()) return Json{{"amount", *it}, {"converted", nullptr}, {"rates", Json::array()}};
  ASSIGN_OR_RETURN(Conversion c, ConvertAt(*it, on, currency, rates, field));
  Json out = ConvertedJson(*it, c);
  out["date"] = on;
  return out;
}

}  // namespace

int MinorUnitDigits(std::string_view currency) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString code = icu::UnicodeString::fromUTF8(icu::StringPiece(currency.data(),
                                                                          static_cast<int32_t>(currency.size())));
  const int32_t digits = ucurr_getDefaultFractionDigits(code.getTerminatedBuffer(), &status);
  return U_FAILURE(status) ? 2 : digits;
}

Result<Conversion> Convert(const Json& money, const std::string& date, const std::string& target,
                           const RateLookup& rates) {
  const std::string from = money["currency"].get<std::string>();
  const int64_t amount = money["amount"].get<int64_t>();
  if (from == target) return Conversion{money, {}};
  std::vector<Leg> legs;
  ASSIGN_OR_RETURN(std::optional<Leg> direct, FindLeg(from, target, date, rates));
  if (direct) {
    legs.push_back(std::move(*direct));
  } else if (from != "USD" && target != "USD") {
    ASSIGN_OR_RETURN(std::optional<Leg> in, FindLeg(from, "USD", date, rates));
    ASSIGN_OR_RETURN(std::optional<Leg> out, FindLeg("USD", target, date, rates));
    if (in && out) legs = {std::move(*in), std::move(*out)};
  }
  if (legs.empty()) {
    return Fail(ErrorCode::kFailedPrecondition,
                "no exchange rate from " + from + " to " + target + " on or before " + date +
                    (from != "USD" && target != "USD" ? " (directly or through USD)" : ""));
  }
  cpp_int num = amount * Pow10(MinorUnitDigits(target));
  cpp_int den = Pow10(MinorUnitDigits(from));
  Conversion out;
  for (Leg& leg : legs) {
    num *= leg.ratio.num;
    den *= leg.ratio.den;
    out.rates.push_back(std::move(leg.row));
  }
  const std::optional<int64_t> converted = Fits(RoundHalfAway(num, den));
  if (!converted) {
    return Fail(ErrorCode::kFailedPrecondition, "the amount in " + target + " is too large to hold");
  }
  out.money = {{"amount", *converted}, {"currency", target}};
  return out;
}

bool HasTotals(const EntityType& type) { return type.name == "appeal" || type.name == "aid_project"; }

Result<Json> Totals(const EntityType& type, const Json& record, const std::string& currency,
                    const RateLookup& rates) {
  Json out = {{"entity", type.name},
              {"id", record.value("id", Json())},
              {"currency", currency},
              {"minor_unit_digits", MinorUnitDigits(currency)},
              {"rounding", "each amount at the rate of its date, half away from zero to the minor unit, then summed"}};
  if (type.name == "appeal") {
    ASSIGN_OR_RETURN(ItemTotals t, ConvertItems(record, "contributions", "kind",
                                                {"kind", "organisation", "date"}, currency, rates,
                                                [](const Json& item) { return TextAt(item, "date"); }));
    ASSIGN_OR_RETURN(out["total"], Sums::Money(t.all, currency));
    out["count"] = t.items.size();
    ASSIGN_OR_RETURN(out["by_kind"], t.sums.ToJson(currency));
    out["contributions"] = std::move(t.items);
    ASSIGN_OR_RETURN(out["target"], RecordAmount(record, "target", currency, rates));
    return out;
  }
  // Aid project: per transaction type only (IATI): the funds a donor commits, disburses to an
  // NGO and the NGO spends are one flow seen three times; adding them would count it thrice.
  ASSIGN_OR_RETURN(ItemTotals t, ConvertItems(record, "transactions", "type",
                                              {"type", "date", "value_date", "provider", "receiver", "in_kind"},
                                              currency, rates, [](const Json& item) {
                                                const std::string v = TextAt(item, "value_date");
                                                return v.empty() ? TextAt(item, "date") : v;
                                              }));
  ASSIGN_OR_RETURN(out["by_type"], t.sums.ToJson(currency));
  out["transactions"] = std::move(t.items);
  ASSIGN_OR_RETURN(out["budget"], RecordAmount(record, "budget", currency, rates));
  return out;
}

}  // namespace amity::domain
