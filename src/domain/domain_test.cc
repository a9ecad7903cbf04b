#include <algorithm>
#include <functional>
#include <gtest/gtest.h>

#include "domain/codec.h"
#include "domain/collation.h"
#include "domain/money.h"
#include "domain/query.h"
#include "domain/registry.h"
#include "io/iso_codes.h"

namespace amity::domain {
namespace {

const ReferenceData& Ref() { return io::SharedReferenceData(); }
const EntityType& Org() { return *Registry::Get().ByName("organisation"); }

std::vector<FieldViolation> Violations(const Json& input, DecodeMode mode = DecodeMode::kCreate) {
  auto r = DecodeInput(Org(), input, mode, Ref());
  if (r) {
    Json rec = *r;
    ApplyDefaults(Org(), &rec);
    auto st = CheckRecord(Org(), rec);
    if (st) return {};
    return st.error().fields;
  }
  return r.error().fields;
}

TEST(Registry, DeclaresEveryType) {
  std::vector<std::string> names;
  for (const EntityType& t : Registry::Get().types()) names.push_back(t.name + "/" + t.plural);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "country/countries",
                       "subdivision/subdivisions",
                       "unit/units",
                       "organisation/organisations",
                       "person/persons",
                       "relation/relations",
                       "interaction/interactions",
                       "award/awards",
                       "delegation/delegations",
                       "event/events",
                       "agreement/agreements",
                       "plan/plans",
                       "policy_document/policy-documents",
                       "aid_project/aid-projects",
                       "appeal/appeals",
                       "exchange_rate/exchange-rates",
                       "document/documents",
                       "custom_field/custom-fields",
                   }));
  EXPECT_EQ(Registry::Get().ByPlural("organisations"), &Org());
  EXPECT_EQ(Registry::Get().ByNameOrPlural("organisation"), &Org());
  // Every field, part and enum value carries both labels; workflows name declared values.
  std::function<void(const std::string&, const Field&)> check = [&](const std::string& at, const Field& f) {
    EXPECT_FALSE(f.label.en.empty() || f.label.vi.empty()) << at << f.name;
    for (const EnumValue& v : f.values) {
      EXPECT_FALSE(v.label.en.empty() || v.label.vi.empty()) << at << f.name << "=" << v.value;
    }
    for (const auto& [from, to] : f.transitions) {
      EXPECT_NE(f.FindValue(from), nullptr) << at << f.name << " transition from " << from;
      for (const std::string& v : to) EXPECT_NE(f.FindValue(v), nullptr) << at << f.name << " → " << v;
    }
    if (!f.item_date.empty()) {
      EXPECT_NE(f.Part(f.item_date), nullptr) << at << f.name;
    }
    for (const Field& p : f.parts) check(at + f.name + ".", p);
  };
  for (const EntityType& t : Registry::Get().types()) {
    for (const Field& f : t.fields) check(t.name + ".", f);
    if (!t.timeline_date.empty()) {
      EXPECT_NE(t.Find(t.timeline_date), nullptr) << t.name;
    }
  }
}

TEST(Registry, RegionsComeFromIcuInBothLanguages) {
  const Field* region = Registry::Get().ByName("country")->Find("region");
  ASSERT_NE(region, nullptr);
  const EnumValue* asia = region->FindValue("142");
  ASSERT_NE(asia, nullptr);
  EXPECT_EQ(asia->label.en, "Asia");
  EXPECT_EQ(asia->label.vi, "Châu Á");
  EXPECT_EQ(RegionOf("VN").subregion, "035");
  EXPECT_EQ(RegionOf("DE").continent, "150");
}

TEST(ReferenceData, ComesFromIsoCodes) {
  EXPECT_TRUE(Ref().IsCountry("VN"));
  EXPECT_FALSE(Ref().IsCountry("XK"));
  EXPECT_EQ(Ref().ResolveCountry("vnm"), "VN");
  EXPECT_EQ(Ref().ResolveCountry("704"), "VN");
  EXPECT_EQ(Ref().ResolveCountry("DDR"), "DD");
  EXPECT_TRUE(Ref().IsCurrency("VND"));
  EXPECT_FALSE(Ref().IsCurrency("XYZ"));
  EXPECT_TRUE(Ref().IsLanguageTag("zh-Hans"));
  EXPECT_TRUE(Ref().IsLanguageTag("vi"));
  EXPECT_FALSE(Ref().IsLanguageTag("xx"));
  EXPECT_EQ(Ref().LanguageByName("Vietnamese"), "vi");
  EXPECT_EQ(Ref().LanguageByName("Pashto"), "ps");
  const CountryInfo& de = Ref().countries[Ref().country_by_alpha2.at("DE")];
  EXPECT_EQ(de.name_vi, "Đức");
}

TEST(Decode, SmallestValidOrganisation) {
  auto r = DecodeInput(Org(), {{"name", "SPD"}, {"kind", "political_party"}, {"country", "DE"}},
                       DecodeMode::kCreate, Ref());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, Json({{"name", "SPD"}, {"kind", "political_party"}, {"country", "DE"}}));
  EXPECT_TRUE(Violations({{"name", "SPD"}, {"kind", "political_party"}, {"country", "DE"}}).empty());
}

TEST(Decode, NormalisesValues) {
  auto r = DecodeInput(Org(), {{"name", "  SPD  "}, {"founded_on", 1863}, {"tags", {"a", "a", "b"}},
                               {"identifiers", {{{"scheme", "partyfacts"}, {"value", 1234}}}}},
                       DecodeMode::kPatch, Ref());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)["name"], "SPD");
  EXPECT_EQ((*r)["founded_on"], "1863");
  EXPECT_EQ((*r)["tags"], Json({"a", "b"}));
  EXPECT_EQ((*r)["identifiers"], Json({{{"scheme", "partyfacts"}, {"value", "1234"}}}));
}

TEST(Decode, ReportsEveryViolationWithItsField) {
  const auto v = Violations({{"name", ""}, {"kind", "ngo"}, {"member_count", -1}, {"phone", "call me"}});
  EXPECT_EQ(v, (std::vector<FieldViolation>{{"member_count", "must be at least 0"},
                                            {"name", "must not be empty"},
                                            {"phone", "digits, spaces and + ( ) . - only"}}));
}

TEST(Decode, CrossFieldRules) {
  EXPECT_EQ(Violations({{"name", "x"}, {"kind", "ngo"}, {"party_family", "green"}}),
            (std::vector<FieldViolation>{{"party_family", "applies only to kind political_party"}}));
  EXPECT_EQ(Violations({{"name", "x"}, {"kind", "ngo"}, {"member_count_as_of", "2020"}}),
            (std::vector<FieldViolation>{{"member_count_as_of", "needs member_count"}}));
  EXPECT_TRUE(Violations({{"name", "x"}, {"kind", "ngo"}, {"founded_on", "1990"}, {"dissolved_on", "1990-05"}}).empty());
  EXPECT_EQ(Violations({{"name", "x"}, {"kind", "community_association"}, {"subkind", "student"},
                        {"founded_on", "2001-03-04"}, {"dissolved_on", "2001-03-03"}}),
            (std::vector<FieldViolation>{{"dissolved_on", "is before founded_on (2001-03-04)"}}));
}

TEST(Decode, ItemsRefuseReadOnlyParts) {
  // A plan item's progress is derived from its linked records: typed values are refused, as
  // read-only fields are on the record itself.
  const EntityType& plan = *Registry::Get().ByName("plan");
  auto r = DecodeInput(plan, {{"unit", 1}, {"title", "Work plan 2025"},
                              {"items", {{{"objective", "Sign MoUs"}, {"achieved", 3},
                                          {"progress_percent", nullptr}}}}},
                       DecodeMode::kCreate, Ref());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().fields,
            (std::vector<FieldViolation>{
                {"items[0].achieved", "is maintained by Amity and cannot be set"},
                {"items[0].progress_percent", "is maintained by Amity and cannot be set"}}));
  auto ok = DecodeInput(plan, {{"unit", 1}, {"title", "Work plan 2025"},
                               {"items", {{{"objective", "Sign MoUs"}, {"target", 4}}}}},
                        DecodeMode::kCreate, Ref());
  ASSERT_TRUE(ok.has_value());
  Json record = *ok;
  plan.derive(&record);
  EXPECT_EQ(record["items"][0]["achieved"], 0);
  EXPECT_EQ(record["items"][0]["progress_percent"], 0);
}

TEST(Decode, MoneyAndDecimal) {
  Field money;
  money.name = "budget";
  money.type = FieldType::kMoney;
  EXPECT_EQ(*DecodeValue(money, {{"amount", 870000000}, {"currency", "USD"}}, Ref()),
            Json({{"amount", 870000000}, {"currency", "USD"}}));
  EXPECT_EQ(DecodeValue(money, {{"amount", 1.5}, {"currency", "USD"}}, Ref()).error(),
            "amount: expected an integer, got a number (minor units: cents, đồng)");
  EXPECT_EQ(DecodeValue(money, {{"amount", 1}, {"currency", "usd"}}, Ref()).error(),
            "currency: \"usd\" is not an ISO 4217 code");
  Field dec;
  dec.type = FieldType::kDecimal;
  EXPECT_EQ(*DecodeValue(dec, "25450.50", Ref()), "25450.5");
  EXPECT_EQ(*DecodeValue(dec, 3, Ref()), "3");
  EXPECT_FALSE(DecodeValue(dec, "1e5", Ref()).has_value());
}

TEST(Query, ParsesFiltersSortAndPaging) {
  auto q = ParseQuery(Org(), {{"country", "VN"}, {"kind.in", "ngo,university"}, {"founded_on.lte", "1990"},
                              {"sort", "-founded_on"}, {"limit", "20"}, {"total", "true"}},
                      false, Ref());
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->conditions.size(), 3u);
  EXPECT_EQ(q->conditions[1].op, Op::kIn);
  EXPECT_EQ(q->conditions[1].values, (std::vector<Json>{"ngo", "university"}));
  EXPECT_EQ(q->conditions[2].op, Op::kLt);  // lte at year precision covers the year
  EXPECT_EQ(q->conditions[2].values[0], "1990~");
  EXPECT_EQ(q->sort->name, "founded_on");
  EXPECT_TRUE(q->descending);
  EXPECT_EQ(q->limit, 20);
  EXPECT_TRUE(q->total);
}

TEST(Query, CursorsRoundTripAndAreChecked) {
  auto q = ParseQuery(Org(), {{"sort", "name"}}, false, Ref());
  const std::string c = EncodeCursor(*q, "Đảng", 42);
  auto next = ParseQuery(Org(), {{"sort", "name"}, {"cursor", c}}, false, Ref());
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->after->sort_value, "Đảng");
  EXPECT_EQ(next->after->id, 42);
  auto other = ParseQuery(Org(), {{"sort", "-name"}, {"cursor", c}}, false, Ref());
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().fields[0].reason, "was made for sort=\"name\", not sort=-name");
}

TEST(Query, LangChoosesTheOrderOfTextAndDefaultsToTheCallers) {
  EXPECT_EQ(ParseQuery(Org(), {{"sort", "name"}}, false, Ref())->lang, Lang::kEn);
  EXPECT_EQ(ParseQuery(Org(), {{"sort", "name"}}, false, Ref(), nullptr, Lang::kVi)->lang, Lang::kVi);
  EXPECT_EQ(ParseQuery(Org(), {{"lang", "en"}}, false, Ref(), nullptr, Lang::kVi)->lang, Lang::kEn);
  EXPECT_EQ(ParseQuery(Org(), {{"lang", "vi"}}, false, Ref())->lang, Lang::kVi);
  EXPECT_EQ(ParseQuery(Org(), {{"lang", "fr"}}, false, Ref()).error().fields,
            (std::vector<FieldViolation>{{"lang", "expected vi or en, got \"fr\""}}));
  EXPECT_EQ(ParseQuery(Org(), {{"lang", "vi"}, {"lang", "vi"}}, false, Ref()).error().fields,
            (std::vector<FieldViolation>{{"lang", "given more than once"}}));
  EXPECT_EQ(ParseQuery(Org(), {{"by", "country"}, {"lang", "VI"}}, true, Ref()).error().fields,
            (std::vector<FieldViolation>{{"lang", "expected vi or en, got \"VI\""}}));
}

TEST(Query, ATextSortsCursorHoldsItsLanguage) {
  auto vi = ParseQuery(Org(), {{"sort", "name"}, {"lang", "vi"}}, false, Ref());
  const std::string c = EncodeCursor(*vi, "Đạt", 7);
  auto next = ParseQuery(Org(), {{"sort", "name"}, {"cursor", c}}, false, Ref(), nullptr, Lang::kVi);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->after->sort_value, "Đạt");
  auto en = ParseQuery(Org(), {{"sort", "name"}, {"lang", "en"}, {"cursor", c}}, false, Ref());
  EXPECT_EQ(en.error().fields,
            (std::vector<FieldViolation>{{"cursor", "was made for lang=\"vi\", not lang=en"}}));
  // Dates and numbers have one order: their cursors go with any language.
  auto by_date = ParseQuery(Org(), {{"sort", "founded_on"}, {"lang", "vi"}}, false, Ref());
  const std::string d = EncodeCursor(*by_date, "1990", 3);
  EXPECT_TRUE(ParseQuery(Org(), {{"sort", "founded_on"}, {"cursor", d}}, false, Ref()).has_value());
}

TEST(Collate, OrdersVietnameseByItsAlphabetAndEnglishByTheRootOrder) {
  const std::vector<std::string> words = {"Zeta", "Đạt", "Dũng", "Ân", "Ăn", "Anh", "alpha"};
  auto sorted = [&](Lang lang) {
    std::vector<std::string> w = words;
    std::sort(w.begin(), w.end(),
              [&](const std::string& a, const std::string& b) { return Collate(lang, a, b) < 0; });
    return w;
  };
  EXPECT_EQ(sorted(Lang::kVi), (std::vector<std::string>{"alpha", "Anh", "Ăn", "Ân", "Dũng", "Đạt", "Zeta"}));
  EXPECT_EQ(sorted(Lang::kEn), (std::vector<std::string>{"alpha", "Ăn", "Ân", "Anh", "Đạt", "Dũng", "Zeta"}));
  // Tones in the Vietnamese order: ngang, huyền, hỏi, ngã, sắc, nặng.
  const std::vector<std::string> tones = {"a", "à", "ả", "ã", "á", "ạ"};
  for (size_t i = 1; i < tones.size(); ++i) {
    EXPECT_LT(Collate(Lang::kVi, tones[i - 1], tones[i]), 0) << tones[i];
  }
  EXPECT_LT(Collate(Lang::kVi, "D", "Đ"), 0);
  EXPECT_LT(Collate(Lang::kVi, "Dz", "Đa"), 0);  // Đ is a letter after D, not a D with a mark
  EXPECT_GT(Collate(Lang::kEn, "Dz", "Đa"), 0);
  EXPECT_LT(Collate(Lang::kEn, "a", "B"), 0);  // dictionary order, not bytes
  EXPECT_LT(Collate(Lang::kEn, "a", "A"), 0);  // case decides last
  // Canonically equivalent spellings (NFC, NFD) are equal: lists break the tie by id.
  EXPECT_EQ(Collate(Lang::kVi, "D\u0169ng", "Du\u0303ng"), 0);
  EXPECT_EQ(Collate(Lang::kEn, "", ""), 0);
}

TEST(Query, CountsNeedAGroupableBy) {
  auto missing = ParseQuery(Org(), {{"kind", "ngo"}}, true, Ref());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().fields[0], (FieldViolation{"by", "is required: the field to count by"}));
  auto ok = ParseQuery(Org(), {{"by", "country"}, {"kind", "ngo"}}, true, Ref());
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->group_by->name, "country");
  auto on_list = ParseQuery(Org(), {{"by", "country"}}, false, Ref());
  EXPECT_EQ(on_list.error().fields[0], (FieldViolation{"by", "only for /counts"}));
}

// The rate table of the transcripts: a dollar in đồng, a euro in dollars.
RateLookup Rates() {
  static const std::vector<RateRow> table = {{1, "USD", "VND", "2024-09-01", "25300"},
                                             {2, "EUR", "USD", "2024-09-01", "1.1"}};
  return [](const std::string& c, const std::string& b, const std::string& date) -> Result<std::optional<RateRow>> {
    std::optional<RateRow> best;
    for (const RateRow& r : table) {
      if (r.currency == c && r.base == b && r.on <= date && (!best || r.on > best->on)) best = r;
    }
    return best;
  };
}

int64_t Converted(int64_t amount, const char* from, const char* to) {
  auto c = Convert(Json{{"amount", amount}, {"currency", from}}, "2024-10-01", to, Rates());
  EXPECT_TRUE(c.has_value()) << from << "→" << to;
  return c ? c->money["amount"].get<int64_t>() : 0;
}

TEST(Money, MinorUnitsComeFromIcu) {
  EXPECT_EQ(MinorUnitDigits("VND"), 0);
  EXPECT_EQ(MinorUnitDigits("USD"), 2);
  EXPECT_EQ(MinorUnitDigits("KWD"), 3);
  EXPECT_EQ(MinorUnitDigits("JPY"), 0);
}

TEST(Money, ConvertsExactlyAndRoundsHalfAwayFromZero) {
  EXPECT_EQ(Converted(220000000000, "VND", "USD"), 869565217);  // ≈ USD 8.7 million
  EXPECT_EQ(Converted(10000000, "USD", "VND"), 2530000000);
  EXPECT_EQ(Converted(5, "EUR", "USD"), 6);    // 5.5 cents
  EXPECT_EQ(Converted(-5, "EUR", "USD"), -6);  // a reversal rounds the same way
  EXPECT_EQ(Converted(4, "EUR", "USD"), 4);    // 4.4 cents
  EXPECT_EQ(Converted(500000000, "VND", "EUR"), 1796622);  // through the dollar
  EXPECT_EQ(Converted(7, "THB", "THB"), 7);
}

TEST(Money, NamesTheMissingRate) {
  auto c = Convert(Json{{"amount", 1}, {"currency", "USD"}}, "2024-08-31", "VND", Rates());
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(c.error().message, "no exchange rate from USD to VND on or before 2024-08-31");
  c = Convert(Json{{"amount", 1}, {"currency", "THB"}}, "2024-10-01", "EUR", Rates());
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message, "no exchange rate from THB to EUR on or before 2024-10-01 (directly or through USD)");
}

}  // namespace
}  // namespace amity::domain
