#include "http/api.h"

#include <sodium.h>

#include <algorithm>
#include <optional>

#include "base/text.h"
#include "domain/money.h"
#include "domain/query.h"
#include "embedded/amity_web.h"
#include "http/problem.h"
#include "http/respond.h"
#include "http/url.h"
#include "io/files.h"
#include "store/rates.h"

namespace amity::http {

using domain::EntityType;
using domain::Json;

namespace {

constexpr size_t kMaxJsonDepth = 32;
// Characters in one JSON string or member name: far past what any field needs (a note, a
// document's text), well inside the 1 MiB body.
constexpr size_t kMaxJsonString = 100'000;

bool IsJsonContentType(const std::string& ct) {
  const std::string base = AsciiLower(Trim(ct.substr(0, ct.find(';'))));
  return base == "application/json" || base == "application/merge-patch+json" ||
         (base.starts_with("application/") && base.ends_with("+json"));
}

// Nesting depth of a JSON text (brackets outside strings).
size_t JsonDepth(const std::string& s) {
  size_t depth = 0, max = 0;
  bool in_string = false, escape = false;
  for (char c : s) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max = std::max(max, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return max;
}

// The first string or member name in `j` longer than kMaxJsonString characters, by its path
// ("names.en", "stops[2].city"), as the field errors name fields.
std::optional<FieldViolation> LongString(const Json& j, const std::string& path) {
  const auto too_long = [] { return "is longer than " + std::to_string(kMaxJsonString) + " characters"; };
  if (j.is_string()) {
    if (CodePointCount(j.get_ref<const std::string&>()) <= kMaxJsonString) return std::nullopt;
    return FieldViolation{path, too_long()};
  }
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      if (auto v = LongString(j[i], path + "[" + std::to_string(i) + "]")) return v;
    }
  }
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (CodePointCount(k) > kMaxJsonString) return FieldViolation{path, "has a member name that " + too_long()};
      if (auto violation = LongString(v, path.empty() ? k : path + "." + k)) return violation;
    }
  }
  return std::nullopt;
}


// If-Match: "3" (or 3) → 3; "*" → any; absent → 428.
Result<std::optional<int64_t>> IfMatch(const Request& req) {
  std::string v(Trim(req.Header("if-match")));
  if (v.empty()) {
    return Fail(ErrorCode::kPreconditionRequired,
                "send If-Match with the ETag you read (the record's version), so a concurrent change is not overwritten",
                {{"If-Match", "is required"}});
  }
  if (v == "*") return std::optional<int64_t>();
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t n = 0;
  const bool digits = !v.empty() && v.size() <= 18 &&
                      std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) n = std::stoll(v);
  if (n <= 0) return Invalid("If-Match", "expected an ETag like \"3\", got " + req.Header("if-match"));
  return std::optional<int64_t>(n);
}


std::string ETag(int64_t version) {
  std::string etag(1, '"');
  etag.append(std::to_string(version)).push_back('"');
  return etag;
}

Response RecordResponse(int status, const Json& record) {
  Response r = JsonResponse(status, record);
  r.With("ETag", ETag(record["version"].get<int64_t>()));
  return r;
}

// {"items": [...], "next_cursor": …, "total": …} around a page's JSON text.
Response PageResponse(const store::TextPage& page) {
  Response r;
  r.body.reserve(page.items.size() + 64);
  r.body.append("{\"items\":").append(page.items).append(",\"next_cursor\":");
  if (page.next_cursor.empty()) {
    r.body.append("null");
  } else {
    AppendJsonString(&r.body, page.next_cursor);
  }
  if (page.total) r.body.append(",\"total\":").append(std::to_string(*page.total));
  r.body.push_back('}');
  return r;
}


std::string KeyOf(const EntityType& type, const Json& record) {
  if (!type.key_field.empty()) return record[type.key_field].get<std::string>();
  return std::to_string(record["id"].get<int64_t>());
}

std::string ContentTypeFor(const std::string& path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  if (path.ends_with(".json")) return "application/json";
  if (path.ends_with(".png")) return "image/png";
  if (path.ends_with(".ico")) return "image/x-icon";
  if (path.ends_with(".woff2")) return "font/woff2";
  return "application/octet-stream";
}



}  // namespace

Result<Json> ParseBody(const Request& req) {
  if (!IsJsonContentType(req.Header("content-type"))) {
    return Fail(ErrorCode::kInvalidArgument, "Content-Type must be application/json",
                {{"Content-Type", "expected application/json, got \"" + req.Header("content-type") + "\""}});
  }
  if (Trim(req.body).empty()) return Invalid("", "the body is empty; expected a JSON object");
  if (JsonDepth(req.body) > kMaxJsonDepth) {
    return Invalid("", "the body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  try {
    Json body = Json::parse(req.body);
    if (auto v = LongString(body, "")) return Invalid(v->field, v->reason);
    return body;
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    const size_t bracket = what.find("] ");
    if (bracket != std::string::npos) what = what.substr(bracket + 2);
    return Invalid("", "the body is not valid JSON: " + what);
  }
}

Response JsonResponse(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

Response MethodNotAllowed(const std::string& allow) {
  Response r = ProblemResponse(405, "allowed methods: " + allow);
  r.With("Allow", allow);
  return r;
}

// Query parameters of endpoints that take none must be absent.
Status NoParams(const std::vector<std::pair<std::string, std::string>>& params) {
  if (params.empty()) return {};
  return Invalid(params[0].first, "unknown parameter (this endpoint takes none)");
}

Api::Api(store::Records& records, ApiOptions options)
    : records_(records),
      options_(std::move(options)),
      accounts_(records.store(), records.clock(), options_.sessions),
      in_process_db_(records.store().Dialect() == "sqlite") {
  if (sodium_init() < 0) std::abort();
  // The web UI as Vite built it (web/, embedded by CMake): index.html names content-hashed files
  // under /assets/, which browsers may cache forever; the rest (index.html, the icon) is
  // revalidated on every load.
  for (std::string_view name : amity_web::Names()) {
    const std::string file(name);
    const std::string url = file == "index.html" ? "/" : "/" + file;
    assets_[url] = Asset{std::string(amity_web::Get(name)), ContentTypeFor(file), file.starts_with("assets/")};
  }
}

Result<std::shared_ptr<const Api::Described>> Api::Describe() {
  ASSIGN_OR_RETURN(std::shared_ptr<const domain::CustomFields> custom, records_.Custom());
  std::lock_guard lock(described_mu_);
  if (!described_ || described_->generation != custom->generation()) {
    described_ = std::make_shared<const Described>(
        Described{custom->generation(), BuildMeta(domain::Registry::Get(), *custom).dump(),
                  BuildOpenApi(domain::Registry::Get(), *custom, options_.version).dump()});
  }
  return described_;
}

bool Api::IsUpload(std::string_view method, std::string_view target) {
  if (method != "PUT") return false;
  target = target.substr(0, target.find('?'));
  return target.starts_with("/api/v1/documents/") && target.ends_with("/file");
}

// ASCII fallback and RFC 5987 UTF-8 form of a download's file name.
std::string AttachmentDisposition(const std::string& name) {
  std::string ascii, encoded;
  static const char* hex = "0123456789ABCDEF";
  for (unsigned char c : name) {
    ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded.append({'%', hex[c >> 4], hex[c & 15]});
    }
  }
  if (name.empty()) return "attachment";
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

Response Api::HandleFile(const Request& req, const EntityType& type, int64_t id) {
  const store::Actor actor{store::AccessScope::Current() ? store::AccessScope::Current()->name : "system", req.remote};
  if (req.method == "GET") {
    auto record = records_.Get(type, id);
    if (!record) return ErrorResponse(record.error());
    if (!(*record)["deleted_at"].is_null()) return ProblemResponse(404, "document " + std::to_string(id) + " is in the trash");
    const Json sha = (*record)["file_sha256"];
    if (!sha.is_string()) return ProblemResponse(404, "document " + std::to_string(id) + " has no file yet");
    auto bytes = io::FileStore(options_.files_dir).Read(sha.get<std::string>());
    if (!bytes) return ErrorResponse(bytes.error());
    Response r;
    r.content_type = (*record)["file_type"].is_string() ? (*record)["file_type"].get<std::string>()
                                                        : "application/octet-stream";
    r.body = std::move(*bytes);
    r.With("Content-Disposition",
           AttachmentDisposition((*record)["file_name"].is_string() ? (*record)["file_name"].get<std::string>() : ""));
    r.With("ETag", "\"" + sha.get<std::string>() + "\"");
    r.With("Cache-Control", "private, no-cache");
    return r;
  }
  if (req.method != "PUT") return MethodNotAllowed("GET, HEAD, PUT");
  if (options_.files_dir.empty()) return ProblemResponse(503, "this server keeps no files (no data directory)");
  auto version = IfMatch(req);
  if (!version) return ErrorResponse(version.error());
  auto target = ParseTarget(req.target);
  std::string name;
  for (const auto& [k, v] : target->params) {
    if (k != "filename") return ErrorResponse(Invalid(k, "unknown parameter (allowed: filename)").value());
    name = io::SafeFileName(v);
    if (name.empty()) return ErrorResponse(Invalid("filename", "not a usable file name").value());
  }
  if (req.body.empty()) return ErrorResponse(Invalid("", "the body is empty; send the file's bytes").value());
  // The record must exist and be live before anything is written.
  auto current = records_.Get(type, id);
  if (!current) return ErrorResponse(current.error());
  if (!(*current)["deleted_at"].is_null()) {
    return ProblemResponse(409, "document " + std::to_string(id) + " is in the trash; restore it first");
  }
  auto stored = io::FileStore(options_.files_dir).Put(req.body);
  if (!stored) return ErrorResponse(stored.error());
  Json fields = {{"file_sha256", stored->sha256}, {"file_size", stored->size},
                 {"file_type", stored->content_type}, {"file_name", name.empty() ? Json() : Json(name)},
                 {"text", nullptr}};
  // Plain text is kept for search (at most 1 MB of it).
  if (stored->content_type.starts_with("text/") && req.body.size() <= (1 << 20) && IsValidUtf8(req.body)) {
    fields["text"] = req.body;
  }
  auto updated = records_.SetMaintained(type, id, *version, fields, actor, "upload");
  if (!updated) return ErrorResponse(updated.error());
  return RecordResponse(200, *updated);
}

bool Api::IsQuick(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return false;
  std::string_view path(req.target);
  path = path.substr(0, path.find('?'));
  if (!path.starts_with("/api/")) return true;  // static files, from memory
  if (!path.starts_with("/api/v1/")) return true;  // a 404
  path.remove_prefix(8);
  const size_t slash = path.find('/');
  if (path == "health") return true;
  if (!in_process_db_) return false;
  // Reads of persons are audited: a write, which must not hold the I/O thread.
  if (path.starts_with("persons")) return false;
  if (slash == std::string_view::npos) return path == "meta" || path == "openapi.json";
  // {plural}/{key}: one row by its primary or unique key.
  const std::string_view key = path.substr(slash + 1);
  return !key.empty() && key != "counts" && key.find('/') == std::string_view::npos;
}

Response Api::Handle(const Request& req) {
  auto target = ParseTarget(req.target);
  Response r;
  if (!target) {
    r = ErrorResponse(target.error());
  } else if (target->path == "/api/v1" || target->path.starts_with("/api/v1/")) {
    const std::vector<std::string> segments = SplitPath(target->path.substr(7));
    if (segments.size() == 1 && segments[0] == "health") {
      r = HandleApi(req, segments, target->params, store::Authenticated{});
    } else if (segments.size() == 2 && segments[0] == "auth" && segments[1] == "login") {
      r = HandleLogin(req);
    } else if (auto who = Authenticate(req); !who) {
      r = ErrorResponse(who.error());
    } else {
      const store::AccessScope scope(&who->principal);
      const bool access = !segments.empty() && (segments[0] == "auth" || segments[0] == "users" ||
                                                segments[0] == "tokens" || segments[0] == "audit");
      r = access ? HandleAccess(req, segments, target->params, *who)
                 : HandleApi(req, segments, target->params, *who);
      if (auto st = AuditRead(req, segments, *who, r); !st) r = ErrorResponse(st.error());
    }
  } else if (target->path.starts_with("/api/")) {
    r = ProblemResponse(404, "no such API version; use /api/v1");
  } else {
    r = HandleStatic(req, target->path);
  }
  // Every 401 names the scheme to authenticate with (RFC 9110 §15.5.2), a failed login's too.
  if (r.status == 401) r.With("WWW-Authenticate", "Bearer realm=\"amity\"");
  // (The security headers are the server's: it sets them on every response, its own too.)
  if (r.status >= 400 || (target && target->path.starts_with("/api/"))) {
    bool has_cache = false;
    for (const auto& [k, _] : r.headers) has_cache = has_cache || k == "Cache-Control";
    if (!has_cache) r.With("Cache-Control", "no-store");
  }
  return r;
}

Response Api::HandleStatic(const Request& req, const std::string& path) {
  if (req.method != "GET") return MethodNotAllowed("GET, HEAD");
  auto it = assets_.find(path == "/index.html" ? "/" : path);
  if (it == assets_.end()) {
    // A screen of the UI (/organisations/12) is index.html, which routes it; a missing file is not.
    const std::string_view last = std::string_view(path).substr(path.rfind('/') + 1);
    if (path.starts_with("/assets/") || last.find('.') != std::string_view::npos) {
      return ProblemResponse(404, "no such page: " + path);
    }
    it = assets_.find("/");
  }
  Response r;
  r.content_type = it->second.content_type;
  r.body = it->second.body;
  r.With("Cache-Control", it->second.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  return r;
}

Response Api::HandleApi(const Request& req, const std::vector<std::string>& seg,
                        const std::vector<std::pair<std::string, std::string>>& params,
                        const store::Authenticated& who) {
  const std::string& m = req.method;
  const store::Actor actor{who.principal.name, req.remote};
  // Reads may come from a replica (store::ReplicaReads: never behind this process's writes).
  std::optional<store::ReplicaReads> replica_reads;
  if (m == "GET" || m == "HEAD") replica_reads.emplace();
  if (seg.empty()) return ProblemResponse(404, "see /api/v1/openapi.json for the endpoints");
  if (seg.size() == 1 && (seg[0] == "health" || seg[0] == "meta" || seg[0] == "openapi.json" ||
                          seg[0] == "stats")) {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
    Response r;
    if (seg[0] == "health") {
      r = JsonResponse(200, {{"status", "ok"}, {"version", options_.version},
                             {"database", records_.store().Dialect()}});
    } else if (seg[0] == "meta" || seg[0] == "openapi.json") {
      auto described = Describe();
      if (!described) return ErrorResponse(described.error());
      r.body = seg[0] == "meta" ? (*described)->meta : (*described)->openapi;
    } else {
      auto counts = records_.LiveCounts();
      if (!counts) return ErrorResponse(counts.error());
      r = JsonResponse(200, {{"records", *counts}});
    }
    return r;
  }
  if (seg.size() == 1 && seg[0] == "search") {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    return SearchResponse(req, params, who);
  }
  const EntityType* type = domain::Registry::Get().ByPlural(seg[0]);
  if (!type) return ProblemResponse(404, "no such resource: /api/v1/" + seg[0]);
  const domain::ReferenceData& ref = records_.reference();
  // The custom fields a list or count names (custom.NAME), held while the query points into them.
  std::shared_ptr<const domain::CustomFields> custom;
  const std::vector<domain::Field>* own_custom = nullptr;
  for (const auto& [k, v] : params) {
    if (custom || (!k.starts_with("custom") && !v.starts_with("custom") && !v.starts_with("-custom"))) continue;
    auto c = records_.Custom();
    if (!c) return ErrorResponse(c.error());
    custom = *c;
    own_custom = &custom->Of(type->name);
  }

  // The order of text in lists when the query has no lang=.
  const domain::Lang lang = *domain::ParseLang(PreferredLang(req.Header("accept-language")));

  // /{plural}
  if (seg.size() == 1) {
    if (m == "GET") {
      auto q = domain::ParseQuery(*type, params, false, ref, own_custom, lang);
      if (!q) return ErrorResponse(q.error());
      auto page = records_.ListText(*type, *q);
      if (!page) return ErrorResponse(page.error());
      Response r = PageResponse(*page);
      r.With("Vary", "Accept-Language");
      return r;
    }
    if (m == "POST") {
      if (type->reference_data) return MethodNotAllowed("GET, HEAD");
      if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
      auto body = ParseBody(req);
      if (!body) return ErrorResponse(body.error());
      auto created = records_.Create(*type, *body, actor);
      if (!created) return ErrorResponse(created.error());
      Response r = RecordResponse(201, *created);
      r.With("Location", "/api/v1/" + type->plural + "/" + KeyOf(*type, *created));
      return r;
    }
    return MethodNotAllowed(type->reference_data ? "GET, HEAD" : "GET, HEAD, POST");
  }
  // /{plural}/counts
  if (seg.size() == 2 && seg[1] == "counts") {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    auto q = domain::ParseQuery(*type, params, true, ref, own_custom, lang);
    if (!q) return ErrorResponse(q.error());
    std::string cache_key;
    for (const auto& [k, v] : params) cache_key += k + "=" + v + "&";
    auto counts = records_.Count(*type, *q, cache_key);
    if (!counts) return ErrorResponse(counts.error());
    Json list = Json::array();
    int64_t total = 0;
    for (const store::GroupCount& g : *counts) {
      list.push_back({{"value", g.value}, {"count", g.count}});
      total += g.count;
    }
    const std::string by = (q->group_by->custom ? "custom." : "") + q->group_by->name;
    return JsonResponse(200, {{"by", by}, {"counts", list}, {"total", total}});
  }
  auto id = records_.ResolveKey(*type, seg[1]);
  if (!id) return ErrorResponse(id.error());
  // /{plural}/{key}
  if (seg.size() == 2) {
    if (m == "GET") {
      if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
      // A partner's GET carries its last contact, derived from what links to it.
      auto r = records_.GetText(*type, *id, type->timeline_subject);
      if (!r) return ErrorResponse(r.error());
      Response response;
      response.body = std::move(r->json);
      if (type->timeline_subject && response.body.ends_with("}")) {
        response.body.pop_back();
        response.body.append(",\"last_contact\":")
            .append(store::Records::LastContactJson(r->last_linked).dump())
            .push_back('}');
      }
      response.With("ETag", ETag(r->version));
      return response;
    }
    if (m == "PATCH") {
      if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
      auto version = IfMatch(req);
      if (!version) return ErrorResponse(version.error());
      auto body = ParseBody(req);
      if (!body) return ErrorResponse(body.error());
      auto r = records_.Update(*type, *id, *version, *body, actor);
      if (!r) return ErrorResponse(r.error());
      return RecordResponse(200, *r);
    }
    if (m == "DELETE" && !type->reference_data) {
      if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
      std::optional<int64_t> version;
      if (!req.Header("if-match").empty()) {
        auto v = IfMatch(req);
        if (!v) return ErrorResponse(v.error());
        version = *v;
      }
      auto r = records_.Delete(*type, *id, version, actor);
      if (!r) return ErrorResponse(r.error());
      return RecordResponse(200, *r);
    }
    return MethodNotAllowed(type->reference_data ? "GET, HEAD, PATCH" : "GET, HEAD, PATCH, DELETE");
  }
  if (seg.size() == 3 && seg[2] == "history") {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
    auto h = records_.History(*type, *id);
    if (!h) return ErrorResponse(h.error());
    Json items = Json::array();
    for (const store::HistoryEntry& e : *h) {
      items.push_back({{"version", e.version}, {"at", e.at}, {"actor", e.actor},
                       {"action", e.action}, {"changes", e.changes}});
    }
    return JsonResponse(200, {{"items", items}});
  }
  if (seg.size() == 3 && seg[2] == "timeline" && type->timeline_subject) {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    std::string entity;
    int64_t limit = 50, offset = 0;
    for (const auto& [k, v] : params) {
      if (k == "entity") {
        const EntityType* t = domain::Registry::Get().ByNameOrPlural(v);
        if (!t || t->timeline_date.empty()) {
          return ErrorResponse(Invalid("entity", "\"" + v + "\" is not a type that appears on timelines").value());
        }
        entity = t->name;
      } else if (k == "limit" || k == "offset") {
        const bool digits = !v.empty() && v.size() <= 9 &&
                            std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
        const int64_t n = digits ? std::stoll(v) : -1;
        if (k == "limit" && (n < 1 || n > 500)) return ErrorResponse(Invalid(k, "expected an integer from 1 to 500").value());
        if (k == "offset" && n < 0) return ErrorResponse(Invalid(k, "expected a non-negative integer").value());
        (k == "limit" ? limit : offset) = n;
      } else {
        return ErrorResponse(Invalid(k, "unknown parameter (allowed: entity, limit, offset)").value());
      }
    }
    auto t = records_.Timeline(*type, *id, entity, static_cast<int>(limit), offset);
    if (!t) return ErrorResponse(t.error());
    return JsonResponse(200, *t);
  }
  if (seg.size() == 3 && seg[2] == "file" && type->name == "document") {
    return HandleFile(req, *type, *id);
  }
  if (seg.size() == 3 && seg[2] == "totals" && domain::HasTotals(*type)) {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    std::string currency;
    for (const auto& [k, v] : params) {
      if (k != "currency") return ErrorResponse(Invalid(k, "unknown parameter (allowed: currency)").value());
      currency = v;
    }
    if (currency.empty()) {
      return ErrorResponse(Invalid("currency", "is required: the ISO 4217 code to total in, like \"USD\"").value());
    }
    if (!ref.IsCurrency(currency)) {
      return ErrorResponse(Invalid("currency", "\"" + currency + "\" is not an ISO 4217 code").value());
    }
    auto record = records_.Get(*type, *id);
    if (!record) return ErrorResponse(record.error());
    auto totals = domain::Totals(*type, *record, currency, store::RatesFrom(records_));
    if (!totals) return ErrorResponse(totals.error());
    return JsonResponse(200, *totals);
  }
  // A person's data on request (store/personal.cc): everything held about them, and erasure.
  if (seg.size() == 3 && type->name == "person" && seg[2] == "export") {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
    auto r = records_.ExportPerson(*id, actor);
    if (!r) return ErrorResponse(r.error());
    return JsonResponse(200, *r);
  }
  if (seg.size() == 3 && type->name == "person" && seg[2] == "erase") {
    if (m != "POST") return MethodNotAllowed("POST");
    if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
    if (!Trim(req.body).empty()) return ErrorResponse(Invalid("", "erasing takes no body").value());
    auto version = IfMatch(req);
    if (!version) return ErrorResponse(version.error());
    auto r = records_.ErasePerson(*id, *version, actor);
    if (!r) return ErrorResponse(r.error());
    return RecordResponse(200, *r);
  }
  if (seg.size() == 3 && seg[2] == "restore" && !type->reference_data) {
    if (m != "POST") return MethodNotAllowed("POST");
    if (auto st = NoParams(params); !st) return ErrorResponse(st.error());
    auto r = records_.Restore(*type, *id, actor);
    if (!r) return ErrorResponse(r.error());
    return RecordResponse(200, *r);
  }
  if (seg.size() == 3 && type->name == "country" && seg[2] == "subdivisions") {
    if (m != "GET") return MethodNotAllowed("GET, HEAD");
    const EntityType& sub = *domain::Registry::Get().ByName("subdivision");
    auto with_country = params;
    with_country.emplace_back("country", seg[1]);
    auto q = domain::ParseQuery(sub, with_country, false, ref, nullptr, lang);
    if (!q) return ErrorResponse(q.error());
    auto page = records_.ListText(sub, *q);
    if (!page) return ErrorResponse(page.error());
    Response r = PageResponse(*page);
    r.With("Vary", "Accept-Language");
    return r;
  }
  return ProblemResponse(404, "no such resource: " + req.target.substr(0, req.target.find('?')));
}

}  // namespace amity::http
