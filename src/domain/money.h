#pragma once
// Money across currencies. Amounts are integer minor units with an ISO 4217 currency (kMoney);
// a conversion uses the dated exchange-rate table: the latest rate on or before the amount's
// value date, of the pair directly, inverted, or through USD. Results are rounded half away from
// zero to the target currency's minor unit. Pure: rates come through a RateLookup.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entity.h"

namespace amity::domain {

// Digits after the decimal point of a currency's minor unit (VND 0, USD 2, KWD 3), from ICU's
// currency data (CLDR); 2 for a code ICU does not know.
int MinorUnitDigits(std::string_view currency);

// One row of the exchange-rate table: one `currency` is worth `rate` `base` on `on`.
struct RateRow {
  int64_t id = 0;
  std::string currency, base, on, rate;  // rate: canonical decimal text
};

// The latest live rate of `currency` in `base` on or before `date`, if any.
using RateLookup = std::function<Result<std::optional<RateRow>>(
    const std::string& currency, const std::string& base, const std::string& date)>;

struct Conversion {
  Json money;                  // {"amount", "currency"} in the target currency
  std::vector<RateRow> rates;  // the rates used, in the order applied (none for the same currency)
};

// `money` ({"amount", "currency"}) in `target` at the rates of `date`. Without a rate: a
// kFailedPrecondition naming both currencies and the date.
Result<Conversion> Convert(const Json& money, const std::string& date, const std::string& target,
                           const RateLookup& rates);

// Whether GET /{plural}/{id}/totals exists for `type` (appeals and aid projects).
bool HasTotals(const EntityType& type);

// The totals of a record in `currency`: an appeal's contributions (in all and per kind, with its
// target), an aid project's transactions per transaction type (never one sum across types: a
// commitment and the disbursement that honours it are the same money). Each converted amount is
// listed beside its original, with the rates used.
Result<Json> Totals(const EntityType& type, const Json& record, const std::string& currency,
                    const RateLookup& rates);

}  // namespace amity::domain
