#include "store/access_dump.h"

#include <map>
#include <optional>

#include "store/accounts.h"
#include "store/audit.h"

namespace amity::store {

namespace {

using Json = nlohmann::json;

constexpr size_t kMaxProblems = 10000;
constexpr int kPage = 10000;

// The columns of a part's line, in the order its statement selects them; `flags` are stored as
// 0/1 and written as booleans.
struct PartSql {
  const char* sql;  // one page: rows with an id above ?, at most ? of them
  std::vector<const char*> columns;
  std::vector<const char*> flags;
};

const PartSql* SqlOf(const std::string& part) {
  static const PartSql users{
      "SELECT id, name, password_hash, disabled, created_at, updated_at FROM account WHERE id > ? ORDER BY id LIMIT ?",
      {"id", "name", "password_hash", "disabled", "created_at", "updated_at"},
      {"disabled"}};
  static const PartSql grants{
      "SELECT g.id, a.name, g.unit, g.role, g.clearance FROM account_grant g JOIN account a ON a.id = g.account_id "
      "WHERE g.id > ? ORDER BY g.id LIMIT ?",
      {"id", "user", "unit", "role", "clearance"},
      {"clearance"}};
  // Tokens only: a session is a browser's login, which does not outlive the database it was made in.
  static const PartSql tokens{
      "SELECT c.id, a.name, c.hash, c.label, c.read_only, c.client, c.created_at, c.seen_at, c.expires_at, "
      "c.revoked_at FROM credential c JOIN account a ON a.id = c.account_id WHERE c.kind = 'token' AND c.id > ? "
      "ORDER BY c.id LIMIT ?",
      {"id", "user", "hash", "label", "read_only", "client", "created_at", "seen_at", "expires_at", "revoked_at"},
      {"read_only"}};
  if (part == "users") return &users;
  if (part == "grants") return &grants;
  if (part == "tokens") return &tokens;
  return nullptr;
}

// The checks of one line's values; each failed check adds a problem naming the field.
class LineCheck {
 public:
  LineCheck(const Json& in, std::function<void(const std::string&, const std::string&)> problem)
      : in_(in), problem_(std::move(problem)) {}
  const Json& line() const { return in_; }
  bool ok() const { return ok_; }
  void Bad(const std::string& field, const std::string& reason) {
    problem_(field, reason);
    ok_ = false;
  }
  std::optional<int64_t> Id(const char* field) {
    const Json v = in_.value(field, Json());
    if (v.is_number_integer() && v.get<int64_t>() > 0) return v.get<int64_t>();
    Bad(field, "expected a positive integer");
    return std::nullopt;
  }
  // Text (non-empty unless `nullable`), or null when `nullable`.
  std::optional<std::string> Text(const char* field, bool nullable = false) {
    const Json v = in_.value(field, Json());
    if (v.is_string() && (nullable || !v.get<std::string>().empty())) return v.get<std::string>();
    if (nullable && v.is_null()) return std::nullopt;
    Bad(field, nullable ? "expected text or null" : "expected text");
    return std::nullopt;
  }
  bool Flag(const char* field) {
    const Json v = in_.value(field, Json());
    if (v.is_boolean()) return v.get<bool>();
    Bad(field, "expected true or false");
    return false;
  }

 private:
  const Json& in_;
  std::function<void(const std::string&, const std::string&)> problem_;
  bool ok_ = true;
};

Json TextOrNull(const std::optional<std::string>& s) { return s ? Json(*s) : Json(); }

bool IsSha256Hex(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Reads every line of `part` from `dump`, calling `each` with the line and a function that adds
// a problem about it; read problems are added with their file. Returns false when the dump has
// no such part.
Result<bool> ForEachLine(DumpSource& dump, const std::string& part, LoadReport* report,
                         const std::function<Status(const ImportRow&, LineCheck&)>& each) {
  std::string source;
  ASSIGN_OR_RETURN(std::unique_ptr<RowSource> rows, dump.Access(part, &source));
  if (!rows) return false;
  int64_t& count = report->counts[part];
  ImportRow row;
  while (report->problems.size() < kMaxProblems) {
    std::vector<ImportProblem> read_problems;
    ASSIGN_OR_RETURN(bool more, rows->Next(&row, &read_problems));
    for (ImportProblem& p : read_problems) {
      p.source = source;
      report->problems.push_back(std::move(p));
    }
    if (!more) break;
    ++count;
    LineCheck check(row.values, [&](const std::string& field, const std::string& reason) {
      report->problems.push_back({row.line, field, reason, source});
    });
    if (!row.values.is_object()) {
      check.Bad("", "expected a JSON object");
      continue;
    }
    RETURN_IF_ERROR(each(row, check));
  }
  return true;
}

std::string OnLine(int64_t line) { return " is on line " + std::to_string(line) + " already"; }

}  // namespace

const std::vector<std::string>& AccessParts() {
  static const std::vector<std::string> parts{"users", "grants", "tokens", "audit"};
  return parts;
}

Status ScanAccess(Store& store, const std::string& part, const std::function<Status(const Json&)>& fn) {
  if (part == "audit") {
    AuditFilter filter;
    filter.limit = kPage;
    for (;;) {
      ASSIGN_OR_RETURN(std::vector<AuditEntry> entries, ListAudit(store, filter));
      if (entries.empty()) return {};
      for (const AuditEntry& e : entries) RETURN_IF_ERROR(fn(AuditDumpJson(e)));
      filter.after = entries.back().seq;
    }
  }
  const PartSql* p = SqlOf(part);
  if (!p) return Fail(ErrorCode::kInternal, "no access part " + part);
  int64_t after = 0;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<Json> rows, store.Rows(p->sql, {after, kPage}));
    if (rows.empty()) return {};
    for (const Json& row : rows) {
      Json line = Json::object();
      for (size_t i = 0; i < p->columns.size(); ++i) line[p->columns[i]] = row[i];
      for (const char* flag : p->flags) line[flag] = line[flag].get<int64_t>() != 0;
      RETURN_IF_ERROR(fn(line));
    }
    after = rows.back()[0].get<int64_t>();
  }
}

Status CheckNoAccess(Transaction& tx) {
  ASSIGN_OR_RETURN(std::vector<Json> rows, tx.Rows("SELECT (SELECT count(*) FROM account), (SELECT count(*) FROM audit)", {}));
  const std::string into = "; a dump is restored into a new database (reference data only)";
  if (rows[0][0].get<int64_t>() > 0) return Fail(ErrorCode::kFailedPrecondition, "the database already has users" + into);
  if (rows[0][1].get<int64_t>() > 0) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the database already has an audit log (" + rows[0][1].dump() + " entries)" + into);
  }
  return {};
}

Status LoadAccess(Transaction& tx, DumpSource& dump, LoadReport* report) {
  auto writing = [&] { return report->problems.empty(); };
  // Users: by name (grants and tokens name them), and the line that has each id.
  std::map<std::string, std::pair<int64_t, int64_t>> users;  // name → id, line
  std::map<int64_t, int64_t> user_lines;
  ASSIGN_OR_RETURN(bool have_users, ForEachLine(dump, "users", report, [&](const ImportRow& row, LineCheck& c) -> Status {
    const std::optional<int64_t> id = c.Id("id");
    const std::optional<std::string> name = c.Text("name");
    const std::optional<std::string> hash = c.Text("password_hash", true);
    if (hash && !hash->starts_with("$argon2id$")) c.Bad("password_hash", "expected an argon2id hash ($argon2id$…) or null");
    const bool disabled = c.Flag("disabled");
    const std::optional<std::string> created = c.Text("created_at"), updated = c.Text("updated_at");
    if (id && user_lines.contains(*id)) c.Bad("id", "user id " + std::to_string(*id) + OnLine(user_lines[*id]));
    if (name && users.contains(*name)) c.Bad("name", "a user named \"" + *name + "\"" + OnLine(users[*name].second));
    if (!c.ok()) return {};
    users[*name] = {*id, row.line};
    user_lines[*id] = row.line;
    if (!writing()) return {};
    return tx.Rows("INSERT INTO account (id, name, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                   {*id, *name, TextOrNull(hash), disabled ? 1 : 0, *created, *updated})
        .map([](auto&&) {});
  }));
  // A user the line names, known from the users' part.
  auto user_of = [&](LineCheck& c) -> std::optional<int64_t> {
    const std::optional<std::string> name = c.Text("user");
    if (!name) return std::nullopt;
    auto it = users.find(*name);
    if (it != users.end()) return it->second.first;
    c.Bad("user", "no user named \"" + *name + "\" in the dump");
    return std::nullopt;
  };
  std::map<int64_t, int64_t> grant_lines;
  ASSIGN_OR_RETURN(bool have_grants, ForEachLine(dump, "grants", report, [&](const ImportRow& row, LineCheck& c) -> Status {
    const Json& in = row.values;
    const std::optional<int64_t> id = c.Id("id");
    const std::optional<int64_t> account = user_of(c);
    const Json unit = in.value("unit", Json());
    if (!unit.is_null() && !(unit.is_number_integer() && unit.get<int64_t>() > 0)) {
      c.Bad("unit", "expected a unit id or null (the root)");
    } else if (!unit.is_null() && writing()) {
      // Units are loaded by now (unless a problem stopped the writing: then this is not checked).
      ASSIGN_OR_RETURN(std::optional<Json> found, tx.Find("unit", unit.get<int64_t>(), true));
      if (!found) c.Bad("unit", "no unit " + unit.dump() + " in the dump");
    }
    const std::optional<std::string> role = c.Text("role");
    if (role) {
      if (auto parsed = ParseRole(*role); !parsed) c.Bad("role", parsed.error().fields.at(0).reason);
    }
    const bool clearance = c.Flag("clearance");
    if (id && grant_lines.contains(*id)) c.Bad("id", "grant id " + std::to_string(*id) + OnLine(grant_lines[*id]));
    if (!c.ok()) return {};
    grant_lines[*id] = row.line;
    if (!writing()) return {};
    return tx.Rows("INSERT INTO account_grant (id, account_id, unit, role, clearance) VALUES (?, ?, ?, ?, ?)",
                   {*id, *account, unit, *role, clearance ? 1 : 0})
        .map([](auto&&) {});
  }));
  std::map<int64_t, int64_t> token_lines;
  std::map<std::string, int64_t> hash_lines;
  ASSIGN_OR_RETURN(bool have_tokens, ForEachLine(dump, "tokens", report, [&](const ImportRow& row, LineCheck& c) -> Status {
    const std::optional<int64_t> id = c.Id("id");
    const std::optional<int64_t> account = user_of(c);
    const std::optional<std::string> hash = c.Text("hash");
    if (hash && !IsSha256Hex(*hash)) c.Bad("hash", "expected the SHA-256 of the token, 64 lowercase hexadecimal digits");
    const std::optional<std::string> label = c.Text("label", true), client = c.Text("client", true);
    const bool read_only = c.Flag("read_only");
    const std::optional<std::string> created = c.Text("created_at"), seen = c.Text("seen_at");
    const std::optional<std::string> expires = c.Text("expires_at", true), revoked = c.Text("revoked_at", true);
    if (id && token_lines.contains(*id)) c.Bad("id", "token id " + std::to_string(*id) + OnLine(token_lines[*id]));
    if (hash && hash_lines.contains(*hash)) c.Bad("hash", "the same hash as the token on line " + std::to_string(hash_lines[*hash]));
    if (!c.ok()) return {};
    token_lines[*id] = row.line;
    hash_lines[*hash] = row.line;
    if (!writing()) return {};
    return tx.Rows("INSERT INTO credential (id, hash, kind, account_id, label, read_only, client, created_at, seen_at, "
                   "expires_at, revoked_at) VALUES (?, ?, 'token', ?, ?, ?, ?, ?, ?, ?, ?)",
                   {*id, *hash, *account, TextOrNull(label), read_only ? 1 : 0, TextOrNull(client), *created, *seen,
                    TextOrNull(expires), TextOrNull(revoked)})
        .map([](auto&&) {});
  }));
  // The audit log, as it was: every entry must follow the one before it, from the first.
  std::optional<AuditEntry> prev;
  ASSIGN_OR_RETURN(bool have_audit, ForEachLine(dump, "audit", report, [&](const ImportRow&, LineCheck& c) -> Status {
    auto entry = AuditFromDumpJson(c.line());
    if (!entry) {
      c.Bad(entry.error().fields.empty() ? "" : entry.error().fields[0].field,
            entry.error().fields.empty() ? entry.error().message : entry.error().fields[0].reason);
      return {};
    }
    for (const std::string& p : AuditLinkProblems(*entry, prev ? &*prev : nullptr)) c.Bad("", p);
    prev = std::move(*entry);
    if (!c.ok() || !writing()) return {};
    return InsertAuditExact(tx, *prev);
  }));
  report->audit_head = have_audit && prev ? prev->hash : "";
  if (!writing()) return {};
  if (have_users) RETURN_IF_ERROR(tx.AdvanceIds("account"));
  if (have_grants) RETURN_IF_ERROR(tx.AdvanceIds("account_grant"));
  if (have_tokens) RETURN_IF_ERROR(tx.AdvanceIds("credential"));
  return {};
}

}  // namespace amity::store
