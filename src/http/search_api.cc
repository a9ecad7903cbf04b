// GET /api/v1/search: one box over every record the user may see (store/search.h).
#include "domain/search.h"
#include "http/api.h"
#include "http/problem.h"
#include "http/respond.h"
#include "store/audit.h"
#include "store/search.h"

namespace amity::http {

using domain::Json;

Response Api::SearchResponse(const Request& req, const std::vector<std::pair<std::string, std::string>>& params,
                             const store::Authenticated& who) {
  auto q = domain::ParseSearch(params);
  if (!q) return ErrorResponse(q.error());
  auto hits = store::Search(records_.store(), *q);
  if (!hits) return ErrorResponse(hits.error());
  Json items = Json::array();
  Json persons = Json::array(), restricted = Json::array();
  for (const store::SearchHit& h : *hits) {
    items.push_back(store::SearchHitJson(h));
    if (h.type == "person") persons.push_back(h.id);
    if (h.restricted) restricted.push_back(Json{{"type", h.type}, {"id", h.id}});
  }
  // Hits show persons' names and text of restricted records: audited as reads of them are.
  if (!persons.empty() || !restricted.empty()) {
    store::AuditEntry e;
    e.at = records_.clock().NowRfc3339();
    e.actor = who.principal.name;
    e.client = req.remote;
    e.action = "search";
    e.detail = Json{{"target", req.target}, {"persons", persons}, {"restricted", restricted}}.dump();
    if (auto st = store::AppendAudit(records_.store(), std::move(e)); !st) return ErrorResponse(st.error());
  }
  return JsonResponse(200, {{"items", items}});
}

}  // namespace amity::http
