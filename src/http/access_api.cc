// The API's access routes: /auth (login, logout, session), /users, /tokens and /audit, and how
// every other request is authenticated (api.cc calls Authenticate before anything else).
#include <sodium.h>

#include <algorithm>

#include "base/text.h"
#include "domain/registry.h"
#include "http/api.h"
#include "http/problem.h"
#include "http/respond.h"
#include "store/audit.h"

namespace amity::http {

using domain::Json;
using store::Authenticated;
using store::Principal;

namespace {

constexpr const char* kCookie = "amity_session";

bool Unsafe(const std::string& method) { return method != "GET" && method != "HEAD"; }

// The value of cookie `name` in a Cookie header ("a=1; amity_session=…").
std::string CookieValue(const std::string& header, const std::string& name) {
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    const std::string part(Trim(std::string_view(header).substr(at, end - at)));
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    at = end + 1;
  }
  return "";
}

std::string SessionCookie(const std::string& value, int64_t max_age, bool secure) {
  return std::string(kCookie) + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
}

Json UnitJson(const std::optional<int64_t>& unit) { return unit ? Json(*unit) : Json(); }

Json UnitSetJson(const store::UnitSet& s) { return s.all ? Json("all") : Json(s.units); }

// What the session endpoint and login say about a user.
Json PrincipalJson(const Principal& p) {
  return Json{{"user", p.name},
              {"read_only", p.read_only},
              {"home_unit", UnitJson(p.home_unit)},
              {"units", {{"read", UnitSetJson(p.read)},
                         {"restricted", UnitSetJson(p.restricted)},
                         {"write", UnitSetJson(p.write)},
                         {"admin", UnitSetJson(p.admin)},
                         {"audit", UnitSetJson(p.audit)}}}};
}

// A string member of a JSON body: required, or absent → `fallback`.
Result<std::string> StringField(const Json& body, const char* name, bool required) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) return Invalid(name, "is required");
    return std::string();
  }
  if (!it->is_string()) return Invalid(name, "expected a string, got " + it->dump());
  return it->get<std::string>();
}

Result<bool> BoolField(const Json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) return Invalid(name, "expected true or false, got " + it->dump());
  return it->get<bool>();
}

// Only the listed members may appear.
Status OnlyFields(const Json& body, std::initializer_list<const char*> allowed) {
  if (!body.is_object()) return Invalid("", "expected a JSON object");
  for (const auto& [k, _] : body.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Invalid(k, "unknown field (allowed: " + list + ")");
    }
  }
  return {};
}

// A grant from a body or query: role, unit (an id; absent: the root), clearance.
Result<store::Grant> GrantFrom(const Json& body) {
  store::Grant g;
  ASSIGN_OR_RETURN(std::string role, StringField(body, "role", true));
  ASSIGN_OR_RETURN(g.role, store::ParseRole(role));
  auto unit = body.find("unit");
  if (unit != body.end() && !unit->is_null()) {
    if (!unit->is_number_integer() || unit->get<int64_t>() <= 0) {
      return Invalid("unit", "expected a unit id (a positive integer) or null for the root, got " + unit->dump());
    }
    g.unit = unit->get<int64_t>();
  }
  ASSIGN_OR_RETURN(g.clearance, BoolField(body, "clearance"));
  return g;
}

tl::unexpected<Error> Denied(const std::string& why) { return Fail(ErrorCode::kPermissionDenied, why); }

// Whether `p` may give (or manage a user who holds) each of `grants`: an admin of its unit, with
// clearance for that unit when the grant carries clearance, and an admin of the root unit for an
// auditor role. Anything less would let an admin make (or take over) an account that sees more
// than the admin does, or one that audits the admin's own work.
bool Administers(const Principal& p, const std::vector<store::Grant>& grants) {
  return std::all_of(grants.begin(), grants.end(), [&](const store::Grant& g) {
    if (g.role == store::Role::kAuditor && !p.admin.all) return false;
    if (g.clearance && !p.restricted.Has(g.unit)) return false;
    return p.admin.Has(g.unit);
  });
}

// Why `p` may not give `grant`.
std::string WhyNotGrant(const Principal& p, const store::Grant& g) {
  if (g.role == store::Role::kAuditor && !p.admin.all) return "auditor roles are granted by admins of the root unit";
  if (p.admin.Has(g.unit) && g.clearance) return "you may grant clearance only where you hold it";
  return "you may grant roles only on units you administer";
}

}  // namespace

Result<Authenticated> Api::Authenticate(const Request& req) {
  const std::string& authorization = req.Header("authorization");
  std::string secret;
  bool cookie = false;
  if (!authorization.empty()) {
    // The scheme is case-insensitive (RFC 9110 §11.1).
    if (authorization.size() <= 7 || AsciiLower(authorization.substr(0, 7)) != "bearer ") {
      return Fail(ErrorCode::kUnauthenticated, "Authorization must be \"Bearer <token>\"");
    }
    secret = std::string(Trim(std::string_view(authorization).substr(7)));
  } else {
    secret = CookieValue(req.Header("cookie"), kCookie);
    cookie = true;
  }
  if (secret.empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "sign in first: POST /api/v1/auth/login, or send Authorization: Bearer <an API token>");
  }
  ASSIGN_OR_RETURN(Authenticated who, accounts_.Authenticate(secret));
  if (cookie && who.kind != "session") {
    return Fail(ErrorCode::kUnauthenticated, "an API token goes in the Authorization header, not a cookie");
  }
  if (Unsafe(req.method)) {
    // A page of another site can make the browser send the cookie, but cannot read the token.
    if (cookie) {
      const std::string& sent = req.Header("x-csrf-token");
      if (sent.size() != who.csrf.size() || sodium_memcmp(sent.data(), who.csrf.data(), sent.size()) != 0) {
        return Fail(ErrorCode::kPermissionDenied,
                    "send the session's CSRF token (from the login or GET /api/v1/auth/session) in X-CSRF-Token",
                    {{"X-CSRF-Token", sent.empty() ? "is required" : "does not match the session"}});
      }
    }
    if (who.principal.read_only) return Denied("this API token is read-only");
  }
  return who;
}

Response Api::HandleLogin(const Request& req) {
  if (req.method != "POST") return MethodNotAllowed("POST");
  auto body = ParseBody(req);
  if (!body) return ErrorResponse(body.error());
  if (auto st = OnlyFields(*body, {"name", "password"}); !st) return ErrorResponse(st.error());
  auto name = StringField(*body, "name", true);
  if (!name) return ErrorResponse(name.error());
  auto password = StringField(*body, "password", true);
  if (!password) return ErrorResponse(password.error());
  auto session = accounts_.Login(*name, *password, req.remote);
  if (!session) {
    if (session.error().code != ErrorCode::kResourceExhausted) return ErrorResponse(session.error());
    // The store says until when (its one "retry_after" field): a header, not a field error.
    const Error& e = session.error();
    const int64_t until = e.fields.empty() ? 0 : ParseRfc3339Millis(e.fields[0].reason);
    const int64_t seconds = std::max<int64_t>(1, (until - records_.clock().NowMillis() + 999) / 1000);
    Response r = ProblemResponse(429, e.message);
    r.With("Retry-After", std::to_string(seconds));
    return r;
  }
  auto who = accounts_.Authenticate(session->secret);
  if (!who) return ErrorResponse(who.error());
  Json out = PrincipalJson(who->principal);
  out["csrf_token"] = session->csrf;
  out["expires_at"] = session->expires_at;
  Response r = JsonResponse(200, out);
  r.With("Set-Cookie", SessionCookie(session->secret, accounts_.policy().absolute_seconds, req.secure));
  return r;
}

Response Api::HandleAccess(const Request& req, const std::vector<std::string>& seg,
                           const std::vector<std::pair<std::string, std::string>>& params,
                           const Authenticated& who) {
  const std::string& m = req.method;
  const Principal& p = who.principal;
  const store::Actor actor{p.name, req.remote};
  auto body_or = [&]() { return ParseBody(req); };

  if (seg[0] == "auth") {
    if (seg.size() == 2 && seg[1] == "session") {
      if (m != "GET") return MethodNotAllowed("GET, HEAD");
      if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
      Json out = PrincipalJson(p);
      out["kind"] = who.kind;
      out["csrf_token"] = who.kind == "session" ? Json(who.csrf) : Json();
      return JsonResponse(200, out);
    }
    if (seg.size() == 2 && seg[1] == "logout") {
      if (m != "POST") return MethodNotAllowed("POST");
      if (who.kind != "session") {
        return ErrorResponse(Invalid("Authorization", "an API token is not logged out; revoke it with DELETE /api/v1/tokens/{id}").value());
      }
      if (auto st = accounts_.Logout(who, req.remote); !st) return ErrorResponse(st.error());
      Response r;
      r.status = 204;
      r.content_type.clear();
      r.With("Set-Cookie", SessionCookie("", 0, req.secure));
      return r;
    }
    return ProblemResponse(404, "no such resource: " + req.target.substr(0, req.target.find('?')));
  }

  if (seg[0] == "users") {
    if (p.admin.Empty() && !(seg.size() >= 2 && seg[1] == p.name)) {
      return ErrorResponse(Denied("managing users needs an admin role").value());
    }
    if (seg.size() == 1) {
      if (m == "GET") {
        if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
        auto users = accounts_.ListUsers();
        if (!users) return ErrorResponse(users.error());
        return JsonResponse(200, {{"items", *users}});
      }
      if (m != "POST") return MethodNotAllowed("GET, HEAD, POST");
      auto body = body_or();
      if (!body) return ErrorResponse(body.error());
      if (auto st = OnlyFields(*body, {"name", "password", "role", "unit", "clearance"}); !st) return ErrorResponse(st.error());
      auto name = StringField(*body, "name", true);
      if (!name) return ErrorResponse(name.error());
      auto password = StringField(*body, "password", false);
      if (!password) return ErrorResponse(password.error());
      auto grant = GrantFrom(*body);
      if (!grant) return ErrorResponse(grant.error());
      if (!Administers(p, {*grant})) return ErrorResponse(Denied(WhyNotGrant(p, *grant)).value());
      if (auto st = accounts_.AddUser(*name, *password, *grant, actor); !st) return ErrorResponse(st.error());
      auto user = accounts_.User(*name);
      if (!user) return ErrorResponse(user.error());
      Response r = JsonResponse(201, *user);
      r.With("Location", "/api/v1/users/" + *name);
      return r;
    }
    const std::string& name = seg[1];
    auto grants = accounts_.GrantsOf(name);
    if (!grants) return ErrorResponse(grants.error());
    const bool self = name == p.name;
    const bool manages = Administers(p, *grants);
    if (!self && !manages) return ErrorResponse(Denied("user \"" + name + "\" holds roles outside the units you administer").value());
    if (seg.size() == 2) {
      if (m == "GET") {
        auto user = accounts_.User(name);
        if (!user) return ErrorResponse(user.error());
        return JsonResponse(200, *user);
      }
      if (m != "PATCH") return MethodNotAllowed("GET, HEAD, PATCH");
      auto body = body_or();
      if (!body) return ErrorResponse(body.error());
      if (auto st = OnlyFields(*body, {"password", "current_password", "disabled"}); !st) return ErrorResponse(st.error());
      // Everything is checked before anything is written.
      auto password = StringField(*body, "password", false);
      if (!password) return ErrorResponse(password.error());
      const bool new_password = body->contains("password") && !(*body)["password"].is_null();
      std::optional<bool> disabled;
      if (body->contains("disabled") && !(*body)["disabled"].is_null()) {
        if (!manages) return ErrorResponse(Denied("only an admin may disable or enable a user").value());
        auto d = BoolField(*body, "disabled");
        if (!d) return ErrorResponse(d.error());
        if (self && *d) return ErrorResponse(Invalid("disabled", "you cannot disable yourself").value());
        disabled = *d;
      }
      if (new_password && self && accounts_.HasPassword(name)) {
        // One's own password, admins' too, only with the current one: a session left open or a
        // stolen token must not be enough to take the account over.
        auto current = StringField(*body, "current_password", true);
        if (!current) return ErrorResponse(current.error());
        if (!accounts_.PasswordIs(name, *current)) {
          return ErrorResponse(Invalid("current_password", "is not the current password").value());
        }
      } else if (body->contains("current_password") && !new_password) {
        return ErrorResponse(Invalid("current_password", "goes with a new password").value());
      }
      if (new_password) {
        // The session that changes its own password stays open; every other one ends.
        const int64_t keep = self && who.kind == "session" ? who.credential_id : 0;
        if (auto st = accounts_.SetPassword(name, *password, actor, keep); !st) return ErrorResponse(st.error());
      }
      if (disabled) {
        if (auto st = accounts_.SetDisabled(name, *disabled, actor); !st) return ErrorResponse(st.error());
      }
      auto user = accounts_.User(name);
      if (!user) return ErrorResponse(user.error());
      return JsonResponse(200, *user);
    }
    if (seg.size() == 3 && seg[2] == "grants") {
      if (!manages) return ErrorResponse(Denied("managing roles needs an admin role").value());
      // Nobody changes their own roles: no admin raises themselves, none locks themselves out.
      if (self) return ErrorResponse(Denied("you cannot change your own roles; ask another admin").value());
      if (m != "POST" && m != "DELETE") return MethodNotAllowed("POST, DELETE");
      auto body = body_or();
      if (!body) return ErrorResponse(body.error());
      if (auto st = OnlyFields(*body, {"role", "unit", "clearance"}); !st) return ErrorResponse(st.error());
      auto grant = GrantFrom(*body);
      if (!grant) return ErrorResponse(grant.error());
      if (!Administers(p, {*grant})) return ErrorResponse(Denied(WhyNotGrant(p, *grant)).value());
      auto st = m == "POST" ? accounts_.AddGrant(name, *grant, actor) : accounts_.RemoveGrant(name, *grant, actor);
      if (!st) return ErrorResponse(st.error());
      auto user = accounts_.User(name);
      if (!user) return ErrorResponse(user.error());
      return JsonResponse(200, *user);
    }
    return ProblemResponse(404, "no such resource: " + req.target.substr(0, req.target.find('?')));
  }

  if (seg[0] == "tokens") {
    const bool root_admin = p.admin.all;
    if (seg.size() == 1) {
      if (m == "GET") {
        std::string user = p.name;
        for (const auto& [k, v] : params) {
          if (k != "user") return ErrorResponse(Invalid(k, "unknown parameter (allowed: user)").value());
          if (v != p.name && !root_admin) return ErrorResponse(Denied("only an admin of the root unit sees others' tokens").value());
          user = v;
        }
        auto tokens = accounts_.ListTokens(user);
        if (!tokens) return ErrorResponse(tokens.error());
        return JsonResponse(200, {{"items", *tokens}});
      }
      if (m != "POST") return MethodNotAllowed("GET, HEAD, POST");
      auto body = body_or();
      if (!body) return ErrorResponse(body.error());
      if (auto st = OnlyFields(*body, {"user", "read_only", "expires_days", "label"}); !st) return ErrorResponse(st.error());
      auto user = StringField(*body, "user", false);
      if (!user) return ErrorResponse(user.error());
      if (user->empty()) *user = p.name;
      if (*user != p.name && !root_admin) return ErrorResponse(Denied("only an admin of the root unit creates tokens for others").value());
      auto read_only = BoolField(*body, "read_only");
      if (!read_only) return ErrorResponse(read_only.error());
      std::optional<int64_t> days;
      if (body->contains("expires_days") && !(*body)["expires_days"].is_null()) {
        if (!(*body)["expires_days"].is_number_integer()) {
          return ErrorResponse(Invalid("expires_days", "expected a whole number of days").value());
        }
        days = (*body)["expires_days"].get<int64_t>();
      }
      auto label = StringField(*body, "label", false);
      if (!label) return ErrorResponse(label.error());
      auto token = accounts_.CreateToken(*user, *read_only, days, *label, actor);
      if (!token) return ErrorResponse(token.error());
      return JsonResponse(201, {{"id", token->id}, {"user", *user}, {"token", token->secret},
                                {"label", label->empty() ? Json() : Json(*label)}, {"read_only", *read_only},
                                {"expires_at", token->expires_at.empty() ? Json() : Json(token->expires_at)}});
    }
    if (seg.size() == 2) {
      if (m != "DELETE") return MethodNotAllowed("DELETE");
      const std::string& key = seg[1];
      const bool digits = !key.empty() && key.size() <= 18 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digits) return ErrorResponse(Invalid("id", "expected a token id, got \"" + key + "\"").value());
      auto st = accounts_.Revoke(std::stoll(key), root_admin ? "" : p.name, actor);
      if (!st) return ErrorResponse(st.error());
      Response r;
      r.status = 204;
      r.content_type.clear();
      return r;
    }
    return ProblemResponse(404, "no such resource: " + req.target.substr(0, req.target.find('?')));
  }

  // /audit
  if (seg.size() != 1) return ProblemResponse(404, "no such resource: " + req.target.substr(0, req.target.find('?')));
  if (m != "GET") return MethodNotAllowed("GET, HEAD");
  if (p.audit.Empty()) return ErrorResponse(Denied("the audit log is read by auditors").value());
  store::AuditFilter f;
  f.units = p.audit.all ? nullptr : &p.audit;
  for (const auto& [k, v] : params) {
    auto number = [&](int64_t lo, int64_t hi) -> Result<int64_t> {
      const bool digits = !v.empty() && v.size() <= 18 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
      const int64_t n = digits ? std::stoll(v) : -1;
      if (n < lo || n > hi) return Invalid(k, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
      return n;
    };
    if (k == "after") {
      auto n = number(0, INT64_MAX / 2);
      if (!n) return ErrorResponse(n.error());
      f.after = *n;
    } else if (k == "limit") {
      auto n = number(1, 1000);
      if (!n) return ErrorResponse(n.error());
      f.limit = static_cast<int>(*n);
    } else if (k == "record_id") {
      auto n = number(1, INT64_MAX / 2);
      if (!n) return ErrorResponse(n.error());
      f.record_id = *n;
    } else if (k == "actor") {
      f.actor = v;
    } else if (k == "action") {
      f.action = v;
    } else if (k == "entity") {
      const domain::EntityType* t = domain::Registry::Get().ByNameOrPlural(v);
      if (!t) return ErrorResponse(Invalid(k, "no entity type \"" + v + "\"").value());
      f.entity = t->name;
    } else {
      return ErrorResponse(Invalid(k, "unknown parameter (allowed: after, limit, actor, action, entity, record_id)").value());
    }
  }
  auto entries = store::ListAudit(records_.store(), f);
  if (!entries) return ErrorResponse(entries.error());
  Json items = Json::array();
  for (const store::AuditEntry& e : *entries) items.push_back(store::AuditJson(e));
  const bool more = static_cast<int>(entries->size()) == f.limit;
  return JsonResponse(200, {{"items", items}, {"next_after", more ? Json(entries->back().seq) : Json()}});
}

Status Api::AuditRead(const Request& req, const std::vector<std::string>& seg, const Authenticated& who,
                      const Response& response) {
  if ((req.method != "GET" && req.method != "HEAD") || response.status != 200 || seg.empty()) return {};
  const domain::EntityType* type = domain::Registry::Get().ByPlural(seg[0]);
  if (!type) return {};
  // The text the store writes for a restricted record (keys and values exactly so).
  const bool restricted = !who.principal.restricted.Empty() &&
                          response.body.find("\"sensitivity\":\"restricted\"") != std::string::npos;
  if (type->name != "person" && !restricted) return {};
  if (seg.size() == 3 && seg[2] == "export") return {};  // audited as person_export (store/personal.cc)
  store::AuditEntry e;
  e.at = records_.clock().NowRfc3339();
  e.actor = who.principal.name;
  e.client = req.remote;
  e.action = seg.size() == 1 ? "list" : "read";
  e.entity = type->name;
  if (seg.size() >= 2) {
    auto id = records_.ResolveKey(*type, seg[1]);
    if (id) e.record_id = *id;
    if (seg.size() == 2) {  // the record itself: its unit, for auditors of that unit
      const Json record = Json::parse(response.body, nullptr, false);
      if (record.is_object() && record.contains("owner_unit") && record["owner_unit"].is_number_integer()) {
        e.unit = record["owner_unit"].get<int64_t>();
      }
    }
  }
  e.detail = Json{{"target", req.target}, {"restricted", restricted}}.dump();
  return store::AppendAudit(records_.store(), std::move(e));
}

}  // namespace amity::http
