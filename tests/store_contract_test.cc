// The storage contract: what every engine must do, run against each of them.
#include <algorithm>
#include <set>
#include <thread>

#include <filesystem>

#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include "domain/collation.h"
#include "domain/registry.h"
#include "store/columns.h"
#include "store/sqlite/sqlite_store.h"
#include "postgres.h"
#include "support.h"

namespace amity::testing {
namespace {

using domain::Json;
using domain::Registry;

class StoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  StoreContract() : f(GetParam()) {}
  const domain::EntityType& Org() { return *Registry::Get().ByName("organisation"); }
  const domain::EntityType& Unit() { return *Registry::Get().ByName("unit"); }
  Json MustCreate(const domain::EntityType& t, const Json& in) {
    auto r = f.records->Create(t, in, store::Actor{"test"});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : Json();
  }
  domain::Query Parse(const domain::EntityType& t, domain::Params p, bool counts = false) {
    auto q = domain::ParseQuery(t, p, counts, f.records->reference());
    EXPECT_TRUE(q.has_value()) << (q ? "" : q.error().message);
    return q ? *q : domain::Query();
  }
  Fixture f;
};

TEST_P(StoreContract, LoadsEveryIsoCountryOnce) {
  auto counts = f.store->CountAll();
  ASSERT_TRUE(counts.has_value());
  // 249 ISO 3166-1 entries plus the former countries whose codes were not reused.
  EXPECT_EQ((*counts)["countries"], 249 + 24);
  ASSERT_TRUE(f.records->LoadReferenceData().has_value());  // a second load adds nothing
  EXPECT_EQ((*f.store->CountAll())["countries"], 273);
}

TEST_P(StoreContract, FindsLiveRecordsMatchingSeveralFields) {
  MustCreate(Org(), {{"name", "A"}, {"kind", "ngo"}, {"country", "DE"}});
  MustCreate(Org(), {{"name", "A"}, {"kind", "ngo"}, {"country", "FR"}});
  const Json c = MustCreate(Org(), {{"name", "B"}, {"kind", "ngo"}});
  auto tx = f.store->BeginWrite();
  ASSERT_TRUE(tx.has_value());
  auto ids = (*tx)->FindIdsMatching(Org(), {{"name", "A"}, {"country", "FR"}}, 5);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<int64_t>{2});
  ids = (*tx)->FindIdsMatching(Org(), {{"name", "B"}, {"country", nullptr}}, 5);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<int64_t>{c["id"].get<int64_t>()});
  ids = (*tx)->FindIdsMatching(Org(), {{"name", "A"}}, 1);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(ids->size(), 1u);
}

TEST_P(StoreContract, OverlapWarningsFindTheNearestAmongManyDelegations) {
  // Two hundred and fifty visits to China, one a year up to 2024 (the latest has the highest id),
  // then one that overlaps the latest.
  std::vector<store::ImportRow> rows;
  for (int i = 0; i < 250; ++i) {
    const std::string y = std::to_string(1775 + i);
    rows.push_back({i + 1, Json{{"direction", "outgoing"}, {"title", "Visit " + y}, {"starts_on", y + "-05-10"},
                                {"ends_on", y + "-05-14"},
                                {"stops", {{{"country", "CN"}, {"from", y + "-05-10"}, {"to", y + "-05-14"}}}}}});
  }
  store::VectorSource source(std::move(rows));
  const domain::EntityType& delegation = *Registry::Get().ByName("delegation");
  auto report = f.records->Import(delegation, source, false, store::Actor{"test"});
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->created, 250);
  const Json later = MustCreate(delegation, {{"direction", "outgoing"}, {"title", "Another"},
                                             {"starts_on", "2024-05-12"}, {"ends_on", "2024-05-20"},
                                             {"stops", {{{"country", "CN"}, {"from", "2024-05-12"}, {"to", "2024-05-20"}}}}});
  ASSERT_EQ(later["warnings"].size(), 1u) << later.dump();
  EXPECT_EQ(later["warnings"][0]["reason"], "overlaps delegation 250 \"Visit 2024\" in CN from 2024-05-10 to 2024-05-14");
}

TEST_P(StoreContract, CreateAssignsCommonFields) {
  const Json r = MustCreate(Org(), {{"name", "Partido Comunista de Cuba"}, {"kind", "political_party"},
                                    {"country", "CU"}});
  EXPECT_EQ(r["id"], 1);
  EXPECT_EQ(r["version"], 1);
  EXPECT_EQ(r["created_at"], "2026-09-21T14:13:20.000Z");
  EXPECT_EQ(r["created_by"], "test");
  EXPECT_EQ(r["updated_at"], r["created_at"]);
  EXPECT_EQ(r["status"], "active");
  EXPECT_EQ(r["sensitivity"], "internal");
  EXPECT_EQ(r["uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(r["uuid"].get<std::string>()[14], '7');
  auto back = f.records->Get(Org(), 1);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, r);
}

TEST_P(StoreContract, UpdateChecksVersionAndKeepsHistory) {
  MustCreate(Org(), {{"name", "PCF"}, {"kind", "political_party"}, {"country", "FR"}});
  f.clock.Advance(1000);
  auto v2 = f.records->Update(Org(), 1, 1, {{"acronym", "PCF"}, {"name", "Parti communiste français"}},
                              store::Actor{"ana"});
  ASSERT_TRUE(v2.has_value());
  EXPECT_EQ((*v2)["version"], 2);
  EXPECT_EQ((*v2)["updated_at"], "2026-09-21T14:13:21.000Z");
  auto stale = f.records->Update(Org(), 1, 1, {{"acronym", "X"}}, store::Actor{"bo"});
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, ErrorCode::kStale);
  EXPECT_EQ(stale.error().message, "organisation 1 is at version 2; the change was made against version 1");
  auto history = f.records->History(Org(), 1);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].action, "update");
  EXPECT_EQ((*history)[0].actor, "ana");
  EXPECT_EQ((*history)[0].changes,
            Json({{"acronym", {{"before", nullptr}, {"after", "PCF"}}},
                  {"name", {{"before", "PCF"}, {"after", "Parti communiste français"}}}}));
  EXPECT_EQ((*history)[1].action, "create");
  EXPECT_EQ((*history)[1].changes["name"], Json({{"before", nullptr}, {"after", "PCF"}}));
}

TEST_P(StoreContract, HistoryHoldsOnlyWhatWasWritten) {
  // An agreement's status is derived on every read from today's date: it is in the record read,
  // never in its history.
  const domain::EntityType& agreement = *Registry::Get().ByName("agreement");
  MustCreate(Unit(), {{"code", "A"}, {"name", "A"}, {"kind", "central_body"}});
  const Json created = MustCreate(agreement, {{"kind", "mou"}, {"title", "MoU"},
                                              {"parties", {{{"unit", 1}}, {{"country", "LA"}}}}});
  EXPECT_EQ(created["status"], "draft");
  EXPECT_EQ((*f.records->Get(agreement, 1))["status"], "draft");
  auto history = f.records->History(agreement, 1);
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_FALSE((*history)[0].changes.contains("status"));
  EXPECT_EQ((*history)[0].changes["stage"], Json({{"before", nullptr}, {"after", "draft"}}));
}

TEST_P(StoreContract, AFailedUpdateWritesNothing) {
  MustCreate(Unit(), {{"code", "A"}, {"name", "A"}, {"kind", "central_body"}});
  MustCreate(Unit(), {{"code", "B"}, {"name", "B"}, {"kind", "department"}, {"parent", 1}});
  auto cycle = f.records->Update(Unit(), 1, 1, {{"parent", 2}, {"name", "renamed"}}, store::Actor{"x"});
  ASSERT_FALSE(cycle.has_value());
  EXPECT_EQ(cycle.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cycle.error().fields[0].reason, "would make a cycle: unit 1 is an ancestor of unit 2");
  EXPECT_EQ((*f.records->Get(Unit(), 1))["name"], "A");
  EXPECT_EQ((*f.records->Get(Unit(), 1))["version"], 1);
  EXPECT_EQ(f.records->History(Unit(), 1)->size(), 1u);
}

TEST_P(StoreContract, ListsFilterSortAndPageWithoutGapsOrRepeats) {
  const char* years[] = {"1990", "1985-05", nullptr, "1990", "2001-02-03", nullptr, "1990-01", "1970"};
  for (int i = 0; i < 8; ++i) {
    Json in = {{"name", "Org " + std::to_string(i)}, {"kind", i % 2 ? "ngo" : "political_party"},
               {"country", i % 3 ? "VN" : "LA"}};
    if (years[i]) in["founded_on"] = years[i];
    MustCreate(Org(), in);
  }
  for (bool desc : {false, true}) {
    std::vector<int64_t> seen;
    domain::Query q = Parse(Org(), {{"sort", desc ? "-founded_on" : "founded_on"}, {"limit", "3"}});
    while (true) {
      auto page = f.records->List(Org(), q);
      ASSERT_TRUE(page.has_value());
      for (const Json& r : page->items) seen.push_back(r["id"].get<int64_t>());
      if (page->next_cursor.empty()) break;
      q = Parse(Org(), {{"sort", desc ? "-founded_on" : "founded_on"}, {"limit", "3"},
                        {"cursor", page->next_cursor}});
    }
    // Ascending: nulls first, then by value, ties by id. Descending: the exact reverse.
    std::vector<int64_t> expected = {3, 6, 8, 2, 1, 4, 7, 5};
    if (desc) std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(seen, expected) << (desc ? "descending" : "ascending");
  }
  auto vn = f.records->List(Org(), Parse(Org(), {{"country", "VN"}, {"kind", "ngo"}, {"total", "true"}}));
  ASSERT_TRUE(vn.has_value());
  EXPECT_EQ(*vn->total, 3);  // ids 2, 6, 8
  std::vector<int64_t> ids;
  for (const Json& r : vn->items) ids.push_back(r["id"]);
  EXPECT_EQ(ids, (std::vector<int64_t>{2, 6, 8}));
}

// Text sorts in the ICU collation of the query's language, alike on every engine, and keyset
// pages continue it exactly: collation-equal strings (the NFC and NFD spellings of "Dũng") tie
// and go by id, nulls come first ascending and last descending.
TEST_P(StoreContract, SortsTextByLanguageAndPagesThroughItExactly) {
  struct Row {
    const char *name, *acronym, *city;
  };
  const Row rows[] = {{"Zeta", "ZT", "Bạ"},     {"Đạt", nullptr, "Bá"}, {"D\u0169ng", "Đ", "Bã"},
                      {"Ân", nullptr, "Bả"},    {"Ăn", "Dz", "Bà"},     {"Anh", "a", "Ba"},
                      {"Du\u0303ng", nullptr, nullptr}};
  for (const Row& o : rows) {
    Json in = {{"name", o.name}, {"kind", "ngo"}};
    if (o.acronym) in["acronym"] = o.acronym;
    if (o.city) in["city"] = o.city;
    MustCreate(Org(), in);
  }
  // Every page of the list, `limit` at a time, each page's query made from the cursor alone.
  auto walk = [&](domain::Params params, int limit) {
    std::vector<int64_t> ids;
    params.emplace_back("limit", std::to_string(limit));
    domain::Query q = Parse(Org(), params);
    for (int pages = 0; pages < 10; ++pages) {
      auto page = f.records->List(Org(), q);
      EXPECT_TRUE(page.has_value());
      if (!page) break;
      EXPECT_LE(page->items.size(), static_cast<size_t>(limit));
      for (const Json& r : page->items) ids.push_back(r["id"].get<int64_t>());
      if (page->next_cursor.empty()) break;
      domain::Params next = params;
      next.emplace_back("cursor", page->next_cursor);
      q = Parse(Org(), next);
    }
    return ids;
  };
  // Vietnamese: A < Ă < Â, D < Đ. English (the root order): Ă and Â are A with marks, Đ a D.
  const std::vector<int64_t> vi = {6, 5, 4, 3, 7, 2, 1}, en = {5, 4, 6, 2, 3, 7, 1};
  auto page = f.records->List(Org(), Parse(Org(), {{"sort", "name"}, {"lang", "vi"}}));
  ASSERT_TRUE(page.has_value());
  std::vector<std::string> names;
  for (const Json& r : page->items) names.push_back(r["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"Anh", "Ăn", "Ân", "D\u0169ng", "Du\u0303ng", "Đạt", "Zeta"}));
  for (int limit : {2, 3, 50}) {
    EXPECT_EQ(walk({{"sort", "name"}, {"lang", "vi"}}, limit), vi) << limit;
    EXPECT_EQ(walk({{"sort", "name"}, {"lang", "en"}}, limit), en) << limit;
    EXPECT_EQ(walk({{"sort", "name"}}, limit), en) << limit;  // English unless asked
    // Descending is the exact reverse, ties included.
    EXPECT_EQ(walk({{"sort", "-name"}, {"lang", "vi"}}, limit), std::vector<int64_t>(vi.rbegin(), vi.rend()));
    EXPECT_EQ(walk({{"sort", "-name"}, {"lang", "en"}}, limit), std::vector<int64_t>(en.rbegin(), en.rend()));
    // A field with nulls: they come first, then a < Dz < Đ (vi) or a < Đ < Dz (en).
    EXPECT_EQ(walk({{"sort", "acronym"}, {"lang", "vi"}}, limit), (std::vector<int64_t>{2, 4, 7, 6, 5, 3, 1}));
    EXPECT_EQ(walk({{"sort", "acronym"}, {"lang", "en"}}, limit), (std::vector<int64_t>{2, 4, 7, 6, 3, 5, 1}));
    EXPECT_EQ(walk({{"sort", "-acronym"}, {"lang", "vi"}}, limit), (std::vector<int64_t>{1, 3, 5, 6, 7, 4, 2}));
    // Tones: Vietnamese ngang, huyền, hỏi, ngã, sắc, nặng; the root order has its own.
    EXPECT_EQ(walk({{"sort", "city"}, {"lang", "vi"}}, limit), (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
    EXPECT_EQ(walk({{"sort", "city"}, {"lang", "en"}}, limit), (std::vector<int64_t>{7, 6, 2, 5, 3, 4, 1}));
  }
  // A filter and a collated sort together.
  EXPECT_EQ(walk({{"sort", "name"}, {"lang", "vi"}, {"acronym.null", "false"}}, 2),
            (std::vector<int64_t>{6, 5, 3, 1}));
}

TEST_P(StoreContract, CountsGroupAndFollowWrites) {
  MustCreate(Org(), {{"name", "a"}, {"kind", "ngo"}, {"country", "VN"}});
  MustCreate(Org(), {{"name", "b"}, {"kind", "ngo"}, {"country", "VN"}});
  MustCreate(Org(), {{"name", "c"}, {"kind", "ngo"}});
  const domain::Query q = Parse(Org(), {{"by", "country"}}, true);
  auto counts = f.records->Count(Org(), q, "by=country");
  ASSERT_TRUE(counts.has_value());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].value, "VN");
  EXPECT_EQ((*counts)[0].count, 2);
  EXPECT_TRUE((*counts)[1].value.is_null());
  ASSERT_TRUE(f.records->Delete(Org(), 1, std::nullopt, store::Actor{"t"}).has_value());
  counts = f.records->Count(Org(), q, "by=country");
  EXPECT_EQ((*counts)[0].count, 1);
  EXPECT_EQ((*counts)[1].count, 1);
}

TEST_P(StoreContract, ImportIsAllOrNothingAndListsEveryBadRow) {
  std::vector<store::ImportRow> rows = {
      {2, {{"code", "R"}, {"name", "Root"}, {"kind", "central_body"}}},
      {3, {{"code", "C"}, {"name", "Child"}, {"kind", "department"}, {"parent", "R"}}},
      {4, {{"code", "D"}, {"name", "Bad"}, {"kind", "nonsense"}}},
      {5, {{"code", "E"}, {"name", "Dangling"}, {"kind", "department"}, {"parent", "NOPE"}}},
  };
  store::VectorSource all(rows);
  auto report = f.records->Import(Unit(), all, false, store::Actor{"t"});
  ASSERT_TRUE(report.has_value());
  ASSERT_EQ(report->problems.size(), 2u);
  EXPECT_EQ(report->problems[0].line, 4);
  EXPECT_EQ(report->problems[0].field, "kind");
  EXPECT_EQ(report->problems[1].line, 5);
  EXPECT_EQ(report->problems[1].reason, "no unit matches \"NOPE\" (by id, uuid, code, name)");
  EXPECT_EQ(report->created, 0);
  EXPECT_EQ((*f.store->CountAll())["units"], 0);
  rows.resize(2);
  store::VectorSource dry(rows);
  report = f.records->Import(Unit(), dry, true, store::Actor{"t"});
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->problems.empty());
  EXPECT_EQ((*f.store->CountAll())["units"], 0);  // dry run
  store::VectorSource real(rows);
  report = f.records->Import(Unit(), real, false, store::Actor{"t"});
  EXPECT_EQ(report->created, 2);
  // Resolved by code. (Ids are not gapless: PostgreSQL's sequences keep what a rollback used.)
  domain::Query q;
  auto units = f.records->List(Unit(), q);
  ASSERT_TRUE(units && units->items.size() == 2u);
  EXPECT_EQ(units->items[1]["parent"], units->items[0]["id"]);
}

TEST_P(StoreContract, ConcurrentWritersLoseNothing) {
  MustCreate(Org(), {{"name", "counter"}, {"kind", "other"}});
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> stale{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = f.records->Create(Org(), {{"name", "t" + std::to_string(t)}, {"kind", "ngo"}},
                                   store::Actor{"w"});
        ASSERT_TRUE(r.has_value()) << r.error().message;
        // Everyone edits one record with If-Match: exactly one wins per version.
        while (true) {
          const Json cur = *f.records->Get(Org(), 1);
          auto u = f.records->Update(Org(), 1, cur["version"].get<int64_t>(),
                                     {{"member_count", cur["member_count"].is_null() ? 1 : cur["member_count"].get<int64_t>() + 1}},
                                     store::Actor{"w"});
          if (u) break;
          ASSERT_EQ(u.error().code, ErrorCode::kStale);
          ++stale;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ((*f.store->CountAll())["organisations"], 1 + kThreads * kEach);
  EXPECT_EQ((*f.records->Get(Org(), 1))["member_count"], kThreads * kEach);
  EXPECT_EQ((*f.records->Get(Org(), 1))["version"], 1 + kThreads * kEach);
}

TEST_P(StoreContract, BackupIsACompleteCopy) {
  f.LoadDemo();
  const std::string copy = f.dir.File("backup.db");
  if (GetParam() == "postgresql") {  // PostgreSQL's own tools back it up (docs/DEPLOY.md)
    auto refused = f.store->Backup(copy);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_FALSE(std::filesystem::exists(copy));
    return;
  }
  ASSERT_TRUE(f.store->Backup(copy).has_value());
  auto other = store::OpenStore(copy);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(*(*other)->CountAll(), *f.store->CountAll());
  EXPECT_EQ((*(*other)->CountAll())["organisations"], 101);
}

// The text paths print exactly what dumping the records prints.
TEST_P(StoreContract, TextPathsMatchTheRecords) {
  f.LoadDemo();
  MustCreate(Org(), {{"name", "Quote \" backslash \\ tab \t"}, {"kind", "other"},
                     {"names", {{"vi", "Hội hữu nghị"}, {"zh-Hans", "友好协会"}}},
                     {"diaspora_led", nullptr}, {"member_count", 12}, {"tags", {"a", "b"}}});
  for (const char* type : {"organisation", "unit", "country"}) {
    const domain::EntityType& t = *Registry::Get().ByName(type);
    domain::Query q = Parse(t, {{"limit", "500"}, {"sort", "name"}});
    auto objects = f.records->List(t, q);
    auto text = f.records->ListText(t, q);
    ASSERT_TRUE(objects.has_value() && text.has_value());
    EXPECT_EQ(text->items, Json(objects->items).dump()) << type;
    EXPECT_EQ(text->next_cursor, objects->next_cursor);
    for (const Json& r : objects->items) {
      auto one = f.records->GetText(t, r["id"].get<int64_t>());
      ASSERT_TRUE(one.has_value());
      EXPECT_EQ(one->json, r.dump());
      EXPECT_EQ(one->version, r["version"]);
    }
  }
}

// A restore's writes: records with their own ids and common fields, pointing forward, checked at
// commit; history read back in the order it was written.
TEST_P(StoreContract, InsertsExactRecordsWithForwardReferencesCheckedAtCommit) {
  auto record = [](int64_t id, const std::string& uuid, Json affiliation) {
    Json r = {{"id", id}, {"uuid", uuid}, {"created_at", "2020-01-02T03:04:05Z"}, {"created_by", "old"},
              {"updated_at", "2021-01-02T03:04:05Z"}, {"updated_by", "older"}, {"version", 3},
              {"sensitivity", "internal"}, {"deleted_at", nullptr}, {"name", "Org " + std::to_string(id)},
              {"kind", "ngo"}, {"affiliation", affiliation}};
    return r;
  };
  {
    auto tx = f.store->BeginWrite();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->DeferReferenceChecks().has_value());
    ASSERT_TRUE((*tx)->InsertExact(Org(), record(10, "00000000-0000-4000-8000-000000000010", 11)).has_value());
    ASSERT_TRUE((*tx)->InsertExact(Org(), record(11, "00000000-0000-4000-8000-000000000011", nullptr)).has_value());
    auto taken = (*tx)->InsertExact(Org(), record(11, "00000000-0000-4000-8000-000000000012", nullptr));
    ASSERT_FALSE(taken.has_value());
    EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
    ASSERT_TRUE((*tx)->AppendHistory({"organisation", 10, 2, "2020-06-01T00:00:00Z", "old", "update",
                                      {{"name", {{"before", "A"}, {"after", "B"}}}}}).has_value());
    ASSERT_TRUE((*tx)->AppendHistory({"organisation", 10, 3, "2021-01-02T03:04:05Z", "older", "update",
                                      {{"name", {{"before", "B"}, {"after", "Org 10"}}}}}).has_value());
    ASSERT_TRUE((*tx)->Commit().has_value());
  }
  auto got = f.store->Get(Org(), 10);
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((**got)["affiliation"], 11);
  EXPECT_EQ((**got)["created_by"], "old");
  EXPECT_EQ((**got)["version"], 3);
  EXPECT_EQ((**got)["uuid"], "00000000-0000-4000-8000-000000000010");
  EXPECT_EQ(MustCreate(Org(), {{"name", "New"}, {"kind", "ngo"}})["id"], 12);
  std::vector<int64_t> versions;
  ASSERT_TRUE(f.store->ScanHistory([&](const store::HistoryEntry& e) -> Status {
    versions.push_back(e.version);
    return {};
  }).has_value());
  EXPECT_EQ(versions, (std::vector<int64_t>{2, 3}));
  // A reference that never gets its target fails the commit, and nothing stays.
  {
    auto tx = f.store->BeginWrite();
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->DeferReferenceChecks().has_value());
    ASSERT_TRUE((*tx)->InsertExact(Org(), record(20, "00000000-0000-4000-8000-000000000020", 99)).has_value());
    auto commit = (*tx)->Commit();
    ASSERT_FALSE(commit.has_value());
    EXPECT_EQ(commit.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(f.store->Get(Org(), 20)->has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreContract, ::testing::ValuesIn(Engines()));

// The SQLite migration has a column for every declared field, of the right affinity.
TEST(SqliteSchema, HasAColumnForEveryDeclaredField) {
  TempDir dir;
  ASSERT_TRUE(store::OpenStore(dir.File("a.db")).has_value());
  auto opened = store::OpenSqliteConnection(dir.File("a.db"), SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(opened.has_value());
  sqlite3* db = *opened;
  for (const domain::EntityType& t : Registry::Get().types()) {
    std::map<std::string, std::string> columns;
    sqlite3_stmt* s = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, ("PRAGMA table_info(" + t.name + ")").c_str(), -1, &s, nullptr), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
      columns[reinterpret_cast<const char*>(sqlite3_column_text(s, 1))] =
          reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
    }
    sqlite3_finalize(s);
    std::set<std::string> declared;
    for (const store::Column& c : store::ColumnsOf(t)) {
      declared.insert(c.name);
      ASSERT_TRUE(columns.contains(c.name)) << t.name << "." << c.name << " has no column";
      const std::string want = c.kind == store::ColumnKind::kInteger || c.kind == store::ColumnKind::kBoolean
                                   ? "INTEGER" : "TEXT";
      EXPECT_EQ(columns[c.name], want) << t.name << "." << c.name;
    }
    for (const auto& [name, _] : columns) {
      EXPECT_TRUE(declared.contains(name)) << t.name << "." << name << " is not declared";
    }
  }
  sqlite3_close(db);
}

// The text sort indexes name the `vi` and `en` collations: a connection that lacks them (the
// sqlite3 shell) cannot write the table, one from OpenSqliteConnection can, and the indexes it
// maintains are in the order SQLite checks them in.
TEST(SqliteSchema, TextSortIndexesNeedTheCollationsAmityRegisters) {
  Fixture f("sqlite");
  f.LoadDemo();
  const std::string file = f.dir.File("amity.db");
  auto exec = [](sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = rc == SQLITE_OK ? "ok" : err ? err : "?";
    sqlite3_free(err);
    return msg;
  };
  const std::string insert =
      "INSERT INTO organisation (uuid, created_at, created_by, updated_at, updated_by, version, sensitivity, "
      "name, kind) VALUES ('u', 't', 'a', 't', 'a', 1, 'internal', 'Đạt', 'ngo')";
  sqlite3* bare = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &bare), SQLITE_OK);
  EXPECT_TRUE(exec(bare, insert).starts_with("no such collation sequence: ")) << exec(bare, insert);
  sqlite3_close(bare);
  auto opened = store::OpenSqliteConnection(file, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(exec(*opened, insert), "ok");
  sqlite3_stmt* check = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(*opened, "PRAGMA integrity_check", -1, &check, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(check), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(check, 0)), "ok");
  sqlite3_finalize(check);
  sqlite3_close(*opened);
}

// Collated indexes hold the order of the ICU that built them. Here a connection whose `vi` and
// `en` order backwards (as another ICU might order some strings) writes organisations; marked
// as built by another ICU version, the indexes are rebuilt when the store next opens the file.
TEST(SqliteSchema, IndexesOfACollationWhoseIcuChangedAreRebuiltAtOpen) {
  TempDir dir;
  const std::string file = dir.File("a.db");
  ASSERT_TRUE(store::OpenStore(file).has_value());
  auto integrity = [&] {
    auto db = store::OpenSqliteConnection(file, SQLITE_OPEN_READWRITE);
    EXPECT_TRUE(db.has_value());
    sqlite3_stmt* s = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(*db, "PRAGMA integrity_check(1)", -1, &s, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
    const std::string result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(*db);
    return result;
  };
  {
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &other), SQLITE_OK);
    auto backwards = [](void*, int an, const void* a, int bn, const void* b) {
      const std::string_view x(static_cast<const char*>(a), an), y(static_cast<const char*>(b), bn);
      return -x.compare(y);
    };
    for (const char* name : {"vi", "en"}) {
      ASSERT_EQ(sqlite3_create_collation_v2(other, name, SQLITE_UTF8, nullptr, backwards, nullptr), SQLITE_OK);
    }
    for (const char* name : {"Zeta", "alpha", "Đạt", "Dũng", "Anh"}) {
      const std::string sql =
          "INSERT INTO organisation (uuid, created_at, created_by, updated_at, updated_by, version, "
          "sensitivity, name, kind) VALUES ('" + std::string(name) + "', 't', 'a', 't', 'a', 1, 'internal', '" +
          name + "', 'ngo')";
      ASSERT_EQ(sqlite3_exec(other, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(other);
    }
    ASSERT_EQ(sqlite3_exec(other, "UPDATE collation_version SET version = '1.0.0.0'", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(other);
  }
  EXPECT_NE(integrity(), "ok");
  auto reopened = store::OpenStore(file);
  ASSERT_TRUE(reopened.has_value());
  EXPECT_EQ(integrity(), "ok");
  auto versions = (*reopened)->Rows("SELECT name, version FROM collation_version ORDER BY name", {});
  ASSERT_TRUE(versions.has_value());
  EXPECT_EQ(*versions, (std::vector<Json>{{"en", domain::CollationVersion(domain::Lang::kEn)},
                                          {"vi", domain::CollationVersion(domain::Lang::kVi)}}));
}

// The PostgreSQL migrations likewise, with PostgreSQL's types, text compared byte-wise.
TEST(PostgresSchema, HasAColumnForEveryDeclaredField) {
  const std::string url = PostgresCluster::Shared().CreateDatabase();
  ASSERT_TRUE(store::OpenStore(url).has_value());
  pqxx::connection c(url);
  pqxx::work w(c);
  for (const domain::EntityType& t : Registry::Get().types()) {
    std::map<std::string, std::pair<std::string, std::string>> columns;  // name → type, collation
    for (const pqxx::row& r : w.exec_params("SELECT column_name, data_type, coalesce(collation_name, '') FROM "
                                            "information_schema.columns WHERE table_name = $1", t.name)) {
      columns[r[0].c_str()] = {r[1].c_str(), r[2].c_str()};
    }
    std::set<std::string> declared;
    for (const store::Column& c : store::ColumnsOf(t)) {
      declared.insert(c.name);
      ASSERT_TRUE(columns.contains(c.name)) << t.name << "." << c.name << " has no column";
      const std::string want = c.kind == store::ColumnKind::kInteger   ? "bigint"
                               : c.kind == store::ColumnKind::kBoolean ? "boolean"
                                                                       : "text";
      EXPECT_EQ(columns[c.name].first, want) << t.name << "." << c.name;
      if (want == "text") EXPECT_EQ(columns[c.name].second, "C") << t.name << "." << c.name;
    }
    for (const auto& [name, _] : columns) {
      EXPECT_TRUE(declared.contains(name)) << t.name << "." << name << " is not declared";
    }
  }
}

}  // namespace
}  // namespace amity::testing
