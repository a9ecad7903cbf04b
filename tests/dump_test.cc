// Export, import, dump and restore: every type through CSV and JSON lines, references by uuid
// into another database, and a whole database dumped, restored and dumped again to the same bytes.
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "domain/registry.h"
#include "io/csv.h"
#include "io/dump.h"
#include "io/files.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "support.h"

namespace amity::testing {
namespace {

namespace fs = std::filesystem;
using domain::Json;
using domain::Registry;

const domain::EntityType& Type(const char* name) { return *Registry::Get().ByName(name); }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t FirstId(Fixture& f, const char* type, int skip = 0) {
  domain::Query q;
  q.limit = skip + 1;
  auto page = f.records->List(Type(type), q);
  if (!page || static_cast<int>(page->items.size()) <= skip) return 0;
  return page->items[skip]["id"].get<int64_t>();
}

Json MustCreate(Fixture& f, const char* type, const Json& in) {
  auto r = f.records->Create(Type(type), in, store::Actor{"test"});
  EXPECT_TRUE(r.has_value()) << type << ": " << (r ? "" : r.error().message + " " +
                                                 (r.error().fields.empty() ? "" : r.error().fields[0].field));
  return r ? *r : Json();
}

// A database with at least one record of every type, history, trash, a forward reference of a
// record to one of its own type, and an uploaded file.
void Populate(Fixture& f) {
  f.LoadDemo();
  auto none = [&](const char* type) { return FirstId(f, type) == 0; };
  if (none("unit")) MustCreate(f, "unit", {{"code", "T-U"}, {"name", "Test union"}, {"kind", "central_body"}});
  while (FirstId(f, "organisation", 2) == 0) MustCreate(f, "organisation", {{"name", "Test partner"}, {"kind", "ngo"}, {"country", "DE"}});
  const int64_t unit = FirstId(f, "unit"), org = FirstId(f, "organisation"), org2 = FirstId(f, "organisation", 1);
  if (none("person")) {
    MustCreate(f, "person", {{"given_name", "Orlando"}, {"family_name", "Hernández"}, {"country", "CU"},
                             {"positions", {{{"organisation", org}, {"title", "Ambassador"}}}}});
  }
  const int64_t person = FirstId(f, "person");
  if (none("policy_document")) {
    MustCreate(f, "policy_document", {{"number", "28-CT/TW"}, {"kind", "directive"}, {"title", "Chỉ thị 28"}});
  }
  if (none("relation")) {
    MustCreate(f, "relation", {{"from_unit", unit}, {"to", org}, {"kind", "friendship"}, {"since", "1950"}});
  }
  if (none("interaction")) {
    MustCreate(f, "interaction", {{"date", "2024-03-12"}, {"kind", "meeting"}, {"title", "Preparing the forum"},
                                  {"organisations", {org}}, {"persons", {person}}, {"unit", unit}});
  }
  if (none("award")) {
    MustCreate(f, "award", {{"award", "peace_friendship_medal"}, {"recipient_person", person}, {"by_unit", unit}});
  }
  // Two delegations, the first accompanying the second (a reference forward).
  const Json d1 = MustCreate(f, "delegation", {{"direction", "outgoing"}, {"title", "Working group"}, {"level", "working"},
                                              {"members", {{{"person", person}, {"role", "member"}}}},
                                              {"stops", {{{"country", "CN"}, {"city", "Beijing"}, {"organisation", org},
                                                          {"from", "2024-05-12"}, {"to", "2024-05-15"}}}},
                                              {"starts_on", "2024-05-12"}, {"ends_on", "2024-05-15"}});
  const Json d2 = MustCreate(f, "delegation", {{"direction", "outgoing"}, {"title", "High-level delegation"},
                                              {"level", "high_level"}, {"leader", person}, {"units", {unit}},
                                              {"host_organisations", {org}}, {"starts_on", "2024-05-12"},
                                              {"ends_on", "2024-05-15"}});
  if (none("event")) {
    MustCreate(f, "event", {{"kind", "forum"}, {"title", "9th People's Forum"}, {"series", "People's Forum"},
                            {"edition", 9}, {"scope", "international"}, {"starts_on", "2023-11-21"},
                            {"organiser_units", {unit}}, {"organisers", {org}},
                            {"participants", {{{"organisation", org}, {"role", "co-organiser"}}}}});
  }
  if (none("agreement")) {
    MustCreate(f, "agreement", {{"kind", "cooperation_agreement"}, {"title", "Cooperation agreement 2017–2022"},
                                {"parties", {{{"unit", unit}}, {{"organisation", org}}}}, {"signed_on", "2017-05-10"},
                                {"valid_from", "2017-05-10"}, {"valid_to", "2022-12-31"},
                                {"commitments", {{{"text", "Hold the forum every year"}, {"responsible_unit", unit}}}}});
  }
  if (none("plan")) {
    MustCreate(f, "plan", {{"unit", unit}, {"period_from", "2025"}, {"period_to", "2025"}, {"title", "Work plan 2025"},
                           {"policy_documents", {FirstId(f, "policy_document")}},
                           {"items", {{{"objective", "Sign agreements"}, {"target", 4}, {"agreements", {FirstId(f, "agreement")}}}}}});
  }
  if (none("appeal")) MustCreate(f, "appeal", {{"title", "Typhoon Yagi relief"}, {"starts_on", "2024-09-10"}});
  if (none("aid_project")) {
    MustCreate(f, "aid_project", {{"title", "Clean water"}, {"appeal", FirstId(f, "appeal")},
                                  {"participants", {{{"organisation", org}, {"role", "funding"}}}},
                                  {"budget", {{"amount", 870000000}, {"currency", "USD"}}},
                                  {"transactions", {{{"type", "commitment"}, {"date", "2024-10-01"},
                                                     {"amount", {{"amount", 220000000000}, {"currency", "VND"}}},
                                                     {"provider", org}, {"receiver", org2}}}}});
  }
  if (none("exchange_rate")) {
    MustCreate(f, "exchange_rate", {{"currency", "USD"}, {"base", "VND"}, {"on", "2024-09-01"}, {"rate", "25300"}});
  }
  const Json doc = MustCreate(f, "document", {{"title", "Minutes"}, {"kind", "minutes"}, {"language", "de"},
                                             {"linked", {{{"entity", "organisation"}, {"id", org}}}}});
  // Updates, a forward reference to a later record of the same type, trash and a restore.
  const store::Actor actor{"editor"};
  const domain::EntityType& o = Type("organisation");
  const int64_t last_org = FirstId(f, "organisation", 0);
  domain::Query q;
  q.limit = 1;
  q.descending = true;
  const int64_t newest_org = (*f.records->List(o, q)).items[0]["id"].get<int64_t>();
  ASSERT_TRUE(f.records->Update(o, last_org, std::nullopt, {{"affiliation", newest_org}, {"city", "Hà Nội"}}, actor));
  ASSERT_TRUE(f.records->Update(Type("delegation"), d1["id"].get<int64_t>(), std::nullopt,
                                {{"accompanies", d2["id"]}}, actor));
  // Custom fields: one in force with a value on a country (reference data, restored before the
  // declarations in registry order); one removed after a partner now in the trash held a value
  // (its declaration in the trash, the value only in history).
  MustCreate(f, "custom_field", {{"entity", "country"}, {"name", "embassy_in_hanoi"}, {"type", "boolean"},
                                 {"label", {{"en", "Has an embassy in Hà Nội"}}}});
  const Json removed = MustCreate(f, "custom_field", {{"entity", "organisation"}, {"name", "budget_code"},
                                                      {"type", "text"}, {"label", {{"vi", "Mã kinh phí"}}}});
  auto germany = f.records->ResolveKey(Type("country"), "DE");
  ASSERT_TRUE(germany);
  ASSERT_TRUE(f.records->Update(Type("country"), *germany, std::nullopt,
                                {{"custom", {{"embassy_in_hanoi", true}}}}, actor));
  ASSERT_TRUE(f.records->Update(o, org2, std::nullopt, {{"custom", {{"budget_code", "NS-2024"}}}}, actor));
  ASSERT_TRUE(f.records->Delete(o, org2, std::nullopt, actor));
  ASSERT_TRUE(f.records->Delete(Type("custom_field"), removed["id"].get<int64_t>(), std::nullopt, actor));
  ASSERT_TRUE(f.records->Delete(Type("delegation"), d2["id"].get<int64_t>(), std::nullopt, actor));
  ASSERT_TRUE(f.records->Restore(Type("delegation"), d2["id"].get<int64_t>(), actor));
  auto stored = io::FileStore(f.dir.File("files")).Put("Protokoll der Jahresversammlung\n");
  ASSERT_TRUE(stored);
  ASSERT_TRUE(f.records->SetMaintained(Type("document"), doc["id"].get<int64_t>(), std::nullopt,
                                       {{"file_name", "protokoll.txt"}, {"file_type", stored->content_type},
                                        {"file_size", stored->size}, {"file_sha256", stored->sha256}},
                                       actor, "upload"));
}

// Every file under `dir`, relative path → bytes.
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = ReadFile(e.path());
  }
  return out;
}

const char* kPassword = "correct horse battery";

struct Secrets {
  std::string token;    // binh's read-only API token: dumped
  std::string session;  // ana's browser session: not dumped
};

// Users (one without a password, one disabled), grants on the root and on a unit with clearance,
// API tokens (one revoked, one expiring), a session and a failed login.
Secrets AddAccess(Fixture& f) {
  store::Accounts accounts(*f.store, f.clock);
  const store::Actor cli{"cli"};
  const int64_t unit = FirstId(f, "unit");
  EXPECT_TRUE(accounts.AddUser("ana", kPassword, {std::nullopt, store::Role::kAdmin, false}, cli));
  EXPECT_TRUE(accounts.AddUser("binh", "", {unit, store::Role::kEditor, true}, cli));
  EXPECT_TRUE(accounts.AddGrant("binh", {std::nullopt, store::Role::kViewer, false}, cli));
  EXPECT_TRUE(accounts.AddUser("chi", "another good password", {unit, store::Role::kAuditor, false}, cli));
  EXPECT_TRUE(accounts.SetDisabled("chi", true, cli));
  auto token = accounts.CreateToken("binh", true, 30, "monthly report", store::Actor{"ana", "10.0.0.7"});
  auto revoked = accounts.CreateToken("ana", false, std::nullopt, "", cli);
  EXPECT_TRUE(token && revoked);
  EXPECT_TRUE(accounts.Revoke(revoked->id, "", cli));
  auto session = accounts.Login("ana", kPassword, "10.0.0.7");
  EXPECT_TRUE(session);
  EXPECT_FALSE(accounts.Login("ana", "not the password", "10.0.0.8"));
  return {token ? token->secret : "", session ? session->secret : ""};
}

// Two dumps of one deployment, the second after `restores` restores or moves: the same bytes,
// but for the audit log, which goes on with each restore's own entry.
void ExpectSameDeployment(const fs::path& a, const fs::path& b, int restores) {
  auto ta = Tree(a), tb = Tree(b);
  ASSERT_EQ(ta.size(), tb.size());
  for (const auto& [name, bytes] : ta) {
    if (name != "audit.jsonl" && name != "manifest.json") EXPECT_TRUE(tb.at(name) == bytes) << name << " differs";
  }
  Json ma = Json::parse(ta["manifest.json"]), mb = Json::parse(tb["manifest.json"]);
  EXPECT_EQ(mb["audit"]["entries"], ma["audit"]["entries"].get<int64_t>() + restores);
  ma.erase("audit");
  mb.erase("audit");
  EXPECT_EQ(ma, mb);
  const std::string& la = ta["audit.jsonl"];
  const std::string& lb = tb["audit.jsonl"];
  ASSERT_TRUE(lb.starts_with(la));
  std::istringstream rest(lb.substr(la.size()));
  std::string line;
  int n = 0;
  for (; std::getline(rest, line); ++n) EXPECT_EQ(Json::parse(line)["action"], "restore_dump") << line;
  EXPECT_EQ(n, restores);
}

TEST(DumpRestore, ReproducesTheDatabaseExactly) {
  Fixture a;
  Populate(a);
  AddAccess(a);
  const io::FileStore a_files(a.dir.File("files"));
  auto m1 = io::WriteDump(*a.records, a_files, a.dir.File("dump1"));
  ASSERT_TRUE(m1) << m1.error().message;
  for (const Json& t : (*m1)["types"]) {
    if (t["entity"] != "country" && t["entity"] != "subdivision") {
      EXPECT_GE(t["records"].get<int64_t>(), 1) << t;
    }
  }
  EXPECT_EQ((*m1)["files"].size(), 1u);

  Fixture b;
  const io::FileStore b_store(b.dir.File("files"));
  auto restored = io::RestoreDump(*b.records, b_store, a.dir.File("dump1"));
  ASSERT_TRUE(restored) << restored.error().message;
  ASSERT_TRUE(restored->problems.empty()) << restored->problems[0].source << ":" << restored->problems[0].line
                                          << ": " << restored->problems[0].field << ": " << restored->problems[0].reason;
  auto m2 = io::WriteDump(*b.records, b_store, b.dir.File("dump2"));
  ASSERT_TRUE(m2) << m2.error().message;
  ExpectSameDeployment(a.dir.File("dump1"), b.dir.File("dump2"), 1);
  EXPECT_EQ((*m1)["users"]["entries"], 3);
  EXPECT_EQ((*m1)["grants"]["entries"], 4);
  EXPECT_EQ((*m1)["tokens"]["entries"], 2);  // not the session
  // The same database dumps to the same bytes.
  ASSERT_TRUE(io::WriteDump(*a.records, a_files, a.dir.File("dump1-again")));
  EXPECT_EQ(Tree(a.dir.File("dump1")), Tree(a.dir.File("dump1-again")));

  // Spot checks: a record, its history, a timeline, the file, and new ids go on above.
  const domain::EntityType& o = Type("organisation");
  const int64_t org = FirstId(a, "organisation");
  EXPECT_EQ(*a.records->Get(o, org), *b.records->Get(o, org));
  auto ha = a.records->History(o, org), hb = b.records->History(o, org);
  ASSERT_TRUE(ha && hb);
  ASSERT_EQ(ha->size(), hb->size());
  ASSERT_GE(ha->size(), 2u);
  for (size_t i = 0; i < ha->size(); ++i) EXPECT_EQ(store::HistoryJson((*ha)[i]), store::HistoryJson((*hb)[i]));
  EXPECT_EQ(*a.records->Timeline(o, org, "", 50, 0), *b.records->Timeline(o, org, "", 50, 0));
  EXPECT_EQ(*b_store.Read((*m1)["files"][0]["sha256"].get<std::string>()), "Protokoll der Jahresversammlung\n");
  EXPECT_EQ(*a.store->CountAll(), *b.store->CountAll());
  const Json next = MustCreate(b, "organisation", {{"name", "After the restore"}, {"kind", "ngo"}});
  domain::Query q;
  q.limit = 1;
  q.descending = true;
  EXPECT_GT(next["id"].get<int64_t>(), (*a.records->List(o, q)).items[0]["id"].get<int64_t>());

  // Only into a database without records of its own.
  auto again = io::RestoreDump(*b.records, b_store, a.dir.File("dump1"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message.find("reference data only"), std::string::npos) << again.error().message;
}

TEST(DumpRestore, RefusesAChangedFileAndABadValueWithItsLine) {
  Fixture a;
  a.LoadDemo();
  const fs::path dump = a.dir.File("dump");
  ASSERT_TRUE(io::WriteDump(*a.records, io::FileStore(a.dir.File("files")), dump.string()));
  // Line 2 of the organisations gets a kind that does not exist.
  const fs::path orgs = dump / "organisations.jsonl";
  std::istringstream lines(ReadFile(orgs));
  std::string text, line;
  for (int n = 1; std::getline(lines, line); ++n) {
    if (n == 2) {
      Json r = Json::parse(line);
      r["kind"] = "spaceship";
      line = r.dump();
    }
    text += line + "\n";
  }
  std::ofstream(orgs, std::ios::binary) << text;

  Fixture b;
  const io::FileStore files(b.dir.File("files"));
  auto changed = io::RestoreDump(*b.records, files, dump.string());
  ASSERT_FALSE(changed);
  EXPECT_NE(changed.error().message.find("SHA-256"), std::string::npos) << changed.error().message;

  // With the manifest made to agree, the value itself is refused, and nothing is written.
  Json manifest = Json::parse(ReadFile(dump / "manifest.json"));
  for (Json& t : manifest["types"]) {
    if (t["entity"] == "organisation") t["sha256"] = *io::Sha256OfFile(orgs.string());
  }
  std::ofstream(dump / "manifest.json", std::ios::binary) << manifest.dump(2);
  auto bad = io::RestoreDump(*b.records, files, dump.string());
  ASSERT_TRUE(bad) << bad.error().message;
  ASSERT_EQ(bad->problems.size(), 1u);
  EXPECT_EQ(bad->problems[0].source, orgs.string());
  EXPECT_EQ(bad->problems[0].line, 2);
  EXPECT_EQ(bad->problems[0].field, "kind");
  EXPECT_EQ((*b.store->CountAll())["units"], 0);
}

// Export with references as uuids, import into a database where the same records get other ids.
// A deployment moves from SQLite to PostgreSQL and back, byte for byte.
TEST(Migrate, MovesEverythingToPostgresqlAndBack) {
  Fixture a;
  Populate(a);
  const Secrets secrets = AddAccess(a);
  auto a_audit = store::VerifyAudit(*a.store);
  ASSERT_TRUE(a_audit && a_audit->problems.empty());
  auto pg_store = store::OpenStore(NewDatabase("postgresql", a.dir));
  ASSERT_TRUE(pg_store) << pg_store.error().message;
  store::Records pg(**pg_store, a.records->reference(), a.clock);
  ASSERT_TRUE(pg.LoadReferenceData());
  const io::FileStore a_files(a.dir.File("files")), pg_files(a.dir.File("pg-files"));
  auto there = io::MigrateDatabase(*a.records, a_files, pg, pg_files, a.dir.File("work1"));
  ASSERT_TRUE(there) << there.error().message;
  ASSERT_TRUE(there->problems.empty()) << there->problems[0].field << ": " << there->problems[0].reason;
  EXPECT_FALSE(fs::exists(a.dir.File("work1")));
  EXPECT_EQ(*pg.store().CountAll(), *a.store->CountAll());
  EXPECT_EQ(pg.store().Dialect(), "postgresql");
  // The audit log moved exactly: the same entries, then the restore's own, and it verifies.
  auto pg_audit = store::VerifyAudit(pg.store());
  ASSERT_TRUE(pg_audit);
  EXPECT_TRUE(pg_audit->problems.empty()) << pg_audit->problems[0];
  EXPECT_EQ(pg_audit->entries, a_audit->entries + 1);
  store::AuditFilter all;
  all.limit = 100000;
  auto entries_a = store::ListAudit(*a.store, all), entries_pg = store::ListAudit(pg.store(), all);
  ASSERT_TRUE(entries_a && entries_pg);
  ASSERT_EQ(entries_pg->size(), entries_a->size() + 1);
  for (size_t i = 0; i < entries_a->size(); ++i) {
    EXPECT_EQ(store::AuditDumpJson((*entries_pg)[i]), store::AuditDumpJson((*entries_a)[i]));
  }
  EXPECT_EQ(entries_pg->back().action, "restore_dump");
  EXPECT_EQ(entries_pg->back().prev_hash, a_audit->head);
  // Users, grants and tokens: the token made before the move authenticates after it, as the
  // same user with the same rights; the session does not (sessions are not moved).
  store::Accounts pg_accounts(pg.store(), a.clock);
  auto who = pg_accounts.Authenticate(secrets.token);
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->principal.name, "binh");
  EXPECT_TRUE(who->principal.read_only);
  EXPECT_TRUE(who->principal.read.all);
  EXPECT_EQ(who->principal.restricted.units, (*store::Accounts(*a.store, a.clock).Authenticate(secrets.token)).principal.restricted.units);
  auto session = pg_accounts.Authenticate(secrets.session);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().message, "unknown or mistyped credentials; log in again");
  EXPECT_EQ(*pg_accounts.ListUsers(), *store::Accounts(*a.store, a.clock).ListUsers());
  EXPECT_EQ(*pg_accounts.ListTokens(""), *store::Accounts(*a.store, a.clock).ListTokens(""));

  // A second move into the same (now full) database is refused; nothing changes.
  auto again = io::MigrateDatabase(*a.records, a_files, pg, pg_files, a.dir.File("work2"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);

  // And back into a new SQLite database: the same dump as the original, file for file.
  Fixture b;
  const io::FileStore b_files(b.dir.File("files"));
  auto back = io::MigrateDatabase(pg, pg_files, *b.records, b_files, a.dir.File("work3"));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->problems.empty());
  ASSERT_TRUE(io::WriteDump(*a.records, a_files, a.dir.File("dump-a")));
  ASSERT_TRUE(io::WriteDump(*b.records, b_files, a.dir.File("dump-b")));
  ExpectSameDeployment(a.dir.File("dump-a"), a.dir.File("dump-b"), 2);
  auto b_audit = store::VerifyAudit(*b.store);
  ASSERT_TRUE(b_audit);
  EXPECT_TRUE(b_audit->problems.empty());
  EXPECT_EQ(b_audit->entries, a_audit->entries + 2);
  // Back in SQLite the token still works, and so does the password (its argon2id hash moved).
  store::Accounts b_accounts(*b.store, b.clock);
  EXPECT_TRUE(b_accounts.Authenticate(secrets.token));
  EXPECT_TRUE(b_accounts.Login("ana", kPassword, "10.0.0.7"));
  auto disabled = b_accounts.Login("chi", "another good password", "10.0.0.7");
  ASSERT_FALSE(disabled);
  EXPECT_EQ(disabled.error().message, "this account is disabled");
  // Ids given after the move continue above the moved ones on both engines.
  const Json made = *pg.Create(Type("unit"), {{"code", "NEW"}, {"name", "New unit"}, {"kind", "department"}},
                               store::Actor{"t"});
  domain::Query q;
  q.descending = true;
  q.limit = 2;
  auto units = pg.List(Type("unit"), q);
  ASSERT_TRUE(units);
  EXPECT_EQ(units->items[0]["id"], made["id"]);
  EXPECT_GT(made["id"].get<int64_t>(), units->items[1]["id"].get<int64_t>());
  // So do the ids of users, grants and tokens (PostgreSQL's sequences moved past them).
  const store::Actor cli{"cli"};
  ASSERT_TRUE(pg_accounts.AddUser("dung", kPassword, {std::nullopt, store::Role::kViewer, false}, cli));
  ASSERT_TRUE(pg_accounts.AddGrant("dung", {made["id"].get<int64_t>(), store::Role::kEditor, false}, cli));
  auto token = pg_accounts.CreateToken("dung", false, std::nullopt, "", cli);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_GT(token->id, (*pg_accounts.ListTokens("binh"))[0]["id"].get<int64_t>());
  auto pg_check = store::VerifyAudit(pg.store());
  ASSERT_TRUE(pg_check);
  EXPECT_TRUE(pg_check->problems.empty());
}

// Rewrites line `n` of a dump's file of `entity` with `edit` (a null result drops the line) and
// the manifest's checksum to agree, as someone editing a dump by hand would. (Row counts are
// checked after the rows, so a dropped line's problems come first.)
void EditDumpLine(const fs::path& dump, const std::string& entity, const std::string& file, int n,
                  const std::function<Json(Json)>& edit) {
  const fs::path path = dump / file;
  std::istringstream lines(ReadFile(path));
  std::string text, line;
  for (int i = 1; std::getline(lines, line); ++i) {
    if (i == n) {
      const Json r = edit(Json::parse(line));
      if (r.is_null()) continue;
      line = r.dump();
    }
    text += line + "\n";
  }
  std::ofstream(path, std::ios::binary) << text;
  Json manifest = Json::parse(ReadFile(dump / "manifest.json"));
  if (manifest.contains(entity)) manifest[entity]["sha256"] = *io::Sha256OfFile(path.string());  // history, users, …
  for (Json& t : manifest["types"]) {
    if (t["entity"] == entity) t["sha256"] = *io::Sha256OfFile(path.string());
  }
  std::ofstream(dump / "manifest.json", std::ios::binary) << manifest.dump(2);
}

std::vector<std::string> ProblemTexts(const store::LoadReport& report) {
  std::vector<std::string> out;
  for (const store::ImportProblem& p : report.problems) {
    out.push_back(fs::path(p.source).filename().string() + ":" + std::to_string(p.line) + ": " + p.field +
                  (p.field.empty() ? "" : ": ") + p.reason);
  }
  return out;
}

// What a restore checks of users, grants, tokens and the audit log; nothing is written when
// it refuses.
TEST(DumpRestore, RefusesABrokenAuditChainAGrantOfNoUnitAndATakenName) {
  Fixture a;
  a.LoadDemo();
  AddAccess(a);
  const fs::path dump = a.dir.File("dump");
  ASSERT_TRUE(io::WriteDump(*a.records, io::FileStore(a.dir.File("files")), dump.string()));
  Fixture b;
  const io::FileStore files(b.dir.File("files"));
  int n = 0;
  // A copy of the dump with one line of one part changed (or dropped), restored into b.
  auto restore = [&](const std::string& part, int line, const std::function<Json(Json)>& edit) {
    const fs::path copy = a.dir.File("case" + std::to_string(++n));
    fs::copy(dump, copy, fs::copy_options::recursive);
    EditDumpLine(copy, part, part + ".jsonl", line, edit);
    return io::RestoreDump(*b.records, files, copy.string());
  };
  auto nothing_written = [&] {
    auto rows = b.store->Rows("SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM audit)", {});
    ASSERT_TRUE(rows);
    EXPECT_EQ((*rows)[0], Json::array({0, 0}));
    EXPECT_EQ((*b.store->CountAll())["units"], 0);
  };

  // The demo's import of units is entry 2; a changed entry is named with its file and line.
  auto changed = restore("audit", 2, [](Json e) {
    EXPECT_EQ(e["seq"], 2);
    e["actor"] = "someone else";
    return e;
  });
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(ProblemTexts(*changed),
            std::vector<std::string>{"audit.jsonl:2: entry 2: its content does not match its hash: the entry was changed"});
  nothing_written();
  auto removed = restore("audit", 2, [](Json) { return Json(); });
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(ProblemTexts(*removed),
            (std::vector<std::string>{"audit.jsonl:2: entry 3: follows entry 1; entry 2 is missing",
                                      "audit.jsonl:2: entry 3: does not follow the entry before it (its previous hash "
                                      "differs): removed or reordered entries"}));
  nothing_written();
  // An entry changed with its hash recomputed still breaks the chain at the next one.
  auto rehashed = restore("audit", 2, [](Json e) {
    auto entry = store::AuditFromDumpJson(e);
    entry->detail = R"({"created":0,"rows":0})";
    entry->hash = store::AuditHash(*entry);
    return store::AuditDumpJson(*entry);
  });
  ASSERT_TRUE(rehashed) << rehashed.error().message;
  EXPECT_EQ(ProblemTexts(*rehashed),
            std::vector<std::string>{"audit.jsonl:3: entry 3: does not follow the entry before it (its previous hash "
                                     "differs): removed or reordered entries"});
  // The tail cut off: the chain verifies, but it does not end where the manifest says.
  const fs::path cut = a.dir.File("cut");
  fs::copy(dump, cut, fs::copy_options::recursive);
  Json manifest = Json::parse(ReadFile(cut / "manifest.json"));
  const int64_t last = manifest["audit"]["entries"].get<int64_t>();
  EditDumpLine(cut, "audit", "audit.jsonl", static_cast<int>(last), [](Json) { return Json(); });
  manifest = Json::parse(ReadFile(cut / "manifest.json"));
  manifest["audit"]["entries"] = last - 1;
  std::ofstream(cut / "manifest.json", std::ios::binary) << manifest.dump(2);
  auto short_log = io::RestoreDump(*b.records, files, cut.string());
  ASSERT_FALSE(short_log);
  EXPECT_TRUE(short_log.error().message.starts_with("the audit log in the dump ends with the hash \"")) << short_log.error().message;
  EXPECT_TRUE(short_log.error().message.ends_with("\"; its manifest says \"" + manifest["audit"]["head"].get<std::string>() + "\""));
  nothing_written();

  // A grant of a unit that is not in the dump.
  auto no_unit = restore("grants", 2, [](Json g) {
    EXPECT_EQ(g["user"], "binh");
    g["unit"] = 99999;
    return g;
  });
  ASSERT_TRUE(no_unit) << no_unit.error().message;
  EXPECT_EQ(ProblemTexts(*no_unit), std::vector<std::string>{"grants.jsonl:2: unit: no unit 99999 in the dump"});
  nothing_written();
  // Two users of one name; what named the renamed one names nobody.
  auto taken = restore("users", 2, [](Json u) {
    EXPECT_EQ(u["name"], "binh");
    u["name"] = "ana";
    return u;
  });
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_EQ(ProblemTexts(*taken), (std::vector<std::string>{
                                      "users.jsonl:2: name: a user named \"ana\" is on line 1 already",
                                      "grants.jsonl:2: user: no user named \"binh\" in the dump",
                                      "grants.jsonl:3: user: no user named \"binh\" in the dump",
                                      "tokens.jsonl:1: user: no user named \"binh\" in the dump"}));
  nothing_written();
  auto bad_hash = restore("tokens", 1, [](Json t) {
    t["hash"] = "secret";
    t["read_only"] = 1;
    return t;
  });
  ASSERT_TRUE(bad_hash) << bad_hash.error().message;
  EXPECT_EQ(ProblemTexts(*bad_hash),
            (std::vector<std::string>{"tokens.jsonl:1: hash: expected the SHA-256 of the token, 64 lowercase hexadecimal digits",
                                      "tokens.jsonl:1: read_only: expected true or false"}));
  nothing_written();

  // Not into a database that has users of its own (nor an audit log).
  store::Accounts accounts(*b.store, b.clock);
  ASSERT_TRUE(accounts.AddUser("erin", kPassword, {std::nullopt, store::Role::kAdmin, false}, store::Actor{"cli"}));
  auto has_users = io::RestoreDump(*b.records, files, dump.string());
  ASSERT_FALSE(has_users);
  EXPECT_EQ(has_users.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(has_users.error().message, "the database already has users; a dump is restored into a new database "
                                       "(reference data only)");
  // The unchanged dump restores into a new one.
  Fixture c;
  auto fine = io::RestoreDump(*c.records, io::FileStore(c.dir.File("files")), dump.string());
  ASSERT_TRUE(fine) << fine.error().message;
  EXPECT_TRUE(fine->problems.empty());
  EXPECT_EQ(fine->counts["users"], 3);
  EXPECT_EQ(fine->audit_head, manifest["audit"]["head"]);
}

// A dump's custom values are checked against the dump's own custom fields.
TEST(DumpRestore, ChecksCustomValuesAgainstTheDumpsCustomFields) {
  Fixture a;
  a.LoadDemo();
  const fs::path dump = a.dir.File("dump");
  ASSERT_TRUE(io::WriteDump(*a.records, io::FileStore(a.dir.File("files")), dump.string()));
  // The demo's second partner receives Tết greetings (demo/organisations.jsonl).
  EditDumpLine(dump, "organisation", "organisations.jsonl", 2, [](Json r) {
    EXPECT_EQ(r["custom"], Json({{"tet_greeting", true}}));
    r["custom"]["tet_greeting"] = "yes";
    return r;
  });
  Fixture b;
  const io::FileStore files(b.dir.File("files"));
  auto bad = io::RestoreDump(*b.records, files, dump.string());
  ASSERT_TRUE(bad) << bad.error().message;
  ASSERT_EQ(bad->problems.size(), 1u);
  EXPECT_EQ(bad->problems[0].line, 2);
  EXPECT_EQ(bad->problems[0].field, "custom.tet_greeting");
  EXPECT_EQ(bad->problems[0].reason, "expected true or false, got a string");

  // Without its declaration, the value names no custom field.
  EditDumpLine(dump, "organisation", "organisations.jsonl", 2, [](Json r) {
    r["custom"]["tet_greeting"] = true;
    return r;
  });
  EditDumpLine(dump, "custom_field", "custom-fields.jsonl", 1, [](Json r) {
    EXPECT_EQ(r["name"], "tet_greeting");
    return Json();
  });
  auto undeclared = io::RestoreDump(*b.records, files, dump.string());
  ASSERT_TRUE(undeclared) << undeclared.error().message;
  ASSERT_FALSE(undeclared->problems.empty());
  EXPECT_EQ(undeclared->problems[0].source, (dump / "organisations.jsonl").string());
  EXPECT_EQ(undeclared->problems[0].line, 2);
  EXPECT_EQ(undeclared->problems[0].field, "custom.tet_greeting");
  EXPECT_EQ(undeclared->problems[0].reason, "is not a custom field of organisation");
  EXPECT_EQ((*b.store->CountAll())["custom-fields"], 0);
}

// At most 50 custom fields per type; removed ones do not count.
TEST(CustomFields, AtMostFiftyPerType) {
  Fixture f;
  const domain::EntityType& cf = Type("custom_field");
  const store::Actor actor{"admin"};
  auto add = [&](int i) {
    return f.records->Create(cf, {{"entity", "event"}, {"name", "f" + std::to_string(i)}, {"type", "integer"},
                                  {"label", {{"en", "F" + std::to_string(i)}}}}, actor);
  };
  for (int i = 1; i <= 50; ++i) ASSERT_TRUE(add(i)) << i;
  auto over = add(51);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(over.error().message, "event already has 50 custom fields, the most a type may have");
  // Another type is not affected; a removed field makes room.
  EXPECT_TRUE(f.records->Create(cf, {{"entity", "award"}, {"name", "f1"}, {"type", "text"},
                                     {"label", {{"en", "F1"}}}}, actor));
  ASSERT_TRUE(f.records->Delete(cf, 1, std::nullopt, actor));
  EXPECT_TRUE(add(51));
  // An edit of a field when the type is full is not an addition.
  EXPECT_TRUE(f.records->Update(cf, 2, std::nullopt, {{"description", "counted once"}}, actor));
}

TEST(ExportImport, ReferencesByUuidResolveInAnotherDatabase) {
  Fixture a;
  a.LoadDemo();
  const domain::EntityType& unit = Type("unit");
  for (const char* format : {"jsonl", "csv"}) {
    std::stringstream out;
    io::ExportOptions options;
    options.format = format;
    options.refs = "uuid";
    auto n = io::ExportRecords(*a.records, unit, options, out);
    ASSERT_TRUE(n) << n.error().message;

    Fixture b;
    MustCreate(b, "unit", {{"code", "OTHER-1"}, {"name", "Another unit"}, {"kind", "central_body"}});
    MustCreate(b, "unit", {{"code", "OTHER-2"}, {"name", "Yet another unit"}, {"kind", "central_body"}});
    std::unique_ptr<store::RowSource> rows;
    if (std::string(format) == "csv") rows = std::make_unique<io::CsvSource>(out, unit, io::CsvMapping{}, b.records->reference());
    else rows = std::make_unique<io::JsonLinesSource>(out);
    auto report = b.records->Import(unit, *rows, false, store::Actor{"test"});
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->problems.empty()) << format << ":" << report->problems[0].line << ": "
                                          << report->problems[0].field << ": " << report->problems[0].reason;
    EXPECT_EQ(report->created, *n);
    // Every unit with a parent: the same uuid in b, with a parent of the same uuid, by other ids.
    domain::Query q;
    q.limit = 500;
    int with_parent = 0;
    auto units = a.records->List(unit, q);
    ASSERT_TRUE(units);
    for (const Json& u : units->items) {
      if (u["parent"].is_null()) continue;
      ++with_parent;
      auto tx = b.store->BeginWrite();
      ASSERT_TRUE(tx);
      auto ids = (*tx)->FindIds(unit, "uuid", u["uuid"], 1);
      ASSERT_TRUE(ids && ids->size() == 1u);
      EXPECT_EQ(*ids, std::vector<int64_t>{u["id"].get<int64_t>() + 2});
      auto copy = (*tx)->Find("unit", (*ids)[0], false);
      auto parent = a.records->Get(unit, u["parent"].get<int64_t>());
      auto copy_parent = (*tx)->Find("unit", (**copy)["parent"].get<int64_t>(), false);
      EXPECT_EQ((**copy_parent)["uuid"], (*parent)["uuid"]);
      EXPECT_EQ((**copy)["names"], u["names"]);
    }
    EXPECT_GT(with_parent, 0);
  }
}

// Every type's export, as CSV and as JSON lines, reads back as the same input (structured
// values as JSON cells), which the declaration accepts.
TEST(ExportImport, EveryTypeReadsBackTheSameFromCsvAndJsonLines) {
  Fixture a;
  Populate(a);
  for (const domain::EntityType& type : Registry::Get().types()) {
    if (type.reference_data) continue;
    std::stringstream csv, jsonl;
    io::ExportOptions options;
    auto n = io::ExportRecords(*a.records, type, options, csv);
    options.format = "jsonl";
    ASSERT_TRUE(n && *io::ExportRecords(*a.records, type, options, jsonl) == *n);
    ASSERT_GE(*n, 1) << type.name;
    // Custom fields are columns of their own (custom.NAME) in CSV, one object in JSON lines.
    auto custom = a.records->Custom();
    ASSERT_TRUE(custom);
    io::CsvMapping mapping;
    mapping.custom = &(*custom)->Of(type.name);
    auto from_csv = io::ReadCsv(csv, type, mapping, a.records->reference());
    io::JsonLinesSource lines(jsonl);
    auto from_jsonl = io::ReadAll(lines);
    ASSERT_TRUE(from_csv && from_jsonl) << type.name;
    ASSERT_TRUE(from_csv->problems.empty()) << type.name << ": " << from_csv->problems[0].field << ": "
                                            << from_csv->problems[0].reason;
    ASSERT_EQ(from_csv->rows.size(), from_jsonl->rows.size());
    for (size_t i = 0; i < from_csv->rows.size(); ++i) {
      const Json& c = from_csv->rows[i].values;
      const Json& j = from_jsonl->rows[i].values;
      for (const auto& [name, value] : j.items()) {
        const domain::Field* f = type.Find(name);
        if (f->read_only && name != "uuid") continue;
        if (value.is_null() || value == Json::array() || value == "") continue;
        // References and integers come from CSV as text, resolved or converted on import.
        const Json want = f->type == domain::FieldType::kRef ? Json(value.dump()) : value;
        EXPECT_EQ(c.value(name, Json()), want) << type.name << " " << name;
      }
    }
  }
}

}  // namespace
}  // namespace amity::testing
