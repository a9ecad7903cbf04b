// Exchange rate: what one unit of a currency was worth in a base currency on a day, from a
// stated source. Reports convert each amount at the rate of its own value date (domain/money.h).
#include "domain/declare.h"
#include "domain/registry.h"
#include "domain/rules.h"

namespace amity::domain {

namespace {

void CheckExchangeRate(const Json& r, std::vector<FieldViolation>* out) {
  const std::string currency = TextAt(r, "currency"), rate = TextAt(r, "rate");
  if (!currency.empty() && currency == TextAt(r, "base")) {
    out->push_back({"base", "is the same as currency (" + currency + ")"});
  }
  if (!rate.empty() && (rate[0] == '-' || rate == "0")) out->push_back({"rate", "must be greater than 0"});
}

// "VND→USD 2024-09-10": what the rate converts, and when.
void DeriveExchangeRate(Json* r) {
  (*r)["name"] = TextAt(*r, "currency") + "→" + TextAt(*r, "base") + " " + TextAt(*r, "on");
}

}  // namespace

EntityType DeclareExchangeRate() {
  EntityType t;
  t.name = "exchange_rate";
  t.access = Access::kShared;
  t.plural = "exchange-rates";
  t.label = {"Exchange rate", "Tỷ giá"};
  t.plural_label = {"Exchange rates", "Tỷ giá"};
  t.natural_keys = {"name"};
  t.unique_together = {{"currency", "base", "on"}};
  const std::string iso4217 = "an ISO 4217 code, like \"VND\"";
  t.fields = {
      F::Text("currency", "Currency", "Đồng tiền").Required().Filter().Sort()
          .Pattern("[A-Z]{3}", iso4217).Codes(CodeList::kCurrency),
      F::Text("base", "Base currency", "Đồng tiền quy đổi").Required().Default("USD").Filter().Sort()
          .Pattern("[A-Z]{3}", iso4217).Codes(CodeList::kCurrency),
      F::Of(FieldType::kDate, "on", "On", "Ngày áp dụng").Required().Filter().Sort(),
      F::Of(FieldType::kDecimal, "rate", "Rate", "Tỷ giá").Required()
          .Describe("units of the base currency for one unit of the currency"),
      F::Text("source", "Source", "Nguồn").Max(300).Filter()
          .Describe("e.g. State Bank of Viet Nam central rate, Vietcombank selling rate"),
      F::Text("name", "Name", "Tên").ReadOnly().Filter().Sort().Search()
          .Describe("currency→base and date, like \"VND→USD 2024-09-10\""),
  };
  t.check = CheckExchangeRate;
  t.derive = DeriveExchangeRate;
  return t;
}

}  // namespace amity::domain
