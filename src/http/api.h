#pragma once
// The HTTP API under /api/v1 and the static first page: a plain function from request to
// response, built from the entity declarations (routes are generic over every declared type).
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "domain/custom.h"
#include "domain/registry.h"
#include "http/message.h"
#include "store/accounts.h"
#include "store/records.h"

namespace amity::http {

struct ApiOptions {
  ApiOptions(std::string version, std::string files_dir, store::SessionPolicy sessions = {})
      : version(std::move(version)), files_dir(std::move(files_dir)), sessions(sessions) {}
  std::string version;    // reported by /health
  std::string files_dir;  // where uploaded files are kept (DATA/files); empty: no uploads
  store::SessionPolicy sessions;
};

class Api {
 public:
  Api(store::Records& records, ApiOptions options);
  Response Handle(const Request& request);
  // Bounded work that the server may run on its I/O thread (see http::QuickTest): health and
  // static files; with an in-process database (SQLite) also point reads by key, meta and the
  // OpenAPI document. A database across the network (PostgreSQL) would hold the I/O thread for
  // a round trip, so its reads go to the workers.
  bool IsQuick(const Request& request) const;
  // Whether a request carries a file (PUT …/documents/{id}/file): the server allows it a larger
  // body than other requests.
  static bool IsUpload(std::string_view method, std::string_view target);

 private:
  // Every route but health and login runs for an authenticated user (`who`), inside an
  // store::AccessScope of theirs.
  Response HandleApi(const Request& request, const std::vector<std::string>& segments,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     const store::Authenticated& who);
  // /auth/login (no user yet) and the routes of access_api.cc.
  Response HandleLogin(const Request& request);
  // The user a request's session cookie or bearer token names: 401 without one, 403 for an
  // unsafe method without the session's CSRF token or with a read-only token.
  Result<store::Authenticated> Authenticate(const Request& request);
  Response HandleAccess(const Request& request, const std::vector<std::string>& segments,
                        const std::vector<std::pair<std::string, std::string>>& params,
                        const store::Authenticated& who);
  // Reads of persons and of restricted records go to the audit log (a read that cannot be
  // audited is refused).
  Status AuditRead(const Request& request, const std::vector<std::string>& segments,
                 const store::Authenticated& who, const Response& response);
  // GET /search (search_api.cc).
  Response SearchResponse(const Request& request, const std::vector<std::pair<std::string, std::string>>& params,
                          const store::Authenticated& who);
  Response HandleStatic(const Request& request, const std::string& path);
  Response HandleFile(const Request& request, const domain::EntityType& type, int64_t id);

  // /meta and /openapi.json as built for the custom fields in force (rebuilt when they change).
  struct Described {
    int64_t generation;
    std::string meta, openapi;
  };
  Result<std::shared_ptr<const Described>> Describe();

  store::Records& records_;
  ApiOptions options_;
  store::Accounts accounts_;
  bool in_process_db_;  // SQLite: point reads are quick enough for the I/O thread
  std::mutex described_mu_;
  std::shared_ptr<const Described> described_;
  struct Asset {
    std::string body, content_type;
    bool immutable;
  };
  std::map<std::string, Asset> assets_;  // by URL path
};

// The document /api/v1/meta serves: every entity type, field, label, enum value and filter,
// and the custom fields in force.
nlohmann::json BuildMeta(const domain::Registry& registry, const domain::CustomFields& custom);
// The OpenAPI 3.1 document /api/v1/openapi.json serves.
nlohmann::json BuildOpenApi(const domain::Registry& registry, const domain::CustomFields& custom,
                            const std::string& version);

}  // namespace amity::http
