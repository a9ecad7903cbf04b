#include "cli/app.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <fmt/format.h>

#include "base/clock.h"
#include "base/text.h"
#include "domain/custom.h"
#include "domain/registry.h"
#include "http/api.h"
#include "http/server.h"
#include "io/csv.h"
#include "io/demo.h"
#include "io/dump.h"
#include "io/iso_codes.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/search.h"
#include "store/sqlite/sqlite_store.h"

#ifndef AMITY_VERSION
#define AMITY_VERSION "0.0.0"
#endif

namespace amity::cli {
namespace {

namespace fs = std::filesystem;
using domain::Json;

struct Globals {
  std::string data_dir = "amity-data";
  std::string db;       // overrides data_dir/amity.db
  std::string replica;  // a PostgreSQL streaming replica for reads
};

struct Opened {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::Records> records;
};

int Report(const Error& e) {
  std::fprintf(stderr, "amity: %s\n", e.message.c_str());
  for (size_t i = 1; i < e.fields.size(); ++i) {
    std::fprintf(stderr, "  %s: %s\n", e.fields[i].field.c_str(), e.fields[i].reason.c_str());
  }
  return e.code == ErrorCode::kInvalidArgument || e.code == ErrorCode::kAlreadyExists ||
                 e.code == ErrorCode::kFailedPrecondition || e.code == ErrorCode::kNotFound
             ? kExitInput
             : kExitEnvironment;
}

// Opens (creating when needed) the data directory's database with reference data loaded.
Result<Opened> Open(const Globals& g) {
  std::string url = g.db;
  if (url.empty()) {
    std::error_code ec;
    fs::create_directories(g.data_dir, ec);
    if (ec) return Fail(ErrorCode::kUnavailable, "cannot create data directory " + g.data_dir + ": " + ec.message());
    url = (fs::path(g.data_dir) / "amity.db").string();
  }
  Opened o;
  ASSIGN_OR_RETURN(o.store, store::OpenStore(url, g.replica));
  o.records = std::make_unique<store::Records>(*o.store, io::SharedReferenceData(), SystemClock::Get());
  RETURN_IF_ERROR(o.records->LoadReferenceData());
  return o;
}

void PrintProblems(const std::vector<store::ImportProblem>& problems, const std::string& file) {
  for (const store::ImportProblem& p : problems) {
    std::fprintf(stderr, "%s:%lld: %s%s%s\n", p.source.empty() ? file.c_str() : p.source.c_str(),
                 static_cast<long long>(p.line),
                 p.field.c_str(), p.field.empty() ? "" : ": ", p.reason.c_str());
  }
}

struct ImportOptions {
  std::string type, file, format;
  std::vector<std::string> maps, sets, ignores;
  bool dry_run = false;
  std::string unknown_country = "reject";
};

int RunImport(const Globals& g, const ImportOptions& o) {
  const domain::EntityType* type = domain::Registry::Get().ByNameOrPlural(o.type);
  if (!type) {
    std::fprintf(stderr, "amity: unknown type \"%s\"\n", o.type.c_str());
    return kExitUsage;
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "amity: cannot read %s\n", o.file.c_str());
    return kExitEnvironment;
  }
  std::string format = o.format;
  if (format.empty()) format = o.file.ends_with(".jsonl") || o.file.ends_with(".json") ? "jsonl" : "csv";
  io::CsvMapping mapping;
  for (const std::string& m : o.maps) {
    const size_t eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
      std::fprintf(stderr, "amity: --map takes COLUMN=FIELD, got \"%s\"\n", m.c_str());
      return kExitUsage;
    }
    mapping.columns[m.substr(0, eq)] = m.substr(eq + 1);
  }
  for (const std::string& s : o.sets) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "amity: --set takes FIELD=VALUE, got \"%s\"\n", s.c_str());
      return kExitUsage;
    }
    Json v = Json::parse(s.substr(eq + 1), nullptr, false);
    mapping.constants[s.substr(0, eq)] = v.is_discarded() ? Json(s.substr(eq + 1)) : v;
  }
  for (const std::string& i : o.ignores) mapping.ignore.insert(i);
  mapping.unknown_country_to_notes = o.unknown_country == "notes";
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  auto custom = opened->records->Custom();
  if (!custom) return Report(custom.error());
  mapping.custom = &(*custom)->Of(type->name);
  std::unique_ptr<store::RowSource> source;
  io::CsvSource* csv = nullptr;
  if (format == "csv") {
    auto c = std::make_unique<io::CsvSource>(in, *type, mapping, opened->records->reference());
    csv = c.get();
    source = std::move(c);
  } else {
    source = std::make_unique<io::JsonLinesSource>(in);
  }
  const bool tty = isatty(STDERR_FILENO);
  auto progress = [&](int64_t done) {
    if (tty) std::fprintf(stderr, "\r%s %lld rows", o.dry_run ? "checked" : "imported", static_cast<long long>(done));
  };
  auto report = opened->records->Import(*type, *source, o.dry_run, store::Actor{"cli"}, progress);
  if (tty) std::fprintf(stderr, "\n");
  if (!report) return Report(report.error());
  std::vector<store::ImportProblem> problems = report->problems;
  std::stable_sort(problems.begin(), problems.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  if (!problems.empty()) {
    PrintProblems(problems, o.file);
    std::fprintf(stderr, "amity: %zu problem(s) in %s; nothing was imported\n", problems.size(), o.file.c_str());
    return kExitInput;
  }
  const int64_t total = report->rows;
  if (csv && csv->notes_added() > 0) {
    std::fprintf(stderr, "amity: %lld row(s) name no ISO 3166 country; their country is kept in notes\n",
                 static_cast<long long>(csv->notes_added()));
  }
  if (o.dry_run) {
    std::printf("dry run: %lld %s would be imported; nothing was written\n",
                static_cast<long long>(total), type->plural.c_str());
  } else {
    std::printf("imported %lld %s\n", static_cast<long long>(report->created), type->plural.c_str());
  }
  return kExitOk;
}

int RunExport(const Globals& g, const std::string& type_name, const io::ExportOptions& options,
              const std::string& output) {
  const domain::EntityType* type = domain::Registry::Get().ByNameOrPlural(type_name);
  if (!type) {
    std::fprintf(stderr, "amity: unknown type \"%s\"\n", type_name.c_str());
    return kExitUsage;
  }
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  std::ofstream file;
  if (!output.empty() && output != "-") {
    file.open(output, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "amity: cannot write %s\n", output.c_str());
      return kExitEnvironment;
    }
  }
  std::ostream& out = file.is_open() ? file : std::cout;
  auto n = io::ExportRecords(*opened->records, *type, options, out);
  if (!n) return Report(n.error());
  out.flush();
  if (!out) {
    std::fprintf(stderr, "amity: writing the export failed\n");
    return kExitEnvironment;
  }
  if (file.is_open()) std::fprintf(stderr, "exported %lld %s\n", static_cast<long long>(*n), type->plural.c_str());
  return kExitOk;
}

io::FileStore FilesOf(const Globals& g) { return io::FileStore((fs::path(g.data_dir) / "files").string()); }

int RunDump(const Globals& g, const std::string& dir) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  auto manifest = io::WriteDump(*opened->records, FilesOf(g), dir);
  if (!manifest) return Report(manifest.error());
  int64_t records = 0;
  for (const Json& t : (*manifest)["types"]) records += t["records"].get<int64_t>();
  auto entries = [&](const char* part) { return static_cast<long long>((*manifest)[part]["entries"].get<int64_t>()); };
  std::printf("dumped %lld records, %lld history entries, %lld users, %lld API tokens, %lld audit entries and %zu "
              "files to %s\n",
              static_cast<long long>(records), entries("history"), entries("users"), entries("tokens"), entries("audit"),
              (*manifest)["files"].size(), dir.c_str());
  return kExitOk;
}

// What a restore or a move loaded: records, history entries, users, API tokens, audit entries.
std::string LoadSummary(const store::LoadReport& report) {
  int64_t records = 0;
  for (const auto& [name, n] : report.counts) {
    if (name != "history" && name != "users" && name != "grants" && name != "tokens" && name != "audit") records += n;
  }
  auto count = [&](const char* name) {
    auto it = report.counts.find(name);
    return it == report.counts.end() ? 0 : it->second;
  };
  return std::to_string(records) + " records, " + std::to_string(count("history")) + " history entries, " +
         std::to_string(count("users")) + " users, " + std::to_string(count("tokens")) + " API tokens and " +
         std::to_string(count("audit")) + " audit entries";
}

int RunRestore(const Globals& g, const std::string& dir) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  auto report = io::RestoreDump(*opened->records, FilesOf(g), dir);
  if (!report) return Report(report.error());
  if (!report->problems.empty()) {
    PrintProblems(report->problems, dir);
    std::fprintf(stderr, "amity: %zu problem(s) in %s; nothing was restored\n", report->problems.size(), dir.c_str());
    return kExitInput;
  }
  std::printf("restored %s from %s\n", LoadSummary(*report).c_str(), dir.c_str());
  return kExitOk;
}

struct MigrateOptions {
  std::string from, to, from_files, to_files, work;
};

// Opens a database URL (any engine) with reference data loaded.
Result<Opened> OpenUrl(const std::string& url) {
  Opened o;
  ASSIGN_OR_RETURN(o.store, store::OpenStore(url));
  o.records = std::make_unique<store::Records>(*o.store, io::SharedReferenceData(), SystemClock::Get());
  RETURN_IF_ERROR(o.records->LoadReferenceData());
  return o;
}

int RunMigrate(const Globals& g, const MigrateOptions& o) {
  auto from = OpenUrl(o.from);
  if (!from) return Report(from.error());
  auto to = OpenUrl(o.to);
  if (!to) return Report(to.error());
  const std::string files = (fs::path(g.data_dir) / "files").string();
  const std::string work = o.work.empty() ? (fs::temp_directory_path() / ("amity-migrate-" + std::to_string(getpid()))).string()
                                          : o.work;
  auto report = io::MigrateDatabase(*from->records, io::FileStore(o.from_files.empty() ? files : o.from_files),
                                    *to->records, io::FileStore(o.to_files.empty() ? files : o.to_files), work);
  if (o.work.empty()) {  // a temporary directory is not left behind, even when the move failed
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  if (!report) return Report(report.error());
  if (!report->problems.empty()) {
    PrintProblems(report->problems, work);
    std::fprintf(stderr, "amity: %zu problem(s); nothing was moved\n", report->problems.size());
    return kExitInput;
  }
  std::printf("moved %s; counts and checksums match\n", LoadSummary(*report).c_str());
  return kExitOk;
}

int RunDemo(const Globals& g) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  const domain::Registry& reg = domain::Registry::Get();
  auto existing = opened->records->List(*reg.ByName("unit"), [] {
    domain::Query q;
    q.limit = 1;
    return q;
  }());
  if (!existing) return Report(existing.error());
  if (!existing->items.empty()) {
    std::printf("the database already has units; demo data not loaded\n");
    return kExitOk;
  }
  auto files = io::LoadDemo(*opened->records, store::Actor{"demo"});
  if (!files) return Report(files.error());
  for (const io::DemoFile& f : *files) {
    if (!f.report.problems.empty()) {
      PrintProblems(f.report.problems, f.file);
      return kExitInput;
    }
    std::printf("loaded %lld demo %s\n", static_cast<long long>(f.report.created), f.type->plural.c_str());
  }
  return kExitOk;
}

struct FieldOptions {
  std::string entity, name, type, label_en, label_vi, description;
  std::vector<std::string> values;  // VALUE or VALUE=English label|Vietnamese label
};

const domain::EntityType& CustomFieldType() { return *domain::Registry::Get().ByName("custom_field"); }

// The live custom_field records of `entity` (every entity when empty), oldest first.
Result<std::vector<Json>> ListFields(store::Records& records, const std::string& entity) {
  domain::Query q;
  q.limit = 500;
  if (!entity.empty()) {
    q.conditions.push_back({CustomFieldType().Find("entity"), "", domain::Op::kEq, {Json(entity)}});
  }
  std::vector<Json> out;
  while (true) {
    ASSIGN_OR_RETURN(store::Page page, records.List(CustomFieldType(), q));
    for (Json& r : page.items) out.push_back(std::move(r));
    if (page.next_cursor.empty()) return out;
    q.after = domain::Cursor{Json(), out.back()["id"].get<int64_t>()};
  }
}

// `amity field add|list|remove`: custom fields, as POST/GET/DELETE /api/v1/custom-fields do.
int RunField(const Globals& g, const std::string& action, const FieldOptions& o) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  store::Records& records = *opened->records;
  const store::Actor actor{"cli"};
  // The entity as the user may write it ("organisations"), as custom_field records name it.
  std::string entity = o.entity;
  if (const domain::EntityType* t = domain::Registry::Get().ByNameOrPlural(entity)) {
    entity = t->name;
  } else if (!entity.empty() && action != "add") {  // an add explains which types may have fields
    std::fprintf(stderr, "amity: unknown type \"%s\"\n", entity.c_str());
    return kExitUsage;
  }
  if (action == "add") {
    Json input = {{"entity", entity}, {"name", o.name}, {"type", o.type}};
    Json label = Json::object();
    if (!o.label_en.empty()) label["en"] = o.label_en;
    if (!o.label_vi.empty()) label["vi"] = o.label_vi;
    input["label"] = label.empty() ? Json{{"en", o.name}} : label;
    if (!o.description.empty()) input["description"] = o.description;
    if (!o.values.empty()) {
      Json values = Json::array();
      for (const std::string& v : o.values) {
        const size_t eq = v.find('=');
        Json item = {{"value", v.substr(0, eq)}};
        if (eq != std::string::npos) {
          const std::string labels = v.substr(eq + 1);
          const size_t bar = labels.find('|');
          Json l = {{"en", labels.substr(0, bar)}};
          if (bar != std::string::npos) l["vi"] = labels.substr(bar + 1);
          item["label"] = l;
        }
        values.push_back(item);
      }
      input["values"] = values;
    }
    auto created = records.Create(CustomFieldType(), input, actor);
    if (!created) return Report(created.error());
    std::printf("added custom field %s to %s (id %lld)\n", o.name.c_str(), entity.c_str(),
                static_cast<long long>((*created)["id"].get<int64_t>()));
    return kExitOk;
  }
  auto fields = ListFields(records, entity);
  if (!fields) return Report(fields.error());
  if (action == "list") {
    for (const Json& f : *fields) {
      const domain::Field field = domain::CustomFieldOf(f);
      std::string values;
      for (const domain::EnumValue& v : field.values) values += (values.empty() ? " [" : ", ") + v.value;
      if (!values.empty()) values += "]";
      std::printf("%s\t%s\t%s\t%s%s\n", f["entity"].get<std::string>().c_str(), field.name.c_str(),
                  domain::FieldTypeName(field.type), field.label.en.c_str(), values.c_str());
    }
    return kExitOk;
  }
  for (const Json& f : *fields) {
    if (f["name"] != o.name) continue;
    auto removed = records.Delete(CustomFieldType(), f["id"].get<int64_t>(), std::nullopt, actor);
    if (!removed) return Report(removed.error());
    std::printf("removed custom field %s from %s; its values are kept in each record's history\n",
                o.name.c_str(), entity.c_str());
    return kExitOk;
  }
  std::fprintf(stderr, "amity: %s has no custom field \"%s\"\n", entity.c_str(), o.name.c_str());
  return kExitInput;
}

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  int workers = 4;
  int io_threads = 1;
  std::string access_log = "-";
  size_t max_body = 1 << 20;
  size_t max_upload = 64 << 20;
  std::string tls_cert, tls_key;
  bool behind_tls_proxy = false;
  int64_t session_idle_minutes = 60;
  int64_t session_hours = 12;
};

// --- Users, tokens and the audit log -------------------------------------------------------

struct AccessOptions {
  std::string name, role, unit, label;
  bool clearance = false, password_stdin = false, read_only = false;
  int64_t expires_days = 0;
  int64_t token_id = 0;
};

// A unit named by its id or its code; empty is the root.
Result<std::optional<int64_t>> UnitNamed(store::Store& store, const std::string& unit) {
  if (unit.empty()) return std::optional<int64_t>();
  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   store.Rows("SELECT id FROM unit WHERE (code = ? OR CAST(id AS TEXT) = ?) AND deleted_at IS NULL",
                              {unit, unit}));
  if (rows.empty()) return Invalid("--unit", "no unit with the id or code \"" + unit + "\"");
  return std::optional<int64_t>(rows[0][0].get<int64_t>());
}

// The password from stdin (one line), or a new random one, printed once.
std::string PasswordFor(bool from_stdin, bool* generated) {
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    *generated = false;
    return line;
  }
  *generated = true;
  return store::RandomSecret(12);
}

int RunUser(const Globals& g, const std::string& command, const AccessOptions& o) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  store::Accounts accounts(*opened->store, SystemClock::Get());
  const store::Actor actor{"cli"};
  if (command == "list") {
    auto users = accounts.ListUsers();
    if (!users) return Report(users.error());
    for (const Json& u : *users) std::printf("%s\n", u.dump().c_str());
    return kExitOk;
  }
  if (command == "disable" || command == "enable") {
    if (auto st = accounts.SetDisabled(o.name, command == "disable", actor); !st) return Report(st.error());
    std::printf("user %s %sd\n", o.name.c_str(), command.c_str());
    return kExitOk;
  }
  bool generated = false;
  if (command == "passwd") {
    const std::string password = PasswordFor(o.password_stdin, &generated);
    if (auto st = accounts.SetPassword(o.name, password, actor); !st) return Report(st.error());
    std::printf("password of %s changed%s%s\n", o.name.c_str(), generated ? "; the new password (shown once): " : "",
                generated ? password.c_str() : "");
    return kExitOk;
  }
  store::Grant grant;
  auto role = store::ParseRole(o.role);
  if (!role) return Report(role.error());
  grant.role = *role;
  grant.clearance = o.clearance;
  auto unit = UnitNamed(*opened->store, o.unit);
  if (!unit) return Report(unit.error());
  grant.unit = *unit;
  const std::string where = o.unit.empty() ? "the root unit" : "unit " + o.unit;
  if (command == "add") {
    const std::string password = PasswordFor(o.password_stdin, &generated);
    if (auto st = accounts.AddUser(o.name, password, grant, actor); !st) return Report(st.error());
    std::printf("user %s added: %s on %s%s\n", o.name.c_str(), o.role.c_str(), where.c_str(),
                o.clearance ? ", cleared for restricted records" : "");
    if (generated) std::printf("password (shown once): %s\n", password.c_str());
    return kExitOk;
  }
  auto st = command == "grant" ? accounts.AddGrant(o.name, grant, actor) : accounts.RemoveGrant(o.name, grant, actor);
  if (!st) return Report(st.error());
  std::printf("user %s: %s %s on %s\n", o.name.c_str(), command == "grant" ? "granted" : "revoked", o.role.c_str(),
              where.c_str());
  return kExitOk;
}

int RunToken(const Globals& g, const std::string& command, const AccessOptions& o) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  store::Accounts accounts(*opened->store, SystemClock::Get());
  const store::Actor actor{"cli"};
  if (command == "create") {
    auto token = accounts.CreateToken(o.name, o.read_only,
                                      o.expires_days > 0 ? std::optional<int64_t>(o.expires_days) : std::nullopt,
                                      o.label, actor);
    if (!token) return Report(token.error());
    std::fprintf(stderr, "token %lld for %s%s%s (shown once; use it as Authorization: Bearer …):\n",
                 static_cast<long long>(token->id), o.name.c_str(), o.read_only ? ", read-only" : "",
                 token->expires_at.empty() ? "" : (", expires " + token->expires_at).c_str());
    std::printf("%s\n", token->secret.c_str());
    return kExitOk;
  }
  if (command == "list") {
    auto tokens = accounts.ListTokens(o.name);
    if (!tokens) return Report(tokens.error());
    for (const Json& t : *tokens) std::printf("%s\n", t.dump().c_str());
    return kExitOk;
  }
  if (auto st = accounts.Revoke(o.token_id, "", actor); !st) return Report(st.error());
  std::printf("token %lld revoked\n", static_cast<long long>(o.token_id));
  return kExitOk;
}

int RunAudit(const Globals& g, const std::string& command, int64_t after) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  if (command == "list") {
    store::AuditFilter f;
    f.after = after;
    f.limit = 10000;
    for (;;) {
      auto entries = store::ListAudit(*opened->store, f);
      if (!entries) return Report(entries.error());
      for (const store::AuditEntry& e : *entries) std::printf("%s\n", store::AuditJson(e).dump().c_str());
      if (static_cast<int>(entries->size()) < f.limit) break;
      f.after = entries->back().seq;
    }
    return kExitOk;
  }
  auto check = store::VerifyAudit(*opened->store);
  if (!check) return Report(check.error());
  if (!check->problems.empty()) {
    std::fprintf(stderr, "amity: the audit log was tampered with:\n");
    for (const std::string& p : check->problems) std::fprintf(stderr, "  %s\n", p.c_str());
    return kExitInput;
  }
  std::printf("audit log intact: %lld entries; last hash %s\n", static_cast<long long>(check->entries),
              check->head.empty() ? "(none)" : check->head.c_str());
  return kExitOk;
}

// `amity search find QUERY`: the hits as JSON lines, as the system sees them (every record);
// `amity search rebuild`: the index built again from the records.
int RunSearch(const Globals& g, const std::string& command, const std::string& text, const std::string& types,
              int limit) {
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  if (command == "rebuild") {
    const auto start = std::chrono::steady_clock::now();
    auto count = store::RebuildSearch(*opened->store);
    if (!count) return Report(count.error());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("indexed %lld records in %.1f s\n", static_cast<long long>(*count), seconds);
    return kExitOk;
  }
  domain::Params params = {{"q", text}, {"limit", std::to_string(limit)}};
  if (!types.empty()) params.emplace_back("types", types);
  auto q = domain::ParseSearch(params);
  if (!q) return Report(q.error());
  auto hits = store::Search(*opened->store, *q);
  if (!hits) return Report(hits.error());
  for (const store::SearchHit& h : *hits) std::printf("%s\n", store::SearchHitJson(h).dump().c_str());
  return kExitOk;
}

// `amity person export|erase ID`: a person's data on request, as GET …/persons/{id}/export and
// POST …/persons/{id}/erase do, acting as "cli" (no role checks: whoever runs the command holds
// the database).
int RunPerson(const Globals& g, const std::string& command, int64_t id, bool yes) {
  if (command == "erase" && !yes) {
    std::fprintf(stderr, "amity: erasing person %lld cannot be undone; add --yes to erase it\n",
                 static_cast<long long>(id));
    return kExitUsage;
  }
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  const store::Actor actor{"cli"};
  if (command == "export") {
    auto exported = opened->records->ExportPerson(id, actor);
    if (!exported) return Report(exported.error());
    std::printf("%s\n", exported->dump(2, ' ', false, Json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  auto erased = opened->records->ErasePerson(id, std::nullopt, actor);
  if (!erased) return Report(erased.error());
  std::printf("person %lld erased: now \"%s\" (version %lld); their history keeps no personal values\n",
              static_cast<long long>(id), (*erased)["name"].get<std::string>().c_str(),
              static_cast<long long>((*erased)["version"].get<int64_t>()));
  return kExitOk;
}

// The first start of a server on a database without users creates an admin of the root unit
// and prints its password, once.
Status FirstAdmin(store::Store& store) {
  store::Accounts accounts(store, SystemClock::Get());
  ASSIGN_OR_RETURN(bool any, accounts.AnyUser());
  if (any) return {};
  const std::string password = store::RandomSecret(12);
  Status added = accounts.AddUser("admin", password, store::Grant{std::nullopt, store::Role::kAdmin, true},
                                  store::Actor{"system"});
  // Another process starting at the same moment made it first.
  if (!added && added.error().code == ErrorCode::kAlreadyExists) return {};
  RETURN_IF_ERROR(added);
  std::printf("First start: created the user \"admin\" (admin of the root unit) with the password\n\n    %s\n\n"
              "It is shown only this once. Change it with: amity user passwd admin\n",
              password.c_str());
  return {};
}

int RunServe(const Globals& g, const ServeOptions& o) {
  const size_t colon = o.listen.rfind(':');
  http::ServerOptions so;
  int port = -1;
  if (colon != std::string::npos) {
    so.address = o.listen.substr(0, colon);
    if (so.address.starts_with('[') && so.address.ends_with(']')) so.address = so.address.substr(1, so.address.size() - 2);
    try {
      port = std::stoi(o.listen.substr(colon + 1));
    } catch (...) {
      port = -1;
    }
  }
  if (port < 0 || port > 65535 || so.address.empty()) {
    std::fprintf(stderr, "amity: --listen takes ADDRESS:PORT, like 127.0.0.1:8080, got \"%s\"\n", o.listen.c_str());
    return kExitUsage;
  }
  so.port = static_cast<uint16_t>(port);
  so.workers = o.workers;
  so.io_threads = o.io_threads;
  so.max_body_bytes = o.max_body;
  so.max_upload_bytes = o.max_upload;
  so.is_upload = http::Api::IsUpload;
  so.tls_cert_file = o.tls_cert;
  so.tls_key_file = o.tls_key;
  so.behind_tls_proxy = o.behind_tls_proxy;
  auto opened = Open(g);
  if (!opened) return Report(opened.error());
  if (auto st = FirstAdmin(*opened->store); !st) return Report(st.error());
  store::SessionPolicy sessions;
  sessions.idle_seconds = o.session_idle_minutes * 60;
  sessions.absolute_seconds = o.session_hours * 3600;
  http::Api api(*opened->records, http::ApiOptions{AMITY_VERSION, (fs::path(g.data_dir) / "files").string(), sessions});
  std::shared_ptr<spdlog::logger> access;
  if (o.access_log != "off") {
    // Synchronous, buffered, flushed every second and at exit: an asynchronous logger would wake
    // its thread for every request, which cost more than the write.
    try {
      access = o.access_log == "-"
                   ? spdlog::stdout_logger_mt("access")
                   : spdlog::basic_logger_mt("access", o.access_log);
    } catch (const spdlog::spdlog_ex& e) {
      std::fprintf(stderr, "amity: cannot open access log %s: %s\n", o.access_log.c_str(), e.what());
      return kExitEnvironment;
    }
    access->set_pattern("%v");
    spdlog::flush_every(std::chrono::seconds(1));
  }
  http::AccessLog log;
  if (access) {
    // One JSON object per line, written directly (it runs for every request).
    log = [access](const http::AccessRecord& r) {
      std::string line = "{\"ts\":\"" + SystemClock::Get().NowRfc3339() + "\",\"id\":\"" +
                         r.request->request_id + "\",\"remote\":";
      AppendJsonString(&line, r.request->remote);
      line.append(",\"method\":");
      AppendJsonString(&line, IsValidUtf8(r.request->method) ? r.request->method : "?");
      line.append(",\"target\":");
      AppendJsonString(&line, IsValidUtf8(r.request->target) ? r.request->target : "(not UTF-8)");
      line.append(fmt::format(",\"status\":{},\"bytes\":{},\"us\":{}}}", r.status, r.bytes, r.micros));
      access->info(line);
    };
  }
  http::Server server(so, [&api](const http::Request& r) { return api.Handle(r); }, log,
                      [&api](const http::Request& r) { return api.IsQuick(r); });
  auto bound = server.Listen();
  if (!bound) {
    // A certificate or key that will not do is named by its flag.
    const std::vector<FieldViolation>& f = bound.error().fields;
    if (f.size() == 1 && (f[0].field == "tls_cert_file" || f[0].field == "tls_key_file")) {
      std::fprintf(stderr, "amity: %s %s\n", f[0].field == "tls_cert_file" ? "--tls-cert" : "--tls-key",
                   f[0].reason.c_str());
      return kExitEnvironment;
    }
    return Report(bound.error());
  }
  const std::string host = so.address.find(':') != std::string::npos ? "[" + so.address + "]" : so.address;
  std::printf("Amity %s is serving on %s://%s:%u/\n", AMITY_VERSION, o.tls_cert.empty() ? "http" : "https",
              host.c_str(), *bound);
  std::fflush(stdout);
  server.Run(true);
  if (access) access->flush();
  spdlog::shutdown();
  std::printf("Amity stopped\n");
  return kExitOk;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"Amity: external-relations management"};
  app.require_subcommand(1);
  Globals g;
  app.add_option("--data", g.data_dir, "data directory holding the SQLite database")->capture_default_str();
  app.add_option("--db", g.db, "database: a SQLite file, or postgresql://user@host:port/database (overrides --data)");
  app.add_option("--db-replica", g.replica, "a PostgreSQL streaming replica to read from: postgresql://…");

  auto* init = app.add_subcommand("init", "create the data directory and database with reference data");
  auto* version = app.add_subcommand("version", "print the version");
  auto* openapi = app.add_subcommand("openapi", "print the OpenAPI document the server serves (with "
                                                "--data or --db, with that database's custom fields)");

  ServeOptions serve_opts;
  auto* serve = app.add_subcommand("serve", "serve the API and web UI");
  serve->add_option("--listen", serve_opts.listen, "ADDRESS:PORT")->capture_default_str();
  serve->add_option("--workers", serve_opts.workers, "handler threads")->check(CLI::Range(1, 256))->capture_default_str();
  serve->add_option("--io-threads", serve_opts.io_threads, "network threads")->check(CLI::Range(1, 64))->capture_default_str();
  serve->add_option("--access-log", serve_opts.access_log, "file, - for standard output, or off")->capture_default_str();
  serve->add_option("--max-body", serve_opts.max_body, "largest request body in bytes")->check(CLI::Range(1024, 1 << 30))->capture_default_str();
  serve->add_option("--session-idle", serve_opts.session_idle_minutes, "minutes unused after which a session ends")
      ->check(CLI::Range(1, 7 * 24 * 60))->capture_default_str();
  serve->add_option("--session-max", serve_opts.session_hours, "hours after login after which every session ends")
      ->check(CLI::Range(1, 30 * 24))->capture_default_str();
  serve->add_option("--max-upload", serve_opts.max_upload, "largest uploaded file in bytes (PUT /api/v1/documents/{id}/file)")->check(CLI::Range(1024, 1 << 30))->capture_default_str();
  auto* tls_cert = serve->add_option("--tls-cert", serve_opts.tls_cert, "serve HTTPS: PEM file of the certificate chain");
  auto* tls_key = serve->add_option("--tls-key", serve_opts.tls_key, "PEM file of the certificate's private key (unencrypted)");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);
  serve->add_flag("--behind-tls-proxy", serve_opts.behind_tls_proxy,
                  "every request came over HTTPS: only behind a proxy that terminates TLS and is the only way in");

  auto* demo = app.add_subcommand("demo", "load the demo data: every entity type, drawn from the sources");

  ImportOptions import_opts;
  auto* import = app.add_subcommand("import", "import records from CSV or JSON lines, all or nothing");
  import->add_option("type", import_opts.type, "entity type, e.g. organisations")->required();
  import->add_option("file", import_opts.file, "input file")->required();
  import->add_option("--format", import_opts.format, "csv, or json (JSON lines) (default: from the file name)")
      ->check(CLI::IsMember({"csv", "json", "jsonl"}));
  import->add_option("--map", import_opts.maps, "COLUMN=FIELD (FIELD may be names.LANG or identifiers.SCHEME)");
  import->add_option("--set", import_opts.sets, "FIELD=VALUE for every row");
  import->add_option("--ignore", import_opts.ignores, "columns to skip")->delimiter(',');
  import->add_flag("--dry-run", import_opts.dry_run, "check every row, write nothing");
  import->add_option("--unknown-country", import_opts.unknown_country,
                     "a country code outside ISO 3166: reject the row, or keep it in notes")
      ->check(CLI::IsMember({"reject", "notes"}))->capture_default_str();

  std::string export_type, export_output;
  io::ExportOptions export_opts;
  auto* exp = app.add_subcommand("export", "export every live record of a type");
  exp->add_option("type", export_type, "entity type")->required();
  exp->add_option("--format", export_opts.format, "csv, or json (JSON lines, also called jsonl)")
      ->check(CLI::IsMember({"csv", "json", "jsonl"}))->capture_default_str();
  exp->add_option("--refs", export_opts.refs,
                  "write references as ids, or as the targets' uuids (which an import into another "
                  "database resolves)")
      ->check(CLI::IsMember({"id", "uuid"}))->capture_default_str();
  exp->add_option("--output,-o", export_output, "file (default: standard output)");

  std::string dump_dir, restore_dir;
  auto* dump = app.add_subcommand("dump", "write the whole database (trash, history and files too) to a new directory");
  dump->add_option("dir", dump_dir, "directory to create (or an empty one)")->required();
  auto* restore = app.add_subcommand("restore", "load a dump into a new database (reference data only), all or nothing");
  restore->add_option("dir", restore_dir, "a directory written by amity dump")->required();

  FieldOptions field_opts;
  auto* field = app.add_subcommand("field", "custom fields: add one to a type, list them, remove one");
  field->require_subcommand(1);
  auto* field_add = field->add_subcommand("add", "add a typed field to every record of a type");
  field_add->add_option("entity", field_opts.entity, "entity type, e.g. organisations")->required();
  field_add->add_option("name", field_opts.name, "the key in each record's custom object, e.g. tet_greeting")->required();
  field_add->add_option("--type", field_opts.type, "text, integer, decimal, date, boolean, enum, country, email or url")->required();
  field_add->add_option("--label-en", field_opts.label_en, "English label (default: the name)");
  field_add->add_option("--label-vi", field_opts.label_vi, "Vietnamese label");
  field_add->add_option("--description", field_opts.description, "what the field records");
  field_add->add_option("--value", field_opts.values, "for enum: VALUE or VALUE=English label|Vietnamese label (repeat)");
  auto* field_list = field->add_subcommand("list", "list the custom fields in force (of one type, or all)");
  field_list->add_option("entity", field_opts.entity, "entity type");
  auto* field_remove = field->add_subcommand("remove", "remove a custom field; each record's value is kept in its history");
  field_remove->add_option("entity", field_opts.entity, "entity type")->required();
  field_remove->add_option("name", field_opts.name, "field name")->required();

  MigrateOptions migrate_opts;
  auto* migrate = app.add_subcommand(
      "migrate", "move a whole deployment into a new, empty database of any engine (records, trash, "
                 "history, files, users, API tokens, audit log), then check that counts and checksums match");
  migrate->add_option("--from", migrate_opts.from, "database to read: sqlite:PATH or postgresql://…")->required();
  migrate->add_option("--to", migrate_opts.to, "empty database to fill: sqlite:PATH or postgresql://…")->required();
  migrate->add_option("--from-files", migrate_opts.from_files, "uploaded files of the source (default: DATA/files)");
  migrate->add_option("--to-files", migrate_opts.to_files, "where the target keeps its files (default: DATA/files)");
  migrate->add_option("--work", migrate_opts.work, "a new directory for the intermediate dumps (default: a temporary one)");

  AccessOptions access;
  auto* user = app.add_subcommand("user", "users and their roles: add, passwd, disable, enable, grant, revoke, list");
  user->require_subcommand(1);
  auto role_options = [&](CLI::App* c, bool with_clearance) {
    c->add_option("--role", access.role, "admin, editor, viewer or auditor")->required();
    c->add_option("--unit", access.unit, "the unit (id or code) the role covers, with its descendants; default: the root");
    if (with_clearance) c->add_flag("--clearance", access.clearance, "may also see restricted records of those units");
  };
  auto* user_add = user->add_subcommand("add", "add a user with a role (a new password is printed unless --password-stdin)");
  user_add->add_option("name", access.name, "user name")->required();
  role_options(user_add, true);
  user_add->add_flag("--password-stdin", access.password_stdin, "read the password from the first line of stdin");
  auto* user_passwd = user->add_subcommand("passwd", "set a user's password (ends the user's sessions)");
  user_passwd->add_option("name", access.name, "user name")->required();
  user_passwd->add_flag("--password-stdin", access.password_stdin, "read the password from the first line of stdin");
  auto* user_disable = user->add_subcommand("disable", "stop a user from logging in or using tokens");
  user_disable->add_option("name", access.name, "user name")->required();
  auto* user_enable = user->add_subcommand("enable", "let a disabled user in again");
  user_enable->add_option("name", access.name, "user name")->required();
  auto* user_grant = user->add_subcommand("grant", "grant a user a role on a unit");
  user_grant->add_option("name", access.name, "user name")->required();
  role_options(user_grant, true);
  auto* user_revoke = user->add_subcommand("revoke", "take a role on a unit from a user");
  user_revoke->add_option("name", access.name, "user name")->required();
  role_options(user_revoke, false);
  auto* user_list = user->add_subcommand("list", "list users and their roles (JSON lines)");

  auto* token = app.add_subcommand("token", "API tokens for scripts: create, list, revoke");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "create a token (printed once) acting as a user");
  token_create->add_option("--user", access.name, "the user the token acts as")->required();
  token_create->add_flag("--read-only", access.read_only, "the token may only read");
  token_create->add_option("--expires", access.expires_days, "days until it expires (default: never)")->check(CLI::Range(1, 3650));
  token_create->add_option("--label", access.label, "what the token is for");
  auto* token_list = token->add_subcommand("list", "list tokens (never their secrets), JSON lines");
  token_list->add_option("--user", access.name, "one user's tokens only");
  auto* token_revoke = token->add_subcommand("revoke", "revoke a token by its id");
  token_revoke->add_option("id", access.token_id, "the token's id")->required();

  int64_t audit_after = 0;
  auto* audit = app.add_subcommand("audit", "the audit log: verify its hash chain, or list it");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "check that no entry was changed, removed or reordered");
  auto* audit_list = audit->add_subcommand("list", "print the entries as JSON lines");
  audit_list->add_option("--after", audit_after, "entries after this sequence number");

  std::string search_text, search_types;
  int search_limit = 10;
  auto* search = app.add_subcommand("search", "search every record (as GET /api/v1/search), or rebuild the index");
  search->require_subcommand(1);
  auto* search_find = search->add_subcommand("find", "print the hits for a query as JSON lines, best first");
  search_find->add_option("query", search_text, "what to look for")->required();
  search_find->add_option("--types", search_types, "entity types, comma-separated (default: all)");
  search_find->add_option("--limit", search_limit, "at most this many hits (1 to 50; default 10)");
  auto* search_rebuild = search->add_subcommand("rebuild", "build the search index again from the records");

  int64_t person_id = 0;
  bool person_yes = false;
  auto* person = app.add_subcommand("person", "a person's data on request: export it all, or erase it");
  person->require_subcommand(1);
  auto* person_export = person->add_subcommand(
      "export", "print everything held about a person as JSON: the record, its history, the records "
                "naming them, the audit entries about them (audited)");
  person_export->add_option("id", person_id, "the person's id")->required()->check(CLI::PositiveNumber);
  auto* person_erase = person->add_subcommand(
      "erase", "anonymise a person in place and erase the values of their history (irreversible; audited)");
  person_erase->add_option("id", person_id, "the person's id")->required()->check(CLI::PositiveNumber);
  person_erase->add_flag("--yes", person_yes, "confirm: the person's data cannot be recovered afterwards");

  std::string backup_file;
  auto* backup = app.add_subcommand("backup", "copy the database consistently, even while serving");
  backup->add_option("file", backup_file, "backup file to create")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*version) {
    std::printf("amity %s\n", AMITY_VERSION);
    return kExitOk;
  }
  if (*openapi) {
    // With --data or --db, as that database's server describes it (with its custom fields).
    domain::CustomFields none;
    std::shared_ptr<const domain::CustomFields> custom;
    Result<Opened> o = Fail(ErrorCode::kNotFound, "");
    if (app.count("--data") > 0 || !g.db.empty()) {
      o = Open(g);
      if (!o) return Report(o.error());
      auto c = o->records->Custom();
      if (!c) return Report(c.error());
      custom = *c;
    }
    std::printf("%s\n", http::BuildOpenApi(domain::Registry::Get(), custom ? *custom : none, AMITY_VERSION)
                             .dump(2).c_str());
    return kExitOk;
  }
  if (*init) {
    auto o = Open(g);
    if (!o) return Report(o.error());
    auto counts = o->store->CountAll();
    if (!counts) return Report(counts.error());
    std::printf("database ready: %lld countries, %lld subdivisions\n",
                static_cast<long long>((*counts)["countries"]), static_cast<long long>((*counts)["subdivisions"]));
    return kExitOk;
  }
  if (*serve) return RunServe(g, serve_opts);
  if (*demo) return RunDemo(g);
  if (*import) return RunImport(g, import_opts);
  if (*exp) return RunExport(g, export_type, export_opts, export_output);
  if (*dump) return RunDump(g, dump_dir);
  if (*restore) return RunRestore(g, restore_dir);
  if (*migrate) return RunMigrate(g, migrate_opts);
  if (*field) {
    return RunField(g, *field_add ? "add" : *field_list ? "list" : "remove", field_opts);
  }
  if (*user) {
    const char* c = *user_add ? "add" : *user_passwd ? "passwd" : *user_disable ? "disable" : *user_enable ? "enable"
                  : *user_grant ? "grant" : *user_revoke ? "revoke" : "list";
    (void)user_list;
    return RunUser(g, c, access);
  }
  if (*token) return RunToken(g, *token_create ? "create" : *token_list ? "list" : "revoke", access);
  if (*audit) {
    (void)audit_verify;
    return RunAudit(g, *audit_list ? "list" : "verify", audit_after);
  }
  if (*search) return RunSearch(g, *search_rebuild ? "rebuild" : "find", search_text, search_types, search_limit);
  (void)search_find;
  if (*person) return RunPerson(g, *person_export ? "export" : "erase", person_id, person_yes);
  if (*backup) {
    if (fs::exists(backup_file)) {
      std::fprintf(stderr, "amity: %s exists; choose a new file\n", backup_file.c_str());
      return kExitInput;
    }
    auto o = Open(g);
    if (!o) return Report(o.error());
    if (auto st = o->store->Backup(backup_file); !st) return Report(st.error());
    std::printf("backup written to %s\n", backup_file.c_str());
    return kExitOk;
  }
  return kExitUsage;
}

}  // namespace amity::cli
