#include "store/rates.h"

#include "domain/registry.h"

namespace amity::store {

domain::RateLookup RatesFrom(Records& records) {
  return [&records](const std::string& currency, const std::string& base,
                    const std::string& date) -> Result<std::optional<domain::RateRow>> {
    const domain::EntityType& type = *domain::Registry::Get().ByName("exchange_rate");
    const domain::Params params = {{"currency", currency}, {"base", base}, {"on.lte", date},
                                   {"sort", "-on"},        {"limit", "1"}};
    ASSIGN_OR_RETURN(domain::Query query, domain::ParseQuery(type, params, false, records.reference()));
    ASSIGN_OR_RETURN(Page page, records.List(type, query));
    if (page.items.empty()) return std::optional<domain::RateRow>();
    const Json& r = page.items[0];
    return std::optional<domain::RateRow>(domain::RateRow{
        r["id"].get<int64_t>(), r["currency"].get<std::string>(), r["base"].get<std::string>(),
        r["on"].get<std::string>(), r["rate"].get<std::string>()});
  };
}

}  // namespace amity::store
