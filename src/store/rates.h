#pragma once
// The exchange-rate table as domain/money.h reads it: through the generic list of
// exchange_rate records (no SQL of its own).
#include "domain/money.h"
#include "store/records.h"

namespace amity::store {

// The latest live rate of a pair on or before a date, read from `records` on each call.
domain::RateLookup RatesFrom(Records& records);

}  // namespace amity::store
