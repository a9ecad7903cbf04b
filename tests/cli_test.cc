// The amity command line, run as a separate process exactly as a user runs it.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <boost/system/system_error.hpp>
#include <gtest/gtest.h>

#include "domain/registry.h"
#include "io/iso_codes.h"
#include "store/store.h"
#include "support.h"

extern char** environ;

namespace amity::testing {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// Runs the binary with `args`, collecting standard output and error (through files, so a large
// output cannot block it).
Outcome Amity(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {AMITY_BINARY, "--data", dir.File("data")});
  const std::string out_file = dir.File("stdout"), err_file = dir.File("stderr");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  Outcome r;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) return r;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream o(out_file), e(err_file);
  std::stringstream so, se;
  so << o.rdbuf();
  se << e.rdbuf();
  r.out = so.str();
  r.err = se.str();
  return r;
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(Cli, VersionAndUsage) {
  TempDir dir;
  Outcome v = Amity(dir, {"version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, "amity 0.1.0\n");
  EXPECT_EQ(Amity(dir, {"import", "--help"}).exit_code, 0);
  Outcome missing = Amity(dir, {"import"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("type is required"), std::string::npos) << missing.err;
  EXPECT_EQ(Amity(dir, {"nonsense"}).exit_code, 2);
  EXPECT_EQ(Amity(dir, {"import", "planets", "x.csv"}).exit_code, 2);
}

// Users, roles and tokens from the command line; the audit log of it all, verified, then
// tampered with.
TEST(Cli, UsersTokensAndTheAuditLog) {
  TempDir dir;
  ASSERT_EQ(Amity(dir, {"init"}).exit_code, 0);
  Outcome added = Amity(dir, {"user", "add", "lan", "--role", "editor"});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(added.out, m, std::regex("^user lan added: editor on the root unit\npassword \\(shown once\\): (\\S{16})\n$")))
      << added.out;
  Outcome bad = Amity(dir, {"user", "add", "x", "--role", "editor"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "amity: name: expected 2 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit\n");
  Outcome role = Amity(dir, {"user", "add", "mai", "--role", "boss"});
  EXPECT_EQ(role.exit_code, 1);
  EXPECT_EQ(role.err, "amity: role: unknown role \"boss\"; expected admin, editor, viewer or auditor\n");
  Outcome unit = Amity(dir, {"user", "grant", "lan", "--role", "viewer", "--unit", "NOPE"});
  EXPECT_EQ(unit.exit_code, 1);
  EXPECT_EQ(unit.err, "amity: --unit: no unit with the id or code \"NOPE\"\n");
  Outcome token = Amity(dir, {"token", "create", "--user", "lan", "--read-only", "--expires", "30"});
  EXPECT_EQ(token.exit_code, 0) << token.err;
  EXPECT_TRUE(std::regex_match(token.out, std::regex("amity_[A-Za-z0-9_-]{43}\n"))) << token.out;
  Outcome list = Amity(dir, {"token", "list"});
  EXPECT_EQ(list.out.find("amity_"), std::string::npos) << "secrets are never listed";
  EXPECT_EQ(nlohmann::json::parse(list.out)["read_only"], true);
  EXPECT_EQ(Amity(dir, {"token", "revoke", "1"}).out, "token 1 revoked\n");
  EXPECT_EQ(Amity(dir, {"token", "revoke", "1"}).err, "amity: token 1 is already revoked\n");
  Outcome verified = Amity(dir, {"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_TRUE(verified.out.starts_with("audit log intact: 3 entries; last hash ")) << verified.out;
  const std::vector<std::string> actions = {"user_add", "token_create", "token_revoke"};
  std::istringstream lines(Amity(dir, {"audit", "list"}).out);
  std::string line;
  for (const std::string& action : actions) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(nlohmann::json::parse(line)["action"], action);
    EXPECT_EQ(nlohmann::json::parse(line)["actor"], "cli");
  }
  {
    auto store = store::OpenStore(dir.File("data/amity.db"));
    ASSERT_TRUE(store);
    auto tx = (*store)->BeginWrite();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->Rows("UPDATE audit SET detail = '{\"user\":\"someone\"}' WHERE seq = 2", {}));
    ASSERT_TRUE((*tx)->Commit());
  }
  Outcome tampered = Amity(dir, {"audit", "verify"});
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_EQ(tampered.err, "amity: the audit log was tampered with:\n  entry 2: its content does not match its hash: the entry was changed\n");
}

TEST(Cli, InitCreatesReferenceDataOnly) {
  TempDir dir;
  Outcome r = Amity(dir, {"init"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("database ready: 273 countries, ")) << r.out;
  Outcome units = Amity(dir, {"export", "units", "--format", "jsonl"});
  EXPECT_EQ(units.exit_code, 0);
  EXPECT_EQ(units.out, "");
}

TEST(Cli, ImportsExportsAndListsEveryBadRow) {
  TempDir dir;
  Write(dir.File("good.csv"),
        "name,kind,country,founded_on,acronym\n"
        "Parti communiste français,political_party,FRA,1920,PCF\n"
        "\"Die Linke\",political_party,DE,2007,\n");
  Outcome dry = Amity(dir, {"import", "organisations", dir.File("good.csv"), "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, "dry run: 2 organisations would be imported; nothing was written\n");
  EXPECT_EQ(Amity(dir, {"export", "organisations", "--format", "jsonl"}).out, "");
  Outcome ok = Amity(dir, {"import", "organisations", dir.File("good.csv")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "imported 2 organisations\n");

  Write(dir.File("bad.csv"),
        "name,kind,country,founded_on\n"
        "Fine,ngo,VN,1999\n"
        "Bad country,ngo,QQ,1999\n"
        ",ngo,VN,\n"
        "Bad date,ngo,VN,1999-13\n");
  Outcome bad = Amity(dir, {"import", "organisations", dir.File("bad.csv")});
  EXPECT_EQ(bad.exit_code, 1);
  const std::string f = dir.File("bad.csv");
  EXPECT_EQ(bad.err, f + ":3: country: \"QQ\" is not an ISO 3166 country code\n" +
                         f + ":4: name: is required\n" +
                         f + ":5: founded_on: expected \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", got \"1999-13\"\n"
                         "amity: 3 problem(s) in " + f + "; nothing was imported\n");

  Outcome csv = Amity(dir, {"export", "organisations"});
  EXPECT_EQ(csv.exit_code, 0);
  EXPECT_EQ(Lines(csv.out), 3u);  // header and the two good rows only
  EXPECT_TRUE(csv.out.starts_with("\"id\",\"uuid\",\"created_at\",\"created_by\",\"updated_at\",")) << csv.out;
  EXPECT_NE(csv.out.find(",\"Parti communiste français\","), std::string::npos);
  Outcome jsonl = Amity(dir, {"export", "organisations", "--format", "jsonl", "-o", dir.File("out.jsonl")});
  EXPECT_EQ(jsonl.exit_code, 0);
  EXPECT_EQ(jsonl.err, "exported 2 organisations\n");
  std::ifstream in(dir.File("out.jsonl"));
  std::string line;
  std::getline(in, line);
  const auto first = nlohmann::json::parse(line);
  EXPECT_EQ(first["country"], "FR");
  EXPECT_EQ(first["acronym"], "PCF");
  EXPECT_EQ(first["created_by"], "cli");
}

// Custom fields from the command line: added, listed, filled by a CSV import (custom.NAME
// columns), exported the same way, and removed with their values kept in history.
TEST(Cli, CustomFieldsAddImportExportRemove) {
  TempDir dir;
  Outcome add = Amity(dir, {"field", "add", "organisations", "tet_greeting", "--type", "boolean",
                            "--label-en", "Receives Tết greetings", "--label-vi", "Nhận thiệp chúc Tết"});
  EXPECT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "added custom field tet_greeting to organisation (id 1)\n");
  Outcome desk = Amity(dir, {"field", "add", "organisation", "desk", "--type", "enum", "--value",
                             "europe=Europe|Châu Âu", "--value", "asia"});
  EXPECT_EQ(desk.exit_code, 0) << desk.err;
  Outcome person = Amity(dir, {"field", "add", "persons", "religion", "--type", "text"});
  EXPECT_EQ(person.exit_code, 1);
  EXPECT_EQ(person.err.substr(0, 40), "amity: entity: unknown value \"person\"; a");
  Outcome twice = Amity(dir, {"field", "add", "organisations", "desk", "--type", "text"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_EQ(twice.err, "amity: name: already used by custom_field 2 (name \"desk\", entity \"organisation\")\n");
  Outcome list = Amity(dir, {"field", "list"});
  EXPECT_EQ(list.out,
            "organisation\ttet_greeting\tboolean\tReceives Tết greetings\n"
            "organisation\tdesk\tenum\tdesk [europe, asia]\n");
  Outcome unknown = Amity(dir, {"field", "list", "partners"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "amity: unknown type \"partners\"\n");

  Write(dir.File("bad.csv"), "name,kind,custom.tet_greeting,custom.desk\nA,ngo,maybe,asia\nB,ngo,yes,africa\n");
  Outcome bad = Amity(dir, {"import", "organisations", dir.File("bad.csv")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, dir.File("bad.csv") + ":2: custom.tet_greeting: expected true or false, got \"maybe\"\n" +
                         dir.File("bad.csv") + ":3: custom.desk: unknown value \"africa\"; allowed: europe, asia\n"
                         "amity: 2 problem(s) in " + dir.File("bad.csv") + "; nothing was imported\n");
  Write(dir.File("nofield.csv"), "name,kind,custom.budget\nA,ngo,1\n");
  Outcome nofield = Amity(dir, {"import", "organisations", dir.File("nofield.csv")});
  EXPECT_EQ(nofield.exit_code, 1);
  EXPECT_EQ(nofield.err, "amity: line 1: column \"custom.budget\" names no custom field of organisation "
                         "(see amity field list organisation)\n");
  Write(dir.File("good.csv"), "name,kind,custom.tet_greeting,custom.desk\nA,ngo,yes,asia\nB,ngo,,europe\n");
  Outcome good = Amity(dir, {"import", "organisations", dir.File("good.csv")});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  Outcome csv = Amity(dir, {"export", "organisations"});
  std::istringstream lines(csv.out);
  std::string header, a, b;
  std::getline(lines, header);
  std::getline(lines, a);
  std::getline(lines, b);
  EXPECT_TRUE(header.ends_with(",\"custom.tet_greeting\",\"custom.desk\"\r")) << header;
  EXPECT_EQ(header.find("\"custom\","), std::string::npos) << header;
  EXPECT_TRUE(a.ends_with(",\"true\",\"asia\"\r")) << a;
  EXPECT_TRUE(b.ends_with(",,\"europe\"\r")) << b;

  Outcome remove = Amity(dir, {"field", "remove", "organisations", "desk"});
  EXPECT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_EQ(remove.out, "removed custom field desk from organisation; its values are kept in each record's history\n");
  Outcome again = Amity(dir, {"field", "remove", "organisations", "desk"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "amity: organisation has no custom field \"desk\"\n");
  Outcome jsonl = Amity(dir, {"export", "organisations", "--format", "jsonl"});
  std::istringstream records(jsonl.out);
  std::getline(records, a);
  std::getline(records, b);
  EXPECT_EQ(nlohmann::json::parse(a)["custom"], nlohmann::json({{"tet_greeting", true}}));
  EXPECT_EQ(nlohmann::json::parse(b)["custom"], nullptr);
  EXPECT_EQ(nlohmann::json::parse(b)["version"], 2);
}

// `amity migrate` moves the demo into PostgreSQL; `--db` then serves every subcommand from it.
TEST(Cli, MigratesToPostgresqlAndWorksOnIt) {
  TempDir dir;
  ASSERT_EQ(Amity(dir, {"demo"}).exit_code, 0);
  const std::string url = NewDatabase("postgresql", dir);
  Outcome moved = Amity(dir, {"migrate", "--from", "sqlite:" + dir.File("data/amity.db"), "--to", url});
  EXPECT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_TRUE(moved.out.starts_with("moved ")) << moved.out;
  EXPECT_TRUE(moved.out.ends_with("; counts and checksums match\n")) << moved.out;
  Outcome sqlite = Amity(dir, {"export", "delegations", "--format", "jsonl"});
  Outcome pg = Amity(dir, {"--db", url, "export", "delegations", "--format", "jsonl"});
  EXPECT_EQ(pg.exit_code, 0) << pg.err;
  EXPECT_EQ(pg.out, sqlite.out);
  Outcome again = Amity(dir, {"migrate", "--from", "sqlite:" + dir.File("data/amity.db"), "--to", url});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(again.err.find("a dump is restored into a new database") != std::string::npos) << again.err;
  Outcome bad = Amity(dir, {"--db", "postgresql:nowhere", "init"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "amity: a PostgreSQL database is named by a URL like postgresql://user@host:5432/amity, "
                     "got \"postgresql:nowhere\"\n");
}

TEST(Cli, DemoLoadsOnceAndBackupCopies) {
  TempDir dir;
  Outcome demo = Amity(dir, {"demo"});
  EXPECT_EQ(demo.exit_code, 0) << demo.err;
  EXPECT_EQ(demo.out,
            "loaded 3 demo custom-fields\n"
            "loaded 51 demo units\nloaded 101 demo organisations\nloaded 28 demo persons\n"
            "loaded 17 demo relations\nloaded 7 demo policy-documents\nloaded 12 demo exchange-rates\n"
            "loaded 1 demo appeals\nloaded 85 demo delegations\nloaded 26 demo events\n"
            "loaded 5 demo interactions\nloaded 27 demo awards\nloaded 12 demo agreements\n"
            "loaded 7 demo aid-projects\nloaded 3 demo plans\nloaded 5 demo documents\n");
  Outcome again = Amity(dir, {"demo"});
  EXPECT_EQ(again.out, "the database already has units; demo data not loaded\n");
  Outcome backup = Amity(dir, {"backup", dir.File("copy.db")});
  EXPECT_EQ(backup.exit_code, 0) << backup.err;
  auto copy = store::OpenStore(dir.File("copy.db"));
  ASSERT_TRUE(copy.has_value());
  EXPECT_EQ((*(*copy)->CountAll())["organisations"], 101);
  EXPECT_EQ((*(*copy)->CountAll())["units"], 51);
  Outcome exists = Amity(dir, {"backup", dir.File("copy.db")});
  EXPECT_EQ(exists.exit_code, 1);
}

TEST(Cli, SearchesAndRebuildsTheIndex) {
  TempDir dir;
  ASSERT_EQ(Amity(dir, {"demo"}).exit_code, 0);
  Outcome found = Amity(dir, {"search", "find", "phan anh son", "--types", "person"});
  EXPECT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(found.out,
            R"({"id":1,"match":"exact","snippet":[{"match":true,"text":"Phan"},{"text":" "},{"match":true,"text":"Anh"},)"
            R"({"text":" "},{"match":true,"text":"Sơn"}],"title":"Phan Anh Sơn","type":"person"})"
            "\n");
  EXPECT_EQ(Lines(Amity(dir, {"search", "find", "viet", "--limit", "3"}).out), 3u);
  Outcome empty = Amity(dir, {"search", "find", " – "});
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.err, "amity: q: has no letter or digit to search for\n");
  Outcome bad_type = Amity(dir, {"search", "find", "viet", "--types", "planet"});
  EXPECT_EQ(bad_type.exit_code, 1);
  EXPECT_TRUE(bad_type.err.starts_with("amity: types: no entity type \"planet\"")) << bad_type.err;
  Outcome rebuilt = Amity(dir, {"search", "rebuild"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  EXPECT_TRUE(std::regex_match(rebuilt.out, std::regex("indexed [0-9]+ records in [0-9]+\\.[0-9] s\n"))) << rebuilt.out;
  EXPECT_EQ(Amity(dir, {"search", "find", "phan anh son", "--types", "person"}).out, found.out);
}

TEST(Cli, DumpsAndRestoresIntoANewDatabaseOnly) {
  TempDir dir;
  ASSERT_EQ(Amity(dir, {"demo"}).exit_code, 0);
  Outcome dump = Amity(dir, {"dump", dir.File("dump")});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_TRUE(dump.out.starts_with("dumped ")) << dump.out;
  EXPECT_EQ(Amity(dir, {"dump", dir.File("dump")}).exit_code, 1);  // not an empty directory
  Outcome refused = Amity(dir, {"restore", dir.File("dump")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("a dump is restored into a new database"), std::string::npos) << refused.err;
  TempDir other;
  Outcome restored = Amity(other, {"restore", dir.File("dump")});
  EXPECT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_TRUE(restored.out.starts_with("restored ")) << restored.out;
  EXPECT_EQ(Amity(other, {"export", "units", "--format", "jsonl"}).out,
            Amity(dir, {"export", "units", "--format", "jsonl"}).out);
  Outcome uuids = Amity(dir, {"export", "units", "--format", "jsonl", "--refs", "uuid"});
  EXPECT_EQ(uuids.exit_code, 0);
  EXPECT_TRUE(std::regex_search(uuids.out, std::regex("\"parent\":\"[0-9a-f-]{36}\""))) << uuids.out.substr(0, 300);
}

// Every file of a dump but the reference data, as one text (to look for what must not be there).
std::string DumpedRecords(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "countries.jsonl" || name == "subdivisions.jsonl") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    all += s.str();
  }
  return all;
}

TEST(Cli, ExportsAndErasesAPersonOnRequest) {
  TempDir dir;
  Write(dir.File("persons.jsonl"),
        "{\"family_name\": \"Phan\", \"given_name\": \"Sơn\", \"name_order\": \"vietnamese\", "
        "\"email\": \"son.phan@example.org\", \"notes\": \"met in Vientiane\"}\n"
        "{\"given_name\": \"Khamphan\"}\n");
  ASSERT_EQ(Amity(dir, {"import", "persons", dir.File("persons.jsonl")}).exit_code, 0);
  Write(dir.File("interactions.jsonl"),
        "{\"date\": \"2024-03-12\", \"kind\": \"meeting\", \"title\": \"Preparing the visit\", \"persons\": [2, 1]}\n");
  ASSERT_EQ(Amity(dir, {"import", "interactions", dir.File("interactions.jsonl")}).exit_code, 0);

  Outcome exported = Amity(dir, {"person", "export", "1"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const nlohmann::json e = nlohmann::json::parse(exported.out);
  EXPECT_EQ(e["person"]["name"], "Phan Sơn");
  EXPECT_EQ(e["person"]["email"], "son.phan@example.org");
  EXPECT_EQ(e["history"].size(), 1u);  // the creation
  EXPECT_EQ(e["referenced_by"], nlohmann::json::parse(R"([{"entity": "interaction", "id": 1, "title": "Preparing the visit",
                                                          "in_trash": false, "paths": ["persons[1]"]}])"));
  EXPECT_EQ(Amity(dir, {"person", "export", "9"}).exit_code, 1);
  EXPECT_EQ(Amity(dir, {"person", "export", "x"}).exit_code, 2);

  // Erasing needs --yes, and writes nothing without it.
  Outcome unconfirmed = Amity(dir, {"person", "erase", "1"});
  EXPECT_EQ(unconfirmed.exit_code, 2);
  EXPECT_EQ(unconfirmed.err, "amity: erasing person 1 cannot be undone; add --yes to erase it\n");
  EXPECT_NE(Amity(dir, {"export", "persons", "--format", "jsonl"}).out.find("son.phan@example.org"), std::string::npos);
  Outcome erased = Amity(dir, {"person", "erase", "1", "--yes"});
  ASSERT_EQ(erased.exit_code, 0) << erased.err;
  EXPECT_EQ(erased.out, "person 1 erased: now \"Erased person 1\" (version 2); their history keeps no personal values\n");
  Outcome again = Amity(dir, {"person", "erase", "1", "--yes"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "amity: person 1 is already erased; nothing held about them is left to erase\n");
  EXPECT_EQ(Amity(dir, {"person", "erase", "9", "--yes"}).exit_code, 1);

  // Both audited, as the command line; the other person and the interaction are untouched.
  Outcome audit = Amity(dir, {"audit", "list"});
  EXPECT_TRUE(std::regex_search(audit.out, std::regex("\"action\":\"person_export\",\"actor\":\"cli\"")))
      << audit.out;
  EXPECT_TRUE(std::regex_search(audit.out, std::regex("\"action\":\"person_erase\",\"actor\":\"cli\"")));
  EXPECT_EQ(Amity(dir, {"audit", "verify"}).exit_code, 0);
  const nlohmann::json after = nlohmann::json::parse(Amity(dir, {"person", "export", "1"}).out);
  EXPECT_EQ(after["person"]["name"], "Erased person 1");
  EXPECT_EQ(after["referenced_by"].size(), 1u);

  // Nothing of the old values is left anywhere in the database's dump (history included).
  ASSERT_EQ(Amity(dir, {"dump", dir.File("dump")}).exit_code, 0);
  const std::string dumped = DumpedRecords(dir.File("dump"));
  for (const char* gone : {"son.phan@example.org", "Phan", "Vientiane"}) {
    EXPECT_EQ(dumped.find(gone), std::string::npos) << gone;
  }
  EXPECT_NE(dumped.find("Khamphan"), std::string::npos);
}

// `amity serve` on a new directory serves reference data only, and stops cleanly on SIGTERM.
// `amity serve` as a separate process on a port the kernel picks; stopped with SIGTERM.
class Served {
 public:
  explicit Served(std::vector<std::string> args) {
    int out_pipe[2];
    if (pipe(out_pipe) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    args.insert(args.begin(), AMITY_BINARY);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const bool spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    close(out_pipe[1]);
    out_ = fdopen(out_pipe[0], "r");
    char line[256] = {};
    std::cmatch m;
    // What it prints before it serves (the first admin's password on a new database), then the
    // line with its port.
    while (spawned && fgets(line, sizeof line, out_)) {
      if (std::regex_search(line, m, std::regex("serving on https?://127\\.0\\.0\\.1:([0-9]+)/"))) {
        port_ = static_cast<uint16_t>(std::stoi(m[1]));
        break;
      }
      before_ += line;
    }
  }
  const std::string& before() const { return before_; }
  ~Served() {
    if (pid_ > 0) Stop();
    if (out_) fclose(out_);
  }
  uint16_t port() const { return port_; }  // 0 when it did not start
  // SIGTERM; the exit status, and the last line it printed.
  std::pair<int, std::string> Stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    char line[256] = {};
    const bool printed = fgets(line, sizeof line, out_) != nullptr;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, printed ? line : ""};
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  uint16_t port_ = 0;
  std::string before_;
};

// A session of the first admin, whose password a server prints when it starts on a database
// without users: the headers that authenticate as that session (cookie and CSRF token).
std::vector<std::pair<std::string, std::string>> LogInAsFirstAdmin(const Served& server) {
  std::smatch m;
  const std::string& printed = server.before();
  if (!std::regex_search(printed, m, std::regex("\\n\\n    (\\S+)\\n\\n"))) {
    ADD_FAILURE() << "no password in: " << printed;
    return {};
  }
  const HttpResponse login = HttpCall(server.port(), "POST", "/api/v1/auth/login",
                                      nlohmann::json{{"name", "admin"}, {"password", m[1].str()}}.dump(),
                                      {{"Content-Type", "application/json"}});
  EXPECT_EQ(login.status, 200) << login.body;
  const std::string cookie = login.Header("set-cookie");
  return {{"Cookie", cookie.substr(0, cookie.find(';'))},
          {"X-CSRF-Token", login.Json().value("csrf_token", "")},
          {"Content-Type", "application/json"}};
}

TEST(Cli, ServeStopsGracefullyOnSigterm) {
  TempDir dir;
  Served server({"--data", dir.File("data"), "serve", "--listen", "127.0.0.1:0", "--access-log",
                 dir.File("access.log")});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(HttpCall(server.port(), "GET", "/api/v1/stats").status, 401);
  // The first start made an admin and printed its password, once.
  EXPECT_TRUE(server.before().starts_with("First start: created the user \"admin\" (admin of the root unit)")) << server.before();
  const auto admin = LogInAsFirstAdmin(server);
  const HttpResponse stats = HttpCall(server.port(), "GET", "/api/v1/stats", "", admin);
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(stats.Json()["records"]["units"], 0);
  EXPECT_EQ(stats.Json()["records"]["countries"], 273);
  const auto [code, last] = server.Stop();
  EXPECT_EQ(code, 0);
  EXPECT_EQ(last, "Amity stopped\n");
  std::ifstream log(dir.File("access.log"));
  std::string entry;
  ASSERT_TRUE(std::getline(log, entry));
  const auto j = nlohmann::json::parse(entry);
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["target"], "/api/v1/stats");
  EXPECT_EQ(j["status"], 401);
  EXPECT_EQ(j["remote"], "127.0.0.1");
  // A second start prints no password: the admin exists.
  Served again({"--data", dir.File("data"), "serve", "--listen", "127.0.0.1:0", "--access-log", "off"});
  ASSERT_NE(again.port(), 0);
  EXPECT_EQ(again.before(), "");
  EXPECT_EQ(HttpCall(again.port(), "GET", "/api/v1/auth/session", "", admin).Json()["user"], "admin");
}

// `serve --tls-cert --tls-key` serves HTTPS only; a flag without the other is wrong usage, and a
// file that will not do is named with its flag.
TEST(Cli, ServeTls) {
  TempDir dir;
  const TestCertificate cert = SelfSignedCertificate(dir);
  const Outcome alone = Amity(dir, {"serve", "--tls-key", cert.key_file});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_EQ(alone.err, "--tls-key requires --tls-cert\nRun with --help for more information.\n");
  const Outcome missing = Amity(dir, {"serve", "--listen", "127.0.0.1:0", "--tls-cert", dir.File("missing.pem"),
                                      "--tls-key", cert.key_file});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(missing.err, "amity: --tls-cert " + dir.File("missing.pem") + ": cannot read it: No such file or directory\n");
  const Outcome swapped = Amity(dir, {"serve", "--listen", "127.0.0.1:0", "--tls-cert", cert.key_file,
                                      "--tls-key", cert.cert_file});
  EXPECT_EQ(swapped.exit_code, 3);
  EXPECT_EQ(swapped.err, "amity: --tls-cert " + cert.key_file + ": not a PEM certificate (no start line)\n");
  Served server({"--data", dir.File("data"), "serve", "--listen", "127.0.0.1:0", "--access-log", "off",
                 "--tls-cert", cert.cert_file, "--tls-key", cert.key_file});
  ASSERT_NE(server.port(), 0);
  const HttpResponse health = HttpsCall(server.port(), {cert.cert_pem}, "GET", "/api/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Header("strict-transport-security"), "max-age=63072000");
  EXPECT_THROW(HttpCall(server.port(), "GET", "/api/v1/health"), boost::system::system_error);
  EXPECT_EQ(server.Stop().first, 0);
  // Behind a proxy that terminates TLS, plain HTTP counts as secure.
  Served proxied({"--data", dir.File("data"), "serve", "--listen", "127.0.0.1:0", "--access-log", "off",
                  "--behind-tls-proxy"});
  ASSERT_NE(proxied.port(), 0);
  EXPECT_EQ(HttpCall(proxied.port(), "GET", "/api/v1/health").Header("strict-transport-security"), "max-age=63072000");
}

// Two server processes on one PostgreSQL database share everything: what one writes the other
// reads at once (no cache of either hides it), and a change made against a version the other
// process has moved on from is refused with 412.
TEST(Cli, TwoServersOnOneDatabaseDetectEachOthersChanges) {
  TempDir dir;
  const std::string url = NewDatabase("postgresql", dir);
  Served a({"--db", url, "--data", dir.File("a"), "serve", "--listen", "127.0.0.1:0", "--access-log", "off"});
  Served b({"--db", url, "--data", dir.File("b"), "serve", "--listen", "127.0.0.1:0", "--access-log", "off"});
  ASSERT_NE(a.port(), 0);
  ASSERT_NE(b.port(), 0);
  // One session serves both processes: sessions live in the database.
  const std::vector<std::pair<std::string, std::string>> json = LogInAsFirstAdmin(a);
  EXPECT_EQ(b.before(), "");
  const HttpResponse created = HttpCall(a.port(), "POST", "/api/v1/organisations",
                                        R"({"name": "Deutsch-Vietnamesische Gesellschaft", "kind": "friendship_association", "country": "DE"})", json);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/api/v1/organisations/" + std::to_string(created.Json()["id"].get<int64_t>());
  // Counts are cached per process, and follow the other's writes.
  EXPECT_EQ(HttpCall(b.port(), "GET", "/api/v1/organisations/counts?by=country", "", json).Json()["total"], 1);
  const HttpResponse read_b = HttpCall(b.port(), "GET", path, "", json);
  EXPECT_EQ(read_b.Header("etag"), "\"1\"");
  auto with_version = [&](const char* v) {
    auto h = json;
    h.emplace_back("If-Match", v);
    return h;
  };
  const HttpResponse by_a = HttpCall(a.port(), "PATCH", path, R"({"city": "Berlin"})", with_version("\"1\""));
  EXPECT_EQ(by_a.status, 200) << by_a.body;
  const HttpResponse by_b = HttpCall(b.port(), "PATCH", path, R"({"city": "Bonn"})", with_version("\"1\""));
  EXPECT_EQ(by_b.status, 412) << by_b.body;
  EXPECT_EQ(by_b.Json()["detail"], "organisation 1 is at version 2; the change was made against version 1");
  EXPECT_EQ(HttpCall(b.port(), "GET", path, "", json).Json()["city"], "Berlin");
  EXPECT_EQ(HttpCall(b.port(), "POST", "/api/v1/organisations", R"({"name": "Second", "kind": "ngo"})", json).status, 201);
  EXPECT_EQ(HttpCall(a.port(), "GET", "/api/v1/organisations/counts?by=country", "", json).Json()["total"], 2);
  // A custom field added through one process is in the other's meta and input at once.
  ASSERT_EQ(HttpCall(a.port(), "POST", "/api/v1/custom-fields",
                     R"({"entity": "organisation", "name": "tet_greeting", "type": "boolean", "label": {"en": "Tết"}})", json).status, 201);
  EXPECT_EQ(HttpCall(b.port(), "PATCH", path, R"({"custom": {"tet_greeting": true}})", with_version("*")).status, 200);
  EXPECT_NE(HttpCall(b.port(), "GET", "/api/v1/meta", "", json).body.find("\"custom.tet_greeting\""), std::string::npos);
  EXPECT_EQ(a.Stop().first, 0);
  EXPECT_EQ(b.Stop().first, 0);
}

// The real Party Facts core file: 6,854 parties, native scripts, newlines inside fields,
// ISO alpha-3 countries (and a few codes outside ISO 3166, kept in notes).
TEST(Cli, ImportsPartyFacts) {
  TempDir dir;
  const std::string file = SourcePath("../shared/data/partyfacts/partyfacts-core-parties.csv");
  Outcome r = Amity(dir, {"import", "organisations", file, "--set", "kind=political_party",
                      "--map", "partyfacts_id=identifiers.partyfacts", "--map", "name_short=acronym",
                      "--map", "name_english=names.en", "--map", "name_other=names",
                      "--map", "year_first=founded_on", "--map", "year_last=dissolved_on",
                      "--ignore", "technical,share,share_year,new,wikipedia,comment,created,modified",
                      "--unknown-country", "notes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "imported 6854 organisations\n");
  EXPECT_EQ(r.err, "amity: 136 row(s) name no ISO 3166 country; their country is kept in notes\n");
  auto s = store::OpenStore(dir.File("data/amity.db"));
  ASSERT_TRUE(s.has_value());
  FixedClock clock(0);
  store::Records records(**s, io::SharedReferenceData(), clock);
  const domain::EntityType& org = *domain::Registry::Get().ByName("organisation");
  EXPECT_EQ((*(*s)->CountAll())["organisations"], 6854);
  auto find = [&](const std::string& pf) {
    auto q = domain::ParseQuery(org, {{"identifier", "partyfacts:" + pf}}, false, io::SharedReferenceData());
    auto page = records.List(org, *q);
    EXPECT_EQ(page->items.size(), 1u) << pf;
    return page->items.empty() ? nlohmann::json() : page->items[0];
  };
  const auto cpv = find("4898");
  EXPECT_EQ(cpv["name"], "Dang Cong san Viet Nam");
  EXPECT_EQ(cpv["names"], nlohmann::json({{"en", "Communist Party of Vietnam"}, {"vi", "Đảng Cộng sản Việt Nam"}}));
  EXPECT_EQ(cpv["acronym"], "DCVN");
  EXPECT_EQ(cpv["country"], "VN");
  EXPECT_EQ(cpv["kind"], "political_party");
  EXPECT_EQ(cpv["founded_on"], "1930");
  EXPECT_TRUE(cpv["dissolved_on"].is_null());
  const auto afghan = find("6641");
  EXPECT_EQ(afghan["country"], "AF");
  EXPECT_EQ(afghan["names"]["ps"], "افغان ټولنپال ولسواک ګوند\u200e / افغان ملت ګوند");
  const auto vnqdd = find("6902");
  EXPECT_EQ(vnqdd["dissolved_on"], "1975");
  EXPECT_EQ(vnqdd["names"]["vi"], "Việt Nam Quốc Dân Đảng");
  auto east = domain::ParseQuery(org, {{"country", "DD"}, {"total", "true"}}, false, io::SharedReferenceData());
  EXPECT_EQ(*records.List(org, *east)->total, 19);  // DDR resolves to the former country DD
  auto kept = domain::ParseQuery(org, {{"notes.contains", "country in source: XKX"}, {"total", "true"}},
                                 false, io::SharedReferenceData());
  ASSERT_TRUE(kept.has_value()) << kept.error().message;
  EXPECT_EQ(*records.List(org, *kept)->total, 32);
}

}  // namespace
}  // namespace amity::testing
