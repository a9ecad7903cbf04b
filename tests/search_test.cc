// Search (issue 6): one table of queries and the hits they must give, passed by both engines;
// the index kept with every write; what a user may see; rebuilding.
#include <algorithm>

#include <gtest/gtest.h>

#include "domain/registry.h"
#include "domain/search.h"
#include "store/search.h"
#include "support.h"

namespace amity::testing {
namespace {

using domain::Json;
using domain::Registry;

const domain::EntityType& Type(const std::string& name) { return *Registry::Get().ByName(name); }

struct Case {
  std::string query;
  std::vector<std::string> hits;
  std::string types;  // empty: every type
};

class Search : public ::testing::TestWithParam<std::string> {
 protected:
  Search() : f(GetParam()) {}

  int64_t Create(const std::string& type, const Json& in) {
    auto r = f.records->Create(Type(type), in, store::Actor{"test"});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? (*r)["id"].get<int64_t>() : 0;
  }

  // The records the cases search among: names in Vietnamese, English, German, Chinese, Greek and
  // Russian, full-width letters, and words that only appear in notes and descriptions.
  void LoadCases() {
    Create("organisation", {{"name", "Đảng Cộng sản Việt Nam"}, {"acronym", "ĐCSVN"}, {"kind", "political_party"},
                            {"names", {{"en", "Communist Party of Viet Nam"}}}});
    Create("organisation", {{"name", "Sozialdemokratische Partei Deutschlands"}, {"acronym", "SPD"},
                            {"kind", "political_party"}, {"names", {{"vi", "Đảng Dân chủ Xã hội Đức"}}}});
    Create("organisation", {{"name", "Communist Party of China"}, {"acronym", "CPC"}, {"kind", "political_party"},
                            {"names", {{"zh-Hans", "中国共产党"}, {"vi", "Đảng Cộng sản Trung Quốc"}}}});
    Create("organisation", {{"name", "Κομμουνιστικό Κόμμα Ελλάδας"}, {"acronym", "KKE"}, {"kind", "political_party"}});
    Create("organisation", {{"name", "Коммунистическая партия Российской Федерации"}, {"kind", "political_party"}});
    Create("organisation", {{"name", "ＡＢＣ Ｗｏｒｋｓ"}, {"kind", "business"}});
    Create("organisation", {{"name", "Asia Peace Network"}, {"kind", "ngo"},
                            {"description", "Hosts a yearly forum on reconciliation in Hà Nội."}});
    Create("organisation", {{"name", "Vietnam Veterans of America Foundation"}, {"kind", "ngo"},
                            {"former_names", {"Vietnam Veterans Foundation"}}});
    Create("person", {{"family_name", "Phan"}, {"middle_name", "Anh"}, {"given_name", "Sơn"},
                      {"name_order", "vietnamese"}});
    Create("person", {{"family_name", "Nguyễn"}, {"middle_name", "Thị"}, {"given_name", "Sơn"},
                      {"name_order", "vietnamese"}, {"notes", "Met the SPD delegation in 2024."}});
    Create("event", {{"kind", "forum"}, {"title", "Viet Nam – China forum"}, {"scope", "international"},
                     {"starts_on", "2025-03-01"}});
    Create("event", {{"kind", "forum"}, {"title", "Việt Nam – Lào: Diễn đàn hữu nghị"}, {"scope", "international"},
                     {"starts_on", "2025-04-01"}});
  }

  // The hits as "match type title" (in the same order on both engines).
  std::vector<std::string> Find(const domain::Params& params) {
    auto q = domain::ParseSearch(params);
    EXPECT_TRUE(q.has_value()) << (q ? "" : q.error().message);
    if (!q) return {};
    auto hits = store::Search(*f.store, *q);
    EXPECT_TRUE(hits.has_value()) << (hits ? "" : hits.error().message);
    if (!hits) return {};
    std::vector<std::string> out;
    for (const store::SearchHit& h : *hits) out.push_back(h.match + " " + h.type + " " + h.title);
    return out;
  }
  std::vector<std::string> Find(const std::string& text) { return Find(domain::Params{{"q", text}}); }
  std::vector<std::string> Find(const Case& c) {
    domain::Params p = {{"q", c.query}};
    if (!c.types.empty()) p.emplace_back("types", c.types);
    return Find(p);
  }

  Fixture f;
};


// The table both engines pass.
const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      // Exact title, with a dash and different spacing.
      {"Viet Nam – China forum", {"exact event Viet Nam – China forum"}},
      {"viet nam china forum", {"exact event Viet Nam – China forum"}},
      // An acronym equal to the query first; then the note that mentions it.
      {"SPD",
       {"exact organisation Sozialdemokratische Partei Deutschlands", "text person Nguyễn Thị Sơn"}},
      // Without diacritics, a Vietnamese name in full.
      {"Phan Anh Son", {"exact person Phan Anh Sơn"}},
      // Names starting with the words typed, in the order of the names; then the words
      // elsewhere in a name.
      {"dang cong san",
       {"prefix organisation Communist Party of China", "prefix organisation Đảng Cộng sản Việt Nam"}},
      // The SPD's Vietnamese name starts with "Đảng"; South Sudan's ("Nam Xu-đăng") has the word.
      {"Đảng",
       {"prefix organisation Communist Party of China", "prefix organisation Đảng Cộng sản Việt Nam",
        "prefix organisation Sozialdemokratische Partei Deutschlands", "name country South Sudan"}},
      // Typeahead: the word being typed is a prefix.
      {"phan an", {"prefix person Phan Anh Sơn"}},
      // A given name is a name of its own ("Sơn" is the given name of both).
      {"son", {"exact person Phan Anh Sơn", "exact person Nguyễn Thị Sơn"}, "person"},
      // Names in the order of their folded text; a record once, however many of its names
      // start so (the former name "Vietnam Veterans Foundation"); then words inside names, the
      // shortest title first (the USSR is "… Xô viết" in Vietnamese).
      {"viet",
       {"prefix country Viet Nam", "prefix event Viet Nam – China forum",
        "prefix country Viet-Nam, Democratic Republic of", "prefix event Việt Nam – Lào: Diễn đàn hữu nghị",
        "prefix organisation Vietnam Veterans of America Foundation",
        "name organisation Đảng Cộng sản Việt Nam", "name country USSR, Union of Soviet Socialist Republics"}},
      // A former name.
      {"Vietnam Veterans Foundation", {"exact organisation Vietnam Veterans of America Foundation"}},
      // Chinese inside a name, not at its start: the characters in a row.
      {"共产党", {"name organisation Communist Party of China"}},
      {"中国", {"prefix organisation Communist Party of China"}},
      {"产共", {}},
      // Greek and Russian, without accents and in any case.
      {"ΚΟΜΜΑ", {"name organisation Κομμουνιστικό Κόμμα Ελλάδας"}},
      {"κομμουνιστικο", {"prefix organisation Κομμουνιστικό Κόμμα Ελλάδας"}},
      {"партия", {"name organisation Коммунистическая партия Российской Федерации"}},
      // Full-width letters meet plain ones, both ways.
      {"abc works", {"exact organisation ＡＢＣ Ｗｏｒｋｓ"}},
      {"ＡＢＣ", {"prefix organisation ＡＢＣ Ｗｏｒｋｓ"}},
      // Words only in a description.
      {"forum",
       {"name event Viet Nam – China forum", "text organisation Asia Peace Network"}},
      {"reconciliation ha noi", {"text organisation Asia Peace Network"}},
      // A last word of one or two letters after other words (PostgreSQL checks it on the
      // candidates' text rather than in its index).
      {"china fo", {"name event Viet Nam – China forum"}},
      {"nam – ch",
       {"name event Viet Nam – China forum", "name country Viet-Nam, Democratic Republic of",
        "name country South Georgia and the South Sandwich Islands"}},
      {"reconciliation h", {"text organisation Asia Peace Network"}},
      {"china xy", {}},
      {"forum ch", {"name event Viet Nam – China forum"}},  // words in any order
      {"forum xy", {}},
      // Every word must be there.
      {"forum lao", {}},
      {"dien dan huu nghi", {"name event Việt Nam – Lào: Diễn đàn hữu nghị"}},
      {"nothing like this", {}},
  };
  return cases;
}

TEST_P(Search, PassesTheTableOfCases) {
  LoadCases();
  for (const Case& c : Cases()) EXPECT_EQ(Find(c), c.hits) << "query: " << c.query;
}

TEST_P(Search, NarrowsToTypesAndLimits) {
  LoadCases();
  EXPECT_EQ(Find(domain::Params{{"q", "viet"}, {"types", "organisation"}}),
            (std::vector<std::string>{"prefix organisation Vietnam Veterans of America Foundation",
                                      "name organisation Đảng Cộng sản Việt Nam"}));
  EXPECT_EQ(Find(domain::Params{{"q", "viet"}, {"types", "event,person"}, {"limit", "1"}}),
            (std::vector<std::string>{"prefix event Viet Nam – China forum"}));
  // Countries from iso-codes are searched too, by their Vietnamese names ("Cộng hòa Dân chủ
  // Đức") and official names ("Grand Duchy of Luxembourg": the word being typed is a prefix).
  EXPECT_EQ(Find(domain::Params{{"q", "Đức"}, {"types", "country"}}),
            (std::vector<std::string>{"exact country Germany", "name country Luxembourg",
                                      "name country German Democratic Republic"}));
}

TEST_P(Search, SnippetsMarkTheWordsAsWritten) {
  LoadCases();
  auto q = domain::ParseSearch({{"q", "dang cong san viet"}});
  ASSERT_TRUE(q.has_value());
  auto hits = store::Search(*f.store, *q);
  ASSERT_TRUE(hits.has_value());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(store::SearchHitJson(hits->front()),
            Json::parse(R"({"type": "organisation", "id": 1, "title": "Đảng Cộng sản Việt Nam", "match": "prefix",
                            "snippet": [{"text": "Đảng", "match": true}, {"text": " "}, {"text": "Cộng", "match": true},
                                        {"text": " "}, {"text": "sản", "match": true}, {"text": " "},
                                        {"text": "Việt", "match": true}, {"text": " Nam"}]})"));
  q = domain::ParseSearch({{"q", "reconciliation"}});
  hits = store::Search(*f.store, *q);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(store::SearchHitJson(hits->front())["snippet"],
            Json::parse(R"([{"text": "Hosts a yearly forum on "}, {"text": "reconciliation", "match": true},
                            {"text": " in Hà Nội."}])"));
}

TEST_P(Search, FollowsEveryWrite) {
  const int64_t id = Create("organisation", {{"name", "Hội Hữu nghị Việt – Đức"}, {"kind", "friendship_association"}});
  EXPECT_EQ(Find("hoi huu nghi viet duc"), (std::vector<std::string>{"exact organisation Hội Hữu nghị Việt – Đức"}));
  EXPECT_EQ(Find("huu nghi viet duc"), (std::vector<std::string>{"name organisation Hội Hữu nghị Việt – Đức"}));
  const domain::EntityType& org = Type("organisation");
  auto renamed = f.records->Update(org, id, 1, {{"name", "Vietnamese-German Friendship Society"}}, store::Actor{"test"});
  ASSERT_TRUE(renamed.has_value()) << renamed.error().message;
  EXPECT_EQ(Find("huu nghi viet duc"), std::vector<std::string>{});
  EXPECT_EQ(Find("german friendship"),
            (std::vector<std::string>{"name organisation Vietnamese-German Friendship Society"}));
  // A change elsewhere in the record leaves the entry as it is.
  ASSERT_TRUE(f.records->Update(org, id, 2, {{"country", "DE"}}, store::Actor{"test"}).has_value());
  EXPECT_EQ(Find("german friendship").size(), 1u);
  ASSERT_TRUE(f.records->Delete(org, id, 3, store::Actor{"test"}).has_value());
  EXPECT_EQ(Find("german friendship"), std::vector<std::string>{});
  ASSERT_TRUE(f.records->Restore(org, id, store::Actor{"test"}).has_value());
  EXPECT_EQ(Find("german friendship"),
            (std::vector<std::string>{"name organisation Vietnamese-German Friendship Society"}));
}

TEST_P(Search, FindsWhatAnImportBroughtAndWhatItChanged) {
  // An import writes names and words at commit, in bulk (store::SearchBulk).
  const int64_t before = Create("organisation", {{"name", "Hội Nhà báo Việt Nam"}, {"kind", "ngo"}});
  std::vector<store::ImportRow> rows;
  rows.push_back({1, Json{{"name", "Liên đoàn Lao động Việt Nam"}, {"kind", "ngo"}, {"acronym", "VGCL"}}});
  rows.push_back({2, Json{{"name", "Hội Liên hiệp Phụ nữ Việt Nam"}, {"kind", "ngo"},
                          {"description", "Founded in 1930; works with women's unions abroad."}}});
  store::VectorSource source(std::move(rows));
  auto report = f.records->Import(Type("organisation"), source, false, store::Actor{"test"});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(Find("vgcl"), (std::vector<std::string>{"exact organisation Liên đoàn Lao động Việt Nam"}));
  EXPECT_EQ(Find("lien doan lao"), (std::vector<std::string>{"prefix organisation Liên đoàn Lao động Việt Nam"}));
  EXPECT_EQ(Find("women unions"), (std::vector<std::string>{"text organisation Hội Liên hiệp Phụ nữ Việt Nam"}));
  // Writes after the import's commit are row by row again.
  ASSERT_TRUE(f.records->Update(Type("organisation"), before, 1,
                                {{"name", "Vietnam Journalists' Association"}, {"acronym", "VJA"}}, store::Actor{"test"})
                  .has_value());
  EXPECT_EQ(Find("hoi nha bao"), std::vector<std::string>{});
  EXPECT_EQ(Find("VJA"), (std::vector<std::string>{"exact organisation Vietnam Journalists' Association"}));
  EXPECT_EQ(Find("journalists"), (std::vector<std::string>{"name organisation Vietnam Journalists' Association"}));
}

TEST_P(Search, ShowsOnlyWhatTheReaderMaySee) {
  const int64_t a = Create("unit", {{"code", "A"}, {"name", "Desk A"}, {"kind", "department"}});
  const int64_t b = Create("unit", {{"code", "B"}, {"name", "Desk B"}, {"kind", "department"}});
  Create("organisation", {{"name", "Lotus internal A"}, {"kind", "ngo"}, {"owner_unit", a}});
  Create("organisation", {{"name", "Lotus internal B"}, {"kind", "ngo"}, {"owner_unit", b}});
  Create("organisation", {{"name", "Lotus public B"}, {"kind", "ngo"}, {"owner_unit", b}, {"sensitivity", "public"}});
  Create("organisation", {{"name", "Lotus restricted A"}, {"kind", "ngo"}, {"owner_unit", a},
                          {"sensitivity", "restricted"}});
  store::Principal reader;
  reader.read.units = {a};
  {
    const store::AccessScope scope(&reader);
    EXPECT_EQ(Find("lotus"), (std::vector<std::string>{"prefix organisation Lotus internal A",
                                                       "prefix organisation Lotus public B"}));
    // Units are read by everyone.
    EXPECT_EQ(Find("desk"), (std::vector<std::string>{"prefix unit Desk A", "prefix unit Desk B"}));
  }
  reader.restricted.units = {a};
  {
    const store::AccessScope scope(&reader);
    EXPECT_EQ(Find("lotus"), (std::vector<std::string>{"prefix organisation Lotus internal A",
                                                       "prefix organisation Lotus public B",
                                                       "prefix organisation Lotus restricted A"}));
  }
  store::Principal root;  // reads every unit, cleared for none
  root.read.all = true;
  {
    const store::AccessScope scope(&root);
    EXPECT_EQ(Find("lotus").size(), 3u);
  }
  EXPECT_EQ(Find("lotus").size(), 4u);  // the system sees everything
}

TEST_P(Search, RebuildGivesTheSameIndex) {
  LoadCases();
  std::vector<std::vector<std::string>> before;
  for (const Case& c : Cases()) before.push_back(Find(c));
  auto count = store::RebuildSearch(*f.store);
  ASSERT_TRUE(count.has_value()) << count.error().message;
  auto all = f.store->CountAll();
  int64_t records = 0;
  for (const auto& [_, n] : *all) records += n;
  EXPECT_EQ(*count, records);
  for (size_t i = 0; i < Cases().size(); ++i) EXPECT_EQ(Find(Cases()[i]), before[i]) << Cases()[i].query;
  // Writes after a rebuild keep going (SQLite: the FTS rows by id; PostgreSQL: the id sequence).
  Create("organisation", {{"name", "After the rebuild"}, {"kind", "ngo"}});
  EXPECT_EQ(Find("after the rebuild"), (std::vector<std::string>{"exact organisation After the rebuild"}));
}

TEST_P(Search, AnIndexOfAnotherVersionIsRebuiltWhenOpened) {
  LoadCases();
  ASSERT_TRUE(f.store->Rows("SELECT 1", {}).has_value());
  {
    auto tx = f.store->BeginWrite();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->Rows("DELETE FROM search_name", {}).has_value());
    ASSERT_TRUE((*tx)->Rows("UPDATE search_state SET version = 0", {}).has_value());
    ASSERT_TRUE((*tx)->Commit().has_value());
  }
  EXPECT_EQ(Find("Phan Anh Son"), (std::vector<std::string>{"name person Phan Anh Sơn"}));  // no names left
  ASSERT_TRUE(store::EnsureSearchIndex(*f.store).has_value());
  EXPECT_EQ(Find("Phan Anh Son"), (std::vector<std::string>{"exact person Phan Anh Sơn"}));
  auto version = f.store->Rows("SELECT version FROM search_state", {});
  EXPECT_EQ((*version)[0][0], Json(store::kSearchVersion));
}

INSTANTIATE_TEST_SUITE_P(Engines, Search, ::testing::ValuesIn(Engines()));

TEST(ParseSearch, NamesTheParameterAtFault) {
  auto error = [](const domain::Params& p) {
    auto q = domain::ParseSearch(p);
    return q ? std::string("parsed") : q.error().message;
  };
  EXPECT_EQ(error({}), "q: is required");
  EXPECT_EQ(error({{"q", " – , "}}), "q: has no letter or digit to search for");
  EXPECT_EQ(error({{"q", std::string(201, 'a')}}), "q: at most 200 characters");
  EXPECT_EQ(error({{"q", "\xff"}}), "q: is not valid UTF-8");
  EXPECT_EQ(error({{"q", "a"}, {"q", "b"}}), "q: given more than once");
  std::string many;
  for (int i = 0; i < 33; ++i) many += "w ";
  EXPECT_EQ(error({{"q", many}}), "q: at most 32 words");
  EXPECT_EQ(error({{"q", "a"}, {"limit", "0"}}), "limit: must be an integer from 1 to 50");
  EXPECT_EQ(error({{"q", "a"}, {"limit", "51"}}), "limit: must be an integer from 1 to 50");
  EXPECT_EQ(error({{"q", "a"}, {"limit", "5x"}}), "limit: must be an integer from 1 to 50");
  EXPECT_EQ(error({{"q", "a"}, {"sort", "name"}}), "sort: is not a search parameter (q, types, limit)");
  const std::string bad_type = error({{"q", "a"}, {"types", "organisation,partner"}});
  EXPECT_TRUE(bad_type.starts_with("types: no entity type \"partner\" (one of: ")) << bad_type;
  auto q = domain::ParseSearch({{"q", "Viet Nam–China fo"}, {"types", "event,event"}, {"limit", "50"}});
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->phrases, (std::vector<std::vector<std::string>>{{"viet"}, {"nam", "china"}, {"fo"}}));
  EXPECT_EQ(q->folded, "viet nam china fo");
  EXPECT_EQ(q->Prefix(), "fo");
  EXPECT_EQ(q->types.size(), 1u);
  EXPECT_EQ(q->limit, 50);
}

}  // namespace
}  // namespace amity::testing
