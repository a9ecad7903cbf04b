#include "store/accounts.h"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>

#include "base/text.h"
#include "domain/entity.h"
#include "store/audit.h"

namespace amity::store {

namespace {

using Json = nlohmann::json;

Status CheckName(const std::string& name) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9._@-]{1,63}");
  if (!std::regex_match(name, pattern)) {
    return Invalid("name", "expected 2 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
  }
  if (name == "cli" || name == "demo" || name == "system") {
    return Invalid("name", "\"" + name + "\" names Amity's own changes in the history; choose another");
  }
  return {};
}

Status CheckPassword(const std::string& password) {
  if (password.size() < 10) return Invalid("password", "must be at least 10 characters long");
  if (password.size() > 1024) return Invalid("password", "must be at most 1024 bytes long");
  if (!IsValidUtf8(password)) return Invalid("password", "is not valid UTF-8");
  return {};
}

Json UnitJson(const std::optional<int64_t>& unit) { return unit ? Json(*unit) : Json(); }

}  // namespace

// The unit tree (parent → children), read again when any process has changed a unit.
class UnitTree {
 public:
  Result<std::map<int64_t, std::vector<int64_t>>> Children(Store& store) {
    ASSIGN_OR_RETURN(int64_t generation, store.Generation("unit"));
    std::lock_guard lock(mu_);
    if (generation != generation_ || !loaded_) {
      ASSIGN_OR_RETURN(std::vector<Json> rows, store.Rows("SELECT id, parent FROM unit", {}));
      children_.clear();
      for (const Json& r : rows) {
        if (r[1].is_number_integer()) children_[r[1].get<int64_t>()].push_back(r[0].get<int64_t>());
      }
      generation_ = generation;
      loaded_ = true;
    }
    return children_;
  }

 private:
  std::mutex mu_;
  bool loaded_ = false;
  int64_t generation_ = 0;
  std::map<int64_t, std::vector<int64_t>> children_;
};

namespace {

// Adds `unit` and its descendants to `set`.
void Cover(const std::map<int64_t, std::vector<int64_t>>& children, const std::optional<int64_t>& unit, UnitSet* set) {
  if (!unit) {
    set->all = true;
    return;
  }
  std::vector<int64_t> todo{*unit};
  while (!todo.empty()) {
    const int64_t u = todo.back();
    todo.pop_back();
    if (std::find(set->units.begin(), set->units.end(), u) != set->units.end()) continue;
    set->units.push_back(u);
    auto it = children.find(u);
    if (it != children.end()) todo.insert(todo.end(), it->second.begin(), it->second.end());
  }
}

void Finish(UnitSet* set) {
  if (set->all) set->units.clear();
  std::sort(set->units.begin(), set->units.end());
}

// The hash a login with an unknown name is checked against, so that it takes as long as one
// with a known name.
const std::string& DummyHash() {
  static const std::string hash = *HashPassword("not a password of anyone's");
  return hash;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kEditor: return "editor";
    case Role::kViewer: return "viewer";
    case Role::kAuditor: return "auditor";
  }
  return "viewer";
}

Result<Role> ParseRole(const std::string& text) {
  for (Role r : {Role::kAdmin, Role::kEditor, Role::kViewer, Role::kAuditor}) {
    if (text == RoleName(r)) return r;
  }
  return Invalid("role", "unknown role \"" + text + "\"; expected admin, editor, viewer or auditor");
}

bool MaySee(const Principal& p, const domain::EntityType& type, const Json& record) {
  if (type.access != domain::Access::kOwned) return true;
  const std::string sensitivity = record.value("sensitivity", Json("internal")).get<std::string>();
  std::optional<int64_t> unit;
  if (record.contains("owner_unit") && record["owner_unit"].is_number_integer()) unit = record["owner_unit"].get<int64_t>();
  if (sensitivity == "public") return true;
  if (sensitivity == "restricted") return p.restricted.Has(unit);
  return p.read.Has(unit);
}

Status MayWrite(const Principal& p, const domain::EntityType& type, const Json& record) {
  if (p.read_only) return Fail(ErrorCode::kPermissionDenied, "this API token is read-only");
  switch (type.access) {
    case domain::Access::kShared:
      if (p.write.all) return {};
      return Fail(ErrorCode::kPermissionDenied, type.plural + " are changed by editors and admins of the root unit only");
    case domain::Access::kAdministered:
      if (p.admin.all) return {};
      return Fail(ErrorCode::kPermissionDenied, type.plural + " are changed by admins of the root unit only");
    case domain::Access::kOwned: break;
  }
  std::optional<int64_t> unit;
  if (record.contains("owner_unit") && record["owner_unit"].is_number_integer()) unit = record["owner_unit"].get<int64_t>();
  const std::string of = unit ? "unit " + std::to_string(*unit) : "no owner unit";
  if (!p.write.Has(unit)) {
    return Fail(ErrorCode::kPermissionDenied, "you hold no editor or admin role for records of " + of,
                {{"owner_unit", "you may not write records of " + of}});
  }
  if (record.value("sensitivity", Json("internal")) == "restricted" && !p.restricted.Has(unit)) {
    return Fail(ErrorCode::kPermissionDenied, "restricted records of " + of + " need a clearance you do not hold",
                {{"sensitivity", "you hold no clearance for restricted records of " + of}});
  }
  return {};
}

std::string VisibilityKey(const Principal* p) {
  if (!p) return "*";
  auto text = [](const UnitSet& s) {
    if (s.all) return std::string("all");
    std::string out;
    for (int64_t u : s.units) out += std::to_string(u) + ",";
    return out;
  };
  return text(p->read) + ";" + text(p->restricted);
}

Result<std::string> HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(ErrorCode::kUnavailable, "out of memory hashing a password");
  }
  return std::string(out);
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string RandomSecret(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return Base64UrlEncode(raw);
}

Accounts::Accounts(Store& store, const Clock& clock, SessionPolicy policy)
    : store_(store), clock_(clock), policy_(policy), tree_(std::make_unique<UnitTree>()) {
  if (sodium_init() < 0) std::abort();
}

Accounts::~Accounts() = default;

std::string Accounts::Now() const { return clock_.NowRfc3339(); }
std::string Accounts::Later(int64_t seconds) const { return FormatRfc3339Millis(clock_.NowMillis() + seconds * 1000); }

Status Accounts::Audit(Transaction& tx, const Actor& by, const std::string& action, const Json& detail) {
  AuditEntry e;
  e.at = Now();
  e.actor = by.name;
  e.client = by.client;
  e.action = action;
  e.detail = detail.dump();
  return AppendAudit(tx, std::move(e));
}

Result<int64_t> Accounts::AccountId(Transaction& tx, const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<Json> rows, tx.Rows("SELECT id FROM account WHERE name = ?", {name}));
  if (rows.empty()) return Fail(ErrorCode::kNotFound, "no user named \"" + name + "\"");
  return rows[0][0].get<int64_t>();
}

Status Accounts::CheckGrantUnit(Transaction& tx, const Grant& grant) {
  if (!grant.unit) return {};
  ASSIGN_OR_RETURN(std::optional<Json> unit, tx.Find("unit", *grant.unit, false));
  if (!unit) return Invalid("unit", "no unit " + std::to_string(*grant.unit));
  return {};
}

Status Accounts::AddUser(const std::string& name, const std::string& password, const Grant& grant, const Actor& by) {
  RETURN_IF_ERROR(CheckName(name));
  std::string hash;
  if (!password.empty()) {
    RETURN_IF_ERROR(CheckPassword(password));
    ASSIGN_OR_RETURN(hash, HashPassword(password));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(std::vector<Json> taken, tx->Rows("SELECT id FROM account WHERE name = ?", {name}));
  if (!taken.empty()) {
    const std::string why = "a user named \"" + name + "\" already exists";
    return Fail(ErrorCode::kAlreadyExists, "name: " + why, {{"name", why}});
  }
  RETURN_IF_ERROR(CheckGrantUnit(*tx, grant));
  const std::string now = Now();
  ASSIGN_OR_RETURN(std::vector<Json> id,
                   tx->Rows("INSERT INTO account (name, password_hash, disabled, created_at, updated_at) VALUES "
                            "(?, ?, 0, ?, ?) RETURNING id",
                            {name, hash.empty() ? Json() : Json(hash), now, now}));
  RETURN_IF_ERROR(tx->Rows("INSERT INTO account_grant (account_id, unit, role, clearance) VALUES (?, ?, ?, ?)",
                           {id[0][0], UnitJson(grant.unit), RoleName(grant.role), grant.clearance ? 1 : 0}));
  RETURN_IF_ERROR(Audit(*tx, by, "user_add",
                        {{"user", name}, {"unit", UnitJson(grant.unit)}, {"role", RoleName(grant.role)},
                         {"clearance", grant.clearance}}));
  return CommitAndForget(*tx);
}

Status Accounts::SetPassword(const std::string& name, const std::string& password, const Actor& by,
                             int64_t keep_session) {
  RETURN_IF_ERROR(CheckPassword(password));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(int64_t id, AccountId(*tx, name));
  const std::string now = Now();
  RETURN_IF_ERROR(tx->Rows("UPDATE account SET password_hash = ?, updated_at = ? WHERE id = ?", {hash, now, id}));
  // A new password ends every session opened with the old one (but the one that changed it).
  RETURN_IF_ERROR(tx->Rows("UPDATE credential SET revoked_at = ? WHERE account_id = ? AND kind = 'session' AND "
                           "revoked_at IS NULL AND id <> ?",
                           {now, id, keep_session}));
  RETURN_IF_ERROR(Audit(*tx, by, "user_passwd", {{"user", name}}));
  return CommitAndForget(*tx);
}

Status Accounts::SetDisabled(const std::string& name, bool disabled, const Actor& by) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(int64_t id, AccountId(*tx, name));
  const std::string now = Now();
  RETURN_IF_ERROR(tx->Rows("UPDATE account SET disabled = ?, updated_at = ? WHERE id = ?", {disabled ? 1 : 0, now, id}));
  // Disabling ends the account's browser sessions, so enabling it again does not bring them
  // back; its API tokens are only suspended (Authenticate refuses them while it is disabled).
  if (disabled) {
    RETURN_IF_ERROR(tx->Rows("UPDATE credential SET revoked_at = ? WHERE account_id = ? AND kind = 'session' AND "
                             "revoked_at IS NULL",
                             {now, id}));
  }
  RETURN_IF_ERROR(Audit(*tx, by, disabled ? "user_disable" : "user_enable", {{"user", name}}));
  return CommitAndForget(*tx);
}

Status Accounts::AddGrant(const std::string& name, const Grant& grant, const Actor& by) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(int64_t id, AccountId(*tx, name));
  RETURN_IF_ERROR(CheckGrantUnit(*tx, grant));
  // One grant per unit and role: granting again sets the clearance.
  const char* same = grant.unit ? "account_id = ? AND unit = ? AND role = ?" : "account_id = ? AND unit IS NULL AND role = ?";
  std::vector<Json> params{id};
  if (grant.unit) params.push_back(*grant.unit);
  params.push_back(RoleName(grant.role));
  RETURN_IF_ERROR(tx->Rows(std::string("DELETE FROM account_grant WHERE ") + same, params));
  RETURN_IF_ERROR(tx->Rows("INSERT INTO account_grant (account_id, unit, role, clearance) VALUES (?, ?, ?, ?)",
                           {id, UnitJson(grant.unit), RoleName(grant.role), grant.clearance ? 1 : 0}));
  RETURN_IF_ERROR(Audit(*tx, by, "user_grant",
                        {{"user", name}, {"unit", UnitJson(grant.unit)}, {"role", RoleName(grant.role)},
                         {"clearance", grant.clearance}}));
  return CommitAndForget(*tx);
}

Status Accounts::RemoveGrant(const std::string& name, const Grant& grant, const Actor& by) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(int64_t id, AccountId(*tx, name));
  const char* same = grant.unit ? "account_id = ? AND unit = ? AND role = ?" : "account_id = ? AND unit IS NULL AND role = ?";
  std::vector<Json> params{id};
  if (grant.unit) params.push_back(*grant.unit);
  params.push_back(RoleName(grant.role));
  ASSIGN_OR_RETURN(std::vector<Json> found, tx->Rows(std::string("SELECT id FROM account_grant WHERE ") + same, params));
  if (found.empty()) {
    return Fail(ErrorCode::kNotFound, "user \"" + name + "\" holds no " + RoleName(grant.role) + " role on " +
                                          (grant.unit ? "unit " + std::to_string(*grant.unit) : "the root"));
  }
  RETURN_IF_ERROR(tx->Rows(std::string("DELETE FROM account_grant WHERE ") + same, params));
  RETURN_IF_ERROR(Audit(*tx, by, "user_revoke",
                        {{"user", name}, {"unit", UnitJson(grant.unit)}, {"role", RoleName(grant.role)}}));
  return CommitAndForget(*tx);
}

namespace {

// Users as ListUsers prints them, all or (with `name`) the one of that name.
Result<Json> UsersNamed(Store& store, const std::string& name) {
  const std::string only = name.empty() ? "" : " WHERE a.name = ?";
  const std::vector<Json> params = name.empty() ? std::vector<Json>{} : std::vector<Json>{name};
  ASSIGN_OR_RETURN(std::vector<Json> users,
                   store.Rows("SELECT a.id, a.name, a.disabled, a.created_at FROM account a" + only + " ORDER BY a.name", params));
  ASSIGN_OR_RETURN(std::vector<Json> grants,
                   store.Rows("SELECT g.account_id, g.unit, g.role, g.clearance FROM account_grant g JOIN account a ON "
                              "a.id = g.account_id" + only + " ORDER BY g.account_id, g.id",
                              params));
  std::map<int64_t, Json> by_account;
  for (const Json& g : grants) {
    by_account[g[0].get<int64_t>()].push_back(
        {{"unit", g[1]}, {"role", g[2]}, {"clearance", g[3].get<int64_t>() != 0}});
  }
  Json out = Json::array();
  for (const Json& u : users) {
    Json& g = by_account[u[0].get<int64_t>()];
    out.push_back({{"name", u[1]}, {"disabled", u[2].get<int64_t>() != 0}, {"created_at", u[3]},
                   {"grants", g.is_null() ? Json::array() : g}});
  }
  return out;
}

}  // namespace

Result<Json> Accounts::ListUsers() { return UsersNamed(store_, ""); }

Result<Json> Accounts::User(const std::string& name) {
  ASSIGN_OR_RETURN(Json users, UsersNamed(store_, name));
  if (users.empty()) return Fail(ErrorCode::kNotFound, "no user named \"" + name + "\"");
  return users[0];
}

Result<std::vector<Grant>> Accounts::GrantsOf(const std::string& name) {
  ASSIGN_OR_RETURN(Json user, User(name));
  std::vector<Grant> out;
  for (const Json& g : user["grants"]) {
    Grant grant;
    if (g["unit"].is_number_integer()) grant.unit = g["unit"].get<int64_t>();
    grant.role = *ParseRole(g["role"].get<std::string>());
    grant.clearance = g["clearance"].get<bool>();
    out.push_back(grant);
  }
  return out;
}

Result<bool> Accounts::AnyUser() {
  ASSIGN_OR_RETURN(std::vector<Json> rows, store_.Rows("SELECT id FROM account LIMIT 1", {}));
  return !rows.empty();
}

Result<NewSecret> Accounts::CreateToken(const std::string& user, bool read_only, std::optional<int64_t> days,
                                        const std::string& label, const Actor& by) {
  if (days && (*days < 1 || *days > 3650)) return Invalid("expires_days", "expected a number of days from 1 to 3650");
  if (label.size() > 200) return Invalid("label", "must be at most 200 characters long");
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(int64_t account, AccountId(*tx, user));
  NewSecret out;
  out.secret = "amity_" + RandomSecret(32);
  out.expires_at = days ? Later(*days * 86400) : "";
  const std::string now = Now();
  ASSIGN_OR_RETURN(std::vector<Json> id,
                   tx->Rows("INSERT INTO credential (hash, kind, account_id, label, read_only, client, created_at, "
                            "seen_at, expires_at) VALUES (?, 'token', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            {Sha256Hex(out.secret), account, label.empty() ? Json() : Json(label), read_only ? 1 : 0,
                             by.client.empty() ? Json() : Json(by.client), now, now,
                             out.expires_at.empty() ? Json() : Json(out.expires_at)}));
  out.id = id[0][0].get<int64_t>();
  RETURN_IF_ERROR(Audit(*tx, by, "token_create",
                        {{"user", user}, {"token", out.id}, {"read_only", read_only},
                         {"expires_at", out.expires_at.empty() ? Json() : Json(out.expires_at)}}));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

Result<Json> Accounts::ListTokens(const std::string& user) {
  std::string sql =
      "SELECT c.id, a.name, c.label, c.read_only, c.created_at, c.seen_at, c.expires_at, c.revoked_at FROM credential c "
      "JOIN account a ON a.id = c.account_id WHERE c.kind = 'token'";
  std::vector<Json> params;
  if (!user.empty()) {
    sql += " AND a.name = ?";
    params.push_back(user);
  }
  ASSIGN_OR_RETURN(std::vector<Json> rows, store_.Rows(sql + " ORDER BY c.id", params));
  Json out = Json::array();
  for (const Json& r : rows) {
    out.push_back({{"id", r[0]}, {"user", r[1]}, {"label", r[2]}, {"read_only", r[3].get<int64_t>() != 0},
                   {"created_at", r[4]}, {"last_used_at", r[5]}, {"expires_at", r[6]}, {"revoked_at", r[7]}});
  }
  return out;
}

Status Accounts::Revoke(int64_t credential_id, const std::string& owner, const Actor& by) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   tx->Rows("SELECT a.name, c.kind, c.revoked_at FROM credential c JOIN account a ON a.id = c.account_id "
                            "WHERE c.id = ?",
                            {credential_id}));
  if (rows.empty() || (!owner.empty() && rows[0][0] != owner)) {
    return Fail(ErrorCode::kNotFound, "no token " + std::to_string(credential_id));
  }
  if (!rows[0][2].is_null()) return Fail(ErrorCode::kFailedPrecondition, "token " + std::to_string(credential_id) + " is already revoked");
  RETURN_IF_ERROR(tx->Rows("UPDATE credential SET revoked_at = ? WHERE id = ?", {Now(), credential_id}));
  RETURN_IF_ERROR(Audit(*tx, by, rows[0][1] == "token" ? "token_revoke" : "session_revoke",
                        {{"user", rows[0][0]}, {"token", credential_id}}));
  return CommitAndForget(*tx);
}

Result<NewSecret> Accounts::Login(const std::string& typed_name, const std::string& password,
                                  const std::string& client) {
  // No account name is longer than 64 characters: a longer one is a failure like any other, kept
  // (for throttling and the audit log) as its first 64 bytes and "…", not as whatever was sent.
  const std::string name = typed_name.size() <= 64 ? typed_name : std::string(Utf8Prefix(typed_name, 64)) + "…";
  const std::string now = Now();
  const std::string since = FormatRfc3339Millis(clock_.NowMillis() - policy_.failure_window_seconds * 1000);
  auto failures = [&](const char* column, const std::string& value) -> Result<std::pair<int64_t, std::string>> {
    ASSIGN_OR_RETURN(std::vector<Json> rows,
                     store_.Rows(std::string("SELECT count(*), min(at) FROM login_failure WHERE ") + column +
                                     " = ? AND at > ?",
                                 {value, since}));
    return std::pair<int64_t, std::string>{rows[0][0].get<int64_t>(), rows[0][1].is_string() ? rows[0][1].get<std::string>() : ""};
  };
  auto refuse = [&](const std::string& who, const std::string& oldest) {
    // Logins open again once the oldest failure in the window is older than the window.
    const std::string until = FormatRfc3339Millis(ParseRfc3339Millis(oldest) + policy_.failure_window_seconds * 1000);
    return Fail(ErrorCode::kResourceExhausted, "too many failed logins " + who + "; try again after " + until,
                {{"retry_after", until}});
  };
  ASSIGN_OR_RETURN(auto by_account, failures("account", name));
  if (by_account.first >= policy_.max_account_failures) return refuse("for \"" + name + "\"", by_account.second);
  ASSIGN_OR_RETURN(auto by_client, failures("client", client));
  if (by_client.first >= policy_.max_client_failures) return refuse("from " + client, by_client.second);

  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   store_.Rows("SELECT id, password_hash, disabled FROM account WHERE name = ?", {name}));
  const bool known = !rows.empty() && rows[0][1].is_string();
  const bool good = VerifyPassword(known ? rows[0][1].get<std::string>() : DummyHash(), password) && known;
  const Actor actor{name, client};
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  if (!good || rows[0][2].get<int64_t>() != 0) {
    const char* why = !good ? "wrong name or password" : "this account is disabled";
    // Failures older than the window count for nothing any more.
    RETURN_IF_ERROR(tx->Rows("DELETE FROM login_failure WHERE at <= ?", {since}));
    RETURN_IF_ERROR(tx->Rows("INSERT INTO login_failure (account, client, at) VALUES (?, ?, ?)", {name, client, now}));
    RETURN_IF_ERROR(Audit(*tx, actor, "login_failed", {{"user", name}, {"reason", why}}));
    RETURN_IF_ERROR(tx->Commit());
    return Fail(ErrorCode::kUnauthenticated, why);
  }
  const int64_t account = rows[0][0].get<int64_t>();
  RETURN_IF_ERROR(tx->Rows("DELETE FROM login_failure WHERE account = ?", {name}));
  // Sessions that ended more than 30 days ago are forgotten (their logins stay in the audit log).
  RETURN_IF_ERROR(tx->Rows("DELETE FROM credential WHERE kind = 'session' AND expires_at < ?",
                           {FormatRfc3339Millis(clock_.NowMillis() - int64_t{30} * 86400 * 1000)}));
  NewSecret out;
  out.secret = RandomSecret(32);
  out.csrf = RandomSecret(24);
  out.expires_at = Later(policy_.absolute_seconds);
  ASSIGN_OR_RETURN(std::vector<Json> id,
                   tx->Rows("INSERT INTO credential (hash, kind, account_id, csrf, client, created_at, seen_at, "
                            "expires_at) VALUES (?, 'session', ?, ?, ?, ?, ?, ?) RETURNING id",
                            {Sha256Hex(out.secret), account, out.csrf, client, now, now, out.expires_at}));
  out.id = id[0][0].get<int64_t>();
  RETURN_IF_ERROR(Audit(*tx, actor, "login", {{"user", name}, {"session", out.id}}));
  RETURN_IF_ERROR(tx->Commit());
  return out;
}

bool Accounts::HasPassword(const std::string& name) {
  auto rows = store_.Rows("SELECT password_hash FROM account WHERE name = ?", {name});
  return rows && !rows->empty() && (*rows)[0][0].is_string();
}

bool Accounts::PasswordIs(const std::string& name, const std::string& password) {
  auto rows = store_.Rows("SELECT password_hash FROM account WHERE name = ?", {name});
  if (!rows || rows->empty() || !(*rows)[0][0].is_string()) return false;
  return VerifyPassword((*rows)[0][0].get<std::string>(), password);
}

Status Accounts::Logout(const Authenticated& who, const std::string& client) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
  RETURN_IF_ERROR(tx->Rows("UPDATE credential SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           {Now(), who.credential_id}));
  RETURN_IF_ERROR(Audit(*tx, Actor{who.principal.name, client}, "logout", {{"session", who.credential_id}}));
  return CommitAndForget(*tx);
}

Result<Authenticated> Accounts::Authenticate(const std::string& secret) {
  const std::string hash = Sha256Hex(secret);
  const int64_t now = clock_.NowMillis();
  {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(hash);
    // Past its expiry or idle time the database says why (or that another process used it).
    if (it != cache_.end() && now >= it->second.checked_at && now - it->second.checked_at < kRecheckMillis &&
        (it->second.expires_at == 0 || now < it->second.expires_at) &&
        (it->second.who.kind != "session" || now < it->second.seen_at + policy_.idle_seconds * 1000)) {
      return it->second.who;
    }
  }
  int64_t expires_at = 0, seen_at = 0;
  ASSIGN_OR_RETURN(Authenticated who, Lookup(hash, now, &expires_at, &seen_at));
  std::lock_guard lock(cache_mu_);
  if (cache_.size() >= 10000) cache_.clear();
  cache_[hash] = Cached{who, now, expires_at, seen_at};
  return who;
}

Status Accounts::CommitAndForget(Transaction& tx) {
  RETURN_IF_ERROR(tx.Commit());
  std::lock_guard lock(cache_mu_);
  cache_.clear();
  return {};
}

Result<Authenticated> Accounts::Lookup(const std::string& hash, int64_t now, int64_t* expires_at, int64_t* seen_at) {
  ASSIGN_OR_RETURN(std::vector<Json> rows,
                   store_.Rows("SELECT c.id, c.kind, c.account_id, c.read_only, c.csrf, c.seen_at, c.expires_at, "
                               "c.revoked_at, a.name, a.disabled FROM credential c JOIN account a ON a.id = "
                               "c.account_id WHERE c.hash = ?",
                               {hash}));
  if (rows.empty()) return Fail(ErrorCode::kUnauthenticated, "unknown or mistyped credentials; log in again");
  const Json& r = rows[0];
  const std::string kind = r[1].get<std::string>();
  const std::string what = kind == "session" ? "the session" : "the token";
  // A disabled account says so whatever state its credentials are in (disabling revokes sessions).
  if (r[9].get<int64_t>() != 0) return Fail(ErrorCode::kUnauthenticated, "the account \"" + r[8].get<std::string>() + "\" is disabled");
  if (!r[7].is_null()) return Fail(ErrorCode::kUnauthenticated, what + " was revoked" + (kind == "session" ? "; log in again" : ""));
  if (r[6].is_string() && ParseRfc3339Millis(r[6].get<std::string>()) <= now) {
    return Fail(ErrorCode::kUnauthenticated, what + " expired at " + r[6].get<std::string>() + (kind == "session" ? "; log in again" : ""));
  }
  const int64_t seen = ParseRfc3339Millis(r[5].get<std::string>());
  if (kind == "session" && seen + policy_.idle_seconds * 1000 <= now) {
    return Fail(ErrorCode::kUnauthenticated,
                "the session ended after " + std::to_string(policy_.idle_seconds / 60) + " minutes unused; log in again");
  }
  *expires_at = r[6].is_string() ? ParseRfc3339Millis(r[6].get<std::string>()) : 0;
  *seen_at = now - seen >= 60'000 ? now : seen;
  Authenticated out;
  out.kind = kind;
  out.credential_id = r[0].get<int64_t>();
  if (r[4].is_string()) out.csrf = r[4].get<std::string>();
  ASSIGN_OR_RETURN(out.principal, PrincipalOf(r[2].get<int64_t>(), r[8].get<std::string>()));
  out.principal.read_only = r[3].get<int64_t>() != 0;
  // The last use, kept to the minute: a session's idle time, a token's last use.
  if (now - seen >= 60'000) {
    ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store_.BeginWrite());
    RETURN_IF_ERROR(tx->Rows("UPDATE credential SET seen_at = ? WHERE id = ?", {Now(), out.credential_id}));
    RETURN_IF_ERROR(tx->Commit());
  }
  return out;
}

Result<Principal> Accounts::PrincipalOf(int64_t account_id, const std::string& name) {
  ASSIGN_OR_RETURN(auto children, tree_->Children(store_));
  ASSIGN_OR_RETURN(std::vector<Json> grants,
                   store_.Rows("SELECT unit, role, clearance FROM account_grant WHERE account_id = ? ORDER BY id", {account_id}));
  Principal p;
  p.account_id = account_id;
  p.name = name;
  for (const Json& g : grants) {
    std::optional<int64_t> unit;
    if (g[0].is_number_integer()) unit = g[0].get<int64_t>();
    const std::string role = g[1].get<std::string>();
    Cover(children, unit, &p.read);
    if (g[2].get<int64_t>() != 0) Cover(children, unit, &p.restricted);
    if (role == "admin" || role == "editor") {
      Cover(children, unit, &p.write);
      if (unit && !p.home_unit) p.home_unit = unit;
    }
    if (role == "admin") Cover(children, unit, &p.admin);
    if (role == "auditor") Cover(children, unit, &p.audit);
  }
  for (UnitSet* s : {&p.read, &p.restricted, &p.write, &p.admin, &p.audit}) Finish(s);
  return p;
}

}  // namespace amity::store
