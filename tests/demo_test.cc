// The demo data (demo/*.jsonl, loaded as `amity demo` loads it) holds the figures of VUFO's 2024
// review of people-to-people diplomacy (domain/sources/people-diplomacy-2024-review.txt), read
// back through the API the way a user would count them.
#include <memory>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "domain/registry.h"
#include "support.h"

namespace amity::testing {
namespace {

using nlohmann::json;

// On every engine.
class Demo : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    f.LoadDemo();
    server = std::make_unique<RunningServer>(f);
  }

  json Get(const std::string& target) {
    HttpResponse r = server->Call("GET", "/api/v1/" + target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return r.Json();
  }

  // How many records of `plural` match `query`.
  int64_t Total(const std::string& plural, const std::string& query) {
    return Get(plural + "?" + query + (query.empty() ? "" : "&") + "total=true&limit=1")["total"].get<int64_t>();
  }

  // The id of the union itself: delegations are VUFO's when it is among their units.
  std::string Vufo() { return std::to_string(Get("units?code=VUFO")["items"][0]["id"].get<int64_t>()); }

  Fixture f{GetParam()};
  std::unique_ptr<RunningServer> server;
};

constexpr const char* k2024 = "starts_on.gte=2024-01-01&starts_on.lte=2024-12-31";

// "We organised 43 delegations to visit other countries and welcomed 28 delegations visiting
// Việt Nam". The leaders' delegations VUFO accompanied are outgoing too, but not VUFO's.
TEST_P(Demo, HoldsTheDelegationsOf2024) {
  const std::string ours = "units.contains=" + Vufo() + "&" + k2024;
  EXPECT_EQ(Total("delegations", "direction=outgoing&" + ours), 43);
  EXPECT_EQ(Total("delegations", "direction=incoming&" + ours), 28);
  EXPECT_EQ(Total("delegations", std::string("direction=outgoing&level=top_leader&") + k2024), 7);
  // The year before is lighter, so that a comparison has something to compare.
  const std::string y2023 = "units.contains=" + Vufo() + "&starts_on.gte=2023-01-01&starts_on.lte=2023-12-31";
  EXPECT_GT(Total("delegations", "direction=outgoing&" + y2023), 0);
  EXPECT_GT(Total("delegations", "direction=incoming&" + y2023), 0);
}

// "accompanying seven high-level delegations of Party and State leaders on visits to nine
// countries ..., where we coordinated and hosted nine events".
TEST_P(Demo, AccompaniedSevenHighLevelDelegationsToNineCountries) {
  json page = Get("delegations?accompanies.null=false&units.contains=" + Vufo() + "&" + k2024 + "&limit=100");
  ASSERT_EQ(page["items"].size(), 7u);
  std::set<std::string> countries, events_in;
  for (const json& d : page["items"]) {
    for (const json& c : d["countries"]) countries.insert(c.get<std::string>());
    json accompanied = Get("delegations/" + std::to_string(d["accompanies"].get<int64_t>()));
    EXPECT_EQ(accompanied["level"], "top_leader") << d["title"];
    EXPECT_EQ(accompanied["countries"], d["countries"]) << d["title"];
    json hosted = Get("events?delegation=" + std::to_string(d["id"].get<int64_t>()) + "&limit=100");
    for (const json& e : hosted["items"]) events_in.insert(e["title"].get<std::string>());
  }
  EXPECT_EQ(countries, (std::set<std::string>{"CL", "CN", "CU", "HU", "IN", "KR", "PE", "RO", "US"}));
  EXPECT_EQ(events_in.size(), 9u);
}

// "five international conferences and seminars", "eight agreements and memoranda of
// understanding", "'For Peace and Friendship among Nations' Medals to 21 foreign diplomats".
TEST_P(Demo, HoldsTheConferencesAgreementsAndMedalsOf2024) {
  EXPECT_EQ(Total("events", std::string("kind.in=conference,seminar&scope=international&") + k2024), 5);
  EXPECT_EQ(Total("agreements", "signed_on.gte=2024-01-01&signed_on.lte=2024-12-31"), 8);
  const std::string conferred = "status=conferred&conferred_on.gte=2024-01-01&conferred_on.lte=2024-12-31";
  EXPECT_EQ(Total("awards", conferred), 21);
  EXPECT_EQ(Total("awards", conferred + "&award=peace_friendship_medal&recipient_person.null=false"), 21);
  json festival = Get("events?series.contains=India&edition=12");
  ASSERT_EQ(festival["items"].size(), 1u);
  EXPECT_EQ(festival["items"][0]["starts_on"].get<std::string>().substr(0, 7), "2024-12");
}

// "cash and in-kind donations, valued at nearly VNĐ220 billion ($8.7 million)", totalled at the
// demo's dated exchange rates.
TEST_P(Demo, TheTyphoonYagiAppealAddsUpToTheReview) {
  json appeals = Get("appeals?title.contains=Typhoon%20Yagi");
  ASSERT_EQ(appeals["items"].size(), 1u);
  const std::string id = std::to_string(appeals["items"][0]["id"].get<int64_t>());
  json vnd = Get("appeals/" + id + "/totals?currency=VND");
  EXPECT_EQ(vnd["total"], (json{{"amount", 219'650'000'000}, {"currency", "VND"}}));
  EXPECT_GT(vnd["by_kind"]["cash"]["count"].get<int>(), 0);
  EXPECT_GT(vnd["by_kind"]["in_kind"]["count"].get<int>(), 0);
  json usd = Get("appeals/" + id + "/totals?currency=USD");
  EXPECT_EQ(usd["total"], (json{{"amount", 867'638'337}, {"currency", "USD"}}));  // $8,676,383.37
  // Aid projects answering it have disbursements, convertible too.
  json projects = Get("aid-projects?appeal=" + id);
  ASSERT_FALSE(projects["items"].empty());
  json totals = Get("aid-projects/" + std::to_string(projects["items"][0]["id"].get<int64_t>()) +
                    "/totals?currency=USD");
  EXPECT_GT(totals["by_type"]["disbursement"]["count"].get<int>(), 0);
}

TEST_P(Demo, HasRecordsOfEveryEntityType) {
  for (const domain::EntityType& t : domain::Registry::Get().types()) {
    if (t.reference_data) continue;
    EXPECT_GT(Total(t.plural, ""), 0) << t.plural;
  }
}

// Names are written and filed by their own order: Vietnamese, family-first, given-first.
TEST_P(Demo, PersonsKeepTheirNameOrders) {
  json son = Get("persons?family_name=Phan")["items"][0];
  EXPECT_EQ(son["name"], "Phan Anh Sơn");
  EXPECT_EQ(son["sort_name"], "Sơn Phan Anh");
  json zhao = Get("persons?family_name=Zhao")["items"][0];
  EXPECT_EQ(zhao["name"], "Zhao Wenjing");
  EXPECT_EQ(zhao["sort_name"], "Zhao Wenjing");
  json cuban = Get("persons?family_name=Hernández%20Guillén")["items"][0];
  EXPECT_EQ(cuban["name"], "Orlando Nicolás Hernández Guillén");
  EXPECT_EQ(cuban["sort_name"], "Hernández Guillén Orlando Nicolás");
}

INSTANTIATE_TEST_SUITE_P(Engines, Demo, ::testing::ValuesIn(Engines()));

}  // namespace
}  // namespace amity::testing
