// Who may see and change what, walked exhaustively over HTTP on both engines: every role, on the
// root, on a unit with a child and on an unrelated unit, with and without clearance, against
// records of every owner (none, the unit, its child, the other unit) and every sensitivity,
// through every route that reads or writes a record. The expectation is computed here from the
// rules in docs/SECURITY.md, independently of the code under test; anything not granted is
// denied (a user without roles sees public records only, no credentials see nothing).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "domain/registry.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "support.h"

namespace amity::testing {
namespace {

using nlohmann::json;
using store::Role;

const domain::EntityType& Type(const std::string& name) { return *domain::Registry::Get().ByName(name); }

struct User {
  std::string name;
  std::optional<Role> role;         // none: every grant revoked
  std::optional<int64_t> unit;      // none: the root
  bool clearance = false;
  std::string token;
  std::optional<int64_t> cleared_unit;  // a second grant: viewer with clearance on this unit
};

struct Rec {
  int64_t id = 0;
  std::optional<int64_t> owner;
  std::string sensitivity;
};

class Access : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    f_ = std::make_unique<Fixture>(GetParam());
    const store::Actor setup{"setup"};
    auto unit = [&](const char* code, std::optional<int64_t> parent) {
      json in = {{"code", code}, {"name", std::string("Unit ") + code}, {"kind", "department"}};
      if (parent) in["parent"] = *parent;
      auto r = f_->records->Create(Type("unit"), in, setup);
      EXPECT_TRUE(r) << r.error().message;
      return (*r)["id"].get<int64_t>();
    };
    a_ = unit("A", std::nullopt);
    a1_ = unit("A-1", a_);
    b_ = unit("B", std::nullopt);
    // The subject of a timeline every user may see.
    auto hub = f_->records->Create(Type("organisation"),
                                   {{"name", "Hub"}, {"kind", "ngo"}, {"sensitivity", "public"}}, setup);
    ASSERT_TRUE(hub);
    hub_ = (*hub)["id"].get<int64_t>();
    orgs_.push_back({hub_, std::nullopt, "public"});
    for (std::optional<int64_t> owner : std::vector<std::optional<int64_t>>{std::nullopt, a_, a1_, b_}) {
      for (const char* s : {"public", "internal", "restricted"}) {
        json in = {{"name", "Org " + std::to_string(orgs_.size())}, {"kind", "ngo"}, {"sensitivity", s}};
        if (owner) in["owner_unit"] = *owner;
        auto org = f_->records->Create(Type("organisation"), in, setup);
        ASSERT_TRUE(org) << org.error().message;
        orgs_.push_back({(*org)["id"].get<int64_t>(), owner, s});
        json contact = {{"date", "2026-03-0" + std::to_string(1 + contacts_.size() % 9)},
                        {"kind", "meeting"},
                        {"title", "Meeting " + std::to_string(contacts_.size())},
                        {"organisations", {hub_}},
                        {"sensitivity", s}};
        if (owner) contact["owner_unit"] = *owner;
        auto c = f_->records->Create(Type("interaction"), contact, setup);
        ASSERT_TRUE(c) << c.error().message;
        contacts_.push_back({(*c)["id"].get<int64_t>(), owner, s});
      }
    }
    server_ = std::make_unique<RunningServer>(*f_);
    store::Accounts accounts(*f_->store, f_->clock);
    for (Role role : {Role::kAdmin, Role::kEditor, Role::kViewer, Role::kAuditor}) {
      for (std::optional<int64_t> unit : std::vector<std::optional<int64_t>>{std::nullopt, a_, b_}) {
        for (bool clearance : {false, true}) {
          User u{std::string(store::RoleName(role)) + "-" + (unit ? std::to_string(*unit) : "root") +
                     (clearance ? "-cleared" : ""),
                 role, unit, clearance, "", std::nullopt};
          ASSERT_TRUE(accounts.AddUser(u.name, "", store::Grant{unit, role, clearance}, setup));
          users_.push_back(u);
        }
      }
    }
    // A viewer of every unit cleared for the restricted records of one unit only.
    ASSERT_TRUE(accounts.AddUser("viewer-root-cleared-on-A", "", store::Grant{std::nullopt, Role::kViewer, false}, setup));
    ASSERT_TRUE(accounts.AddGrant("viewer-root-cleared-on-A", store::Grant{a_, Role::kViewer, true}, setup));
    users_.push_back({"viewer-root-cleared-on-A", Role::kViewer, std::nullopt, false, "", a_});
    // A user whose only role was taken away: deny by default.
    ASSERT_TRUE(accounts.AddUser("nobody", "", store::Grant{a_, Role::kEditor, true}, setup));
    ASSERT_TRUE(accounts.RemoveGrant("nobody", store::Grant{a_, Role::kEditor, false}, setup));
    users_.push_back({"nobody", std::nullopt, std::nullopt, false, "", std::nullopt});
    for (User& u : users_) {
      auto t = accounts.CreateToken(u.name, false, std::nullopt, "", setup);
      ASSERT_TRUE(t);
      u.token = t->secret;
    }
  }

  // Whether a grant on `unit` (none: the root) covers records owned by `owner`.
  bool Covers(std::optional<int64_t> unit, std::optional<int64_t> owner) const {
    if (!unit) return true;
    if (!owner) return false;
    if (*unit == a_) return *owner == a_ || *owner == a1_;
    return *owner == *unit;
  }
  bool Sees(const User& u, const Rec& r) const {
    if (r.sensitivity == "public") return true;
    if (!u.role) return false;
    if (r.sensitivity == "restricted") {
      return (u.clearance && Covers(u.unit, r.owner)) || (u.cleared_unit && Covers(u.cleared_unit, r.owner));
    }
    return Covers(u.unit, r.owner);
  }
  bool Writes(const User& u, const Rec& r) const {
    return u.role && (*u.role == Role::kAdmin || *u.role == Role::kEditor) && Covers(u.unit, r.owner) &&
           (r.sensitivity != "restricted" || u.clearance);
  }

  HttpResponse As(const User& u, const std::string& method, const std::string& target, const std::string& body = "",
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + u.token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return server_->Call(method, target, body, headers);
  }

  std::set<int64_t> Ids(const HttpResponse& r) {
    std::set<int64_t> ids;
    const json body = r.Json();
    for (const json& item : body["items"]) ids.insert(item["id"].get<int64_t>());
    return ids;
  }

  std::unique_ptr<Fixture> f_;
  std::unique_ptr<RunningServer> server_;
  int64_t a_ = 0, a1_ = 0, b_ = 0, hub_ = 0;
  std::vector<Rec> orgs_, contacts_;
  std::vector<User> users_;
};

TEST_P(Access, EveryRouteEveryRoleEveryUnitEverySensitivity) {
  for (const User& u : users_) {
    SCOPED_TRACE(u.name);
    std::set<int64_t> visible_orgs, visible_contacts;
    for (const Rec& r : orgs_) {
      if (Sees(u, r)) visible_orgs.insert(r.id);
    }
    for (const Rec& r : contacts_) {
      if (Sees(u, r)) visible_contacts.insert(r.id);
    }
    // Lists, totals, counts and the record count of /stats hold exactly what the user sees.
    const HttpResponse list = As(u, "GET", "/api/v1/organisations?limit=500&total=true");
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(Ids(list), visible_orgs);
    EXPECT_EQ(list.Json()["total"], visible_orgs.size());
    EXPECT_EQ(As(u, "GET", "/api/v1/organisations/counts?by=sensitivity").Json()["total"], visible_orgs.size());
    EXPECT_EQ(Ids(As(u, "GET", "/api/v1/interactions?limit=500")), visible_contacts);
    EXPECT_EQ(As(u, "GET", "/api/v1/stats").Json()["records"]["interactions"], visible_contacts.size());
    // A timeline lists only what the user may see, and the last contact is one of those.
    const json timeline = As(u, "GET", "/api/v1/organisations/" + std::to_string(hub_) + "/timeline?limit=500").Json();
    std::set<int64_t> on_timeline;
    for (const json& item : timeline["items"]) on_timeline.insert(item["id"].get<int64_t>());
    EXPECT_EQ(on_timeline, visible_contacts);
    if (!visible_contacts.empty()) {
      EXPECT_TRUE(visible_contacts.contains(timeline["last_contact"]["id"].get<int64_t>())) << timeline.dump();
    }
    // Every record by its own routes: seen or not there at all; written or refused.
    for (const Rec& r : orgs_) {
      const std::string path = "/api/v1/organisations/" + std::to_string(r.id);
      const int seen = Sees(u, r) ? 200 : 404;
      EXPECT_EQ(As(u, "GET", path).status, seen) << path;
      EXPECT_EQ(As(u, "GET", path + "/history").status, seen) << path;
      EXPECT_EQ(As(u, "GET", path + "/timeline").status, seen) << path;
      const int writes = !Sees(u, r) ? 404 : Writes(u, r) ? 200 : 403;
      EXPECT_EQ(As(u, "PATCH", path, json{{"notes", "seen by " + u.name}}.dump(), {{"If-Match", "*"}}).status, writes) << path;
      const HttpResponse deleted = As(u, "DELETE", path);
      EXPECT_EQ(deleted.status, writes) << path << " " << deleted.body;
      if (deleted.status == 200) {
        EXPECT_EQ(As(u, "POST", path + "/restore").status, 200) << path;
      } else {
        // Nothing to restore: the record is live, and the refusal is the same as for a write.
        EXPECT_EQ(As(u, "POST", path + "/restore").status, writes == 403 ? 403 : 404) << path;
      }
    }
    for (const Rec& r : contacts_) {
      EXPECT_EQ(As(u, "GET", "/api/v1/interactions/" + std::to_string(r.id)).status, Sees(u, r) ? 200 : 404);
    }
    // Reference data and units: every signed-in user reads them; only admins of the root change
    // units, only editors and admins of the root change countries.
    EXPECT_EQ(As(u, "GET", "/api/v1/countries/VN").status, 200);
    EXPECT_EQ(Ids(As(u, "GET", "/api/v1/units")), (std::set<int64_t>{a_, a1_, b_}));
    const bool root_writer = u.role && !u.unit && (*u.role == Role::kAdmin || *u.role == Role::kEditor);
    EXPECT_EQ(As(u, "PATCH", "/api/v1/countries/VN", R"({"notes": "x"})", {{"If-Match", "*"}}).status,
              root_writer ? 200 : 403);
    EXPECT_EQ(As(u, "PATCH", "/api/v1/units/" + std::to_string(b_), json{{"description", u.name}}.dump(), {{"If-Match", "*"}}).status,
              u.role == Role::kAdmin && !u.unit ? 200 : 403);
    // The audit log is for auditors; an auditor of a unit reads entries about its records.
    const HttpResponse audit = As(u, "GET", "/api/v1/audit?limit=1000");
    EXPECT_EQ(audit.status, u.role == Role::kAuditor ? 200 : 403) << audit.body;
    if (audit.status == 200) {
      const json log = audit.Json();
      for (const json& e : log["items"]) {
        if (u.unit) {
          ASSERT_TRUE(e["unit"].is_number_integer()) << e.dump();
          EXPECT_TRUE(Covers(u.unit, e["unit"].get<int64_t>())) << e.dump();
        }
      }
      EXPECT_GT(log["items"].size(), 0u);
    }
  }
}

// Creating: the owner unit and sensitivity a user may write; a record created without an owner
// belongs to the creator's unit.
TEST_P(Access, CreatesOnlyWhereTheUserWrites) {
  for (const User& u : users_) {
    SCOPED_TRACE(u.name);
    for (std::optional<int64_t> owner : std::vector<std::optional<int64_t>>{std::nullopt, a_, a1_, b_}) {
      for (const char* s : {"public", "internal", "restricted"}) {
        // No owner is said explicitly (null); left out, the creator's unit is the owner.
        json in = {{"name", "New " + u.name}, {"kind", "ngo"}, {"sensitivity", s},
                   {"owner_unit", owner ? json(*owner) : json()}};
        const HttpResponse r = As(u, "POST", "/api/v1/organisations", in.dump());
        EXPECT_EQ(r.status, Writes(u, Rec{0, owner, s}) ? 201 : 403) << r.body;
      }
    }
    // A new record may refer only to records the user sees.
    for (const Rec& r : orgs_) {
      const HttpResponse link = As(u, "POST", "/api/v1/interactions",
                                   json{{"date", "2026-04-01"}, {"kind", "call"}, {"title", "Call"},
                                        {"organisations", {r.id}}, {"sensitivity", "public"}, {"owner_unit", nullptr}}.dump());
      const bool root_writer = u.role && !u.unit && (*u.role == Role::kAdmin || *u.role == Role::kEditor);
      if (!Sees(u, r)) {
        EXPECT_EQ(link.status, 400) << link.body;
        EXPECT_EQ(link.Json()["errors"][0]["reason"], "no organisation with id " + std::to_string(r.id));
      } else {
        EXPECT_EQ(link.status, root_writer ? 201 : 403) << link.body;
      }
    }
    const HttpResponse own = As(u, "POST", "/api/v1/organisations", json{{"name", "Mine"}, {"kind", "ngo"}}.dump());
    const bool writer = u.role && (*u.role == Role::kAdmin || *u.role == Role::kEditor);
    ASSERT_EQ(own.status, writer ? 201 : 403) << own.body;
    if (writer) EXPECT_EQ(own.Json()["owner_unit"], u.unit ? json(*u.unit) : json());
  }
}

// Without credentials every route but health and login answers 401; a read-only token reads
// and writes nothing.
TEST_P(Access, DeniedByDefault) {
  std::vector<std::string> routes = {"/api/v1/meta", "/api/v1/openapi.json", "/api/v1/stats", "/api/v1/users",
                                     "/api/v1/tokens", "/api/v1/audit", "/api/v1/auth/session"};
  for (const domain::EntityType& t : domain::Registry::Get().types()) {
    routes.push_back("/api/v1/" + t.plural);
    routes.push_back("/api/v1/" + t.plural + "/1");
    routes.push_back("/api/v1/" + t.plural + "/1/history");
  }
  for (const std::string& route : routes) {
    for (const char* method : {"GET", "POST", "PATCH", "DELETE"}) {
      const HttpResponse r = server_->Call(method, route, "{}", {{"Authorization", ""}, {"Content-Type", "application/json"}});
      EXPECT_EQ(r.status, 401) << method << " " << route << " " << r.body;
      EXPECT_EQ(r.Header("www-authenticate"), "Bearer realm=\"amity\"") << route;
    }
  }
  EXPECT_EQ(server_->Call("GET", "/api/v1/health", "", {{"Authorization", ""}}).status, 200);
  store::Accounts accounts(*f_->store, f_->clock);
  auto token = accounts.CreateToken("admin-root", true, 30, "read only", store::Actor{"setup"});
  ASSERT_TRUE(token);
  const std::vector<std::pair<std::string, std::string>> ro = {{"Authorization", "Bearer " + token->secret},
                                                               {"Content-Type", "application/json"},
                                                               {"If-Match", "*"}};
  EXPECT_EQ(server_->Call("GET", "/api/v1/organisations", "", ro).status, 200);
  const HttpResponse post = server_->Call("POST", "/api/v1/organisations", R"({"name": "X", "kind": "ngo"})", ro);
  EXPECT_EQ(post.status, 403);
  EXPECT_EQ(post.Json()["detail"], "this API token is read-only");
  EXPECT_EQ(server_->Call("PATCH", "/api/v1/organisations/" + std::to_string(hub_), R"({"notes": "x"})", ro).status, 403);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/organisations/" + std::to_string(hub_), "", ro).status, 403);
}

// Every write, login and read of a restricted record is in the audit log, whose hash chain
// shows any entry changed, removed or reordered.
TEST_P(Access, TheAuditLogDetectsTampering) {
  const User& admin = users_[1];  // admin-root-cleared
  ASSERT_EQ(admin.name, "admin-root-cleared");
  const Rec& restricted = orgs_[3];
  ASSERT_EQ(restricted.sensitivity, "restricted");
  ASSERT_EQ(As(admin, "GET", "/api/v1/organisations/" + std::to_string(restricted.id)).status, 200);
  auto entries = store::ListAudit(*f_->store, store::AuditFilter{0, 100000});
  ASSERT_TRUE(entries);
  // Setup wrote units, organisations, interactions, users and tokens; then the read.
  const store::AuditEntry& last = entries->back();
  EXPECT_EQ(last.action, "read");
  EXPECT_EQ(last.actor, "admin-root-cleared");
  EXPECT_EQ(last.entity, "organisation");
  EXPECT_EQ(last.record_id, restricted.id);
  EXPECT_EQ(last.seq, static_cast<int64_t>(entries->size()));
  auto check = store::VerifyAudit(*f_->store);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->problems, std::vector<std::string>{});
  EXPECT_EQ(check->entries, static_cast<int64_t>(entries->size()));
  EXPECT_EQ(check->head, last.hash);

  auto sql = [&](const std::string& statement) {
    auto tx = f_->store->BeginWrite();
    ASSERT_TRUE(tx);
    ASSERT_TRUE((*tx)->Rows(statement, {}));
    ASSERT_TRUE((*tx)->Commit());
  };
  auto problems = [&] { return store::VerifyAudit(*f_->store)->problems; };
  // Changed.
  sql("UPDATE audit SET actor = 'someone else' WHERE seq = 5");
  EXPECT_EQ(problems(), std::vector<std::string>{"entry 5: its content does not match its hash: the entry was changed"});
  sql("UPDATE audit SET actor = '" + (*entries)[4].actor + "' WHERE seq = 5");
  EXPECT_EQ(problems(), std::vector<std::string>{});
  // Removed.
  sql("DELETE FROM audit WHERE seq = 7");
  EXPECT_EQ(problems(), (std::vector<std::string>{
                            "entry 8: follows entry 6; entry 7 is missing",
                            "entry 8: does not follow the entry before it (its previous hash differs): removed or reordered entries"}));
  // Reordered: entries 9 and 10 swap places (and numbers).
  sql("UPDATE audit SET seq = -9 WHERE seq = 9");
  sql("UPDATE audit SET seq = 9 WHERE seq = 10");
  sql("UPDATE audit SET seq = 10 WHERE seq = -9");
  const std::string follow = ": does not follow the entry before it (its previous hash differs): removed or reordered entries";
  const std::string changed = ": its content does not match its hash: the entry was changed";
  EXPECT_EQ(problems(), (std::vector<std::string>{"entry 8: follows entry 6; entry 7 is missing", "entry 8" + follow,
                                                  "entry 9" + follow, "entry 9" + changed, "entry 10" + follow,
                                                  "entry 10" + changed, "entry 11" + follow}));
}

INSTANTIATE_TEST_SUITE_P(Engines, Access, ::testing::ValuesIn(Engines()));

}  // namespace
}  // namespace amity::testing
