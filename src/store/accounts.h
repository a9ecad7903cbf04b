#pragma once
// Accounts: users, their roles on units, passwords (argon2id), browser sessions and API tokens,
// login throttling, and the Principal a request acts as. Engine-agnostic (Store::Rows), so
// every server process on one database shares them. Every change is audited (store/audit.h).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace amity::store {

enum class Role { kAdmin, kEditor, kViewer, kAuditor };
const char* RoleName(Role role);
Result<Role> ParseRole(const std::string& text);  // kInvalidArgument on "role"

// A role on a unit and its descendants (no unit: the root, which covers every unit and records
// of none); with clearance, restricted records of those units too.
struct Grant {
  std::optional<int64_t> unit;
  Role role = Role::kViewer;
  bool clearance = false;
};

struct SessionPolicy {
  int64_t idle_seconds = 60 * 60;           // a session unused this long ends
  int64_t absolute_seconds = 12 * 60 * 60;  // and every session ends this long after login
  int max_account_failures = 5;             // failed logins per account …
  int max_client_failures = 20;             // … and per client address …
  int64_t failure_window_seconds = 15 * 60; // … within this window, before logins are refused
};

// A new secret, shown once: a session's cookie value or an API token.
struct NewSecret {
  int64_t id = 0;
  std::string secret;
  std::string csrf;        // sessions: the token unsafe requests must echo in X-CSRF-Token
  std::string expires_at;  // empty: never (a token without expiry)
};

// Who a request authenticated as, and with what.
struct Authenticated {
  Principal principal;
  std::string kind;  // "session" or "token"
  int64_t credential_id = 0;
  std::string csrf;  // sessions only
};

class UnitTree;

class Accounts {
 public:
  Accounts(Store& store, const Clock& clock, SessionPolicy policy = {});
  ~Accounts();

  // Users. Names: 2 to 64 of letters, digits and . _ @ -; "cli", "demo", "system" are taken.
  // Passwords: 10 to 1024 bytes. An empty password leaves the account unable to log in.
  Status AddUser(const std::string& name, const std::string& password, const Grant& grant, const Actor& by);
  // Ends the user's sessions but `keep_session` (the one a user changes their own password from).
  Status SetPassword(const std::string& name, const std::string& password, const Actor& by,
                     int64_t keep_session = 0);
  // Disabling also ends the user's sessions; API tokens are refused while the account is disabled.
  Status SetDisabled(const std::string& name, bool disabled, const Actor& by);
  Status AddGrant(const std::string& name, const Grant& grant, const Actor& by);
  Status RemoveGrant(const std::string& name, const Grant& grant, const Actor& by);
  // [{name, disabled, created_at, grants: [{unit, role, clearance}]}], by name.
  Result<nlohmann::json> ListUsers();
  Result<nlohmann::json> User(const std::string& name);  // kNotFound
  Result<std::vector<Grant>> GrantsOf(const std::string& name);
  Result<bool> AnyUser();

  // API tokens: `days` empty means no expiry.
  Result<NewSecret> CreateToken(const std::string& user, bool read_only, std::optional<int64_t> days,
                                const std::string& label, const Actor& by);
  // Tokens (never their secrets), of one user or all: [{id, user, label, read_only, created_at,
  // seen_at, expires_at, revoked_at}].
  Result<nlohmann::json> ListTokens(const std::string& user);
  // Revokes a token or a session by id; `owner` (when set) must own it (kNotFound otherwise).
  Status Revoke(int64_t credential_id, const std::string& owner, const Actor& by);

  // Checks the password and opens a session: kUnauthenticated ("wrong name or password"),
  // kResourceExhausted when too many logins failed lately for the account or the client.
  // Failures and successes are audited.
  Result<NewSecret> Login(const std::string& name, const std::string& password, const std::string& client);
  Status Logout(const Authenticated& who, const std::string& client);
  // Whether `password` is the user's (a change of one's own password asks for the current one).
  bool PasswordIs(const std::string& name, const std::string& password);
  // Whether the user has a password at all (an account made without one cannot log in).
  bool HasPassword(const std::string& name);

  // The account a session cookie's or a bearer token's secret belongs to: kUnauthenticated with
  // why (unknown, expired, idle too long, revoked, account disabled). What the database said is
  // kept for up to a second (kRecheckMillis), so a stream of requests on one credential costs one
  // lookup a second; changes made through this Accounts take effect at once, changes made by
  // another process within that second.
  Result<Authenticated> Authenticate(const std::string& secret);
  static constexpr int64_t kRecheckMillis = 1000;
  // The principal of an account as it is now (grants expanded over the unit tree).
  Result<Principal> PrincipalOf(int64_t account_id, const std::string& name);

  const SessionPolicy& policy() const { return policy_; }

 private:
  Result<int64_t> AccountId(Transaction& tx, const std::string& name);
  // Authenticate without the cache, by the secret's hash.
  Result<Authenticated> Lookup(const std::string& hash, int64_t now, int64_t* expires_at, int64_t* seen_at);
  // Commits `tx` and forgets every cached credential (roles, passwords or credentials changed).
  Status CommitAndForget(Transaction& tx);
  Status CheckGrantUnit(Transaction& tx, const Grant& grant);
  Status Audit(Transaction& tx, const Actor& by, const std::string& action, const nlohmann::json& detail);
  std::string Now() const;
  std::string Later(int64_t seconds) const;

  Store& store_;
  const Clock& clock_;
  SessionPolicy policy_;
  std::unique_ptr<UnitTree> tree_;  // the unit tree, cached until a unit changes
  struct Cached {
    Authenticated who;
    int64_t checked_at, expires_at, seen_at;  // expires_at 0: never
  };
  std::mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;  // by the secret's hash
};

// Whether `p` may see `record` of `type` (the rule VisibilitySql puts in statements).
bool MaySee(const Principal& p, const domain::EntityType& type, const Json& record);
// Whether `p` may write `record` (as it would be stored) of `type`: kPermissionDenied saying why.
Status MayWrite(const Principal& p, const domain::EntityType& type, const Json& record);
// A text naming what `p` sees (for caches of filtered results).
std::string VisibilityKey(const Principal* p);

// argon2id (libsodium's interactive limits), as the string crypto_pwhash_str writes.
Result<std::string> HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);
// A random secret of `bytes` bytes, base64url.
std::string RandomSecret(size_t bytes);

}  // namespace amity::store
