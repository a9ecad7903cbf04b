// Request targets → ParseTarget → ParseQuery for every declared type, as a list and as counts,
// then the SQL both engines would run. When the path names a type (/api/v1/{plural} or
// /api/v1/{plural}/counts) the query also runs on an SQLite database holding the demo data, as
// the API would run it.
//
// Invariants beyond "no crash": a query that parses runs without error (anything else would be
// a 500), and the cursor of its next page parses and runs too.
#include "domain/query.h"
#include "domain/registry.h"
#include "fuzz_support.h"
#include "http/url.h"
#include "store/sql.h"

namespace amity::fuzz {
namespace {

using domain::EntityType;
using domain::Json;
using domain::Params;

void Sql(const EntityType& type, const domain::Query& q, bool counts) {
  for (store::Dialect d : {store::Dialect::kSqlite, store::Dialect::kPostgres}) {
    std::vector<Json> params;
    if (counts) {
      (void)store::CountSql(d, type, q, &params);
    } else {
      (void)store::ListSql(d, type, q, &params);
      params.clear();
      (void)store::TotalSql(d, type, q, &params);
    }
  }
}

std::string Describe(const std::string& target, const Error& e) {
  std::string s = "\"" + target + "\": " + e.message;
  for (const FieldViolation& v : e.fields) s += "; " + v.field + ": " + v.reason;
  return s;
}

// Runs a parsed query as the API does; then its next page, by the cursor the page gave.
void Run(const std::string& target, const EntityType& type, const Params& params,
         const domain::Query& q, bool counts, const std::vector<domain::Field>* custom) {
  store::Records& records = *Demo().records;
  if (counts) {
    auto c = records.Count(type, q, target);
    if (!c) Fail("counts of " + Describe(target, c.error()));
    return;
  }
  auto page = records.ListText(type, q);
  if (!page) Fail("list of " + Describe(target, page.error()));
  if (page->next_cursor.empty()) return;
  Params next;
  for (const auto& [k, v] : params) {
    if (k != "cursor") next.emplace_back(k, v);
  }
  next.emplace_back("cursor", page->next_cursor);
  auto nq = domain::ParseQuery(type, next, false, Ref(), custom);
  if (!nq) Fail("the next cursor of " + Describe(target, nq.error()));
  auto second = records.ListText(type, *nq);
  if (!second) Fail("the next page of " + Describe(target, second.error()));
}

}  // namespace
}  // namespace amity::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amity;
  using namespace amity::fuzz;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto target = http::ParseTarget(text);
  if (!target) {
    if (target.error().fields.empty() || target.error().fields[0].reason.empty()) {
      Fail("\"" + text + "\": an error without its parameter and reason");
    }
    return 0;
  }
  const std::vector<std::string> seg = http::SplitPath(target->path);
  const domain::EntityType* named = nullptr;
  bool named_counts = false;
  if (seg.size() >= 3 && seg.size() <= 4 && seg[0] == "api" && seg[1] == "v1" &&
      (seg.size() == 3 || seg[3] == "counts")) {
    named = domain::Registry::Get().ByPlural(seg[2]);
    named_counts = seg.size() == 4;
  }
  auto custom = Demo().records->Custom();
  if (!custom) Fail("custom fields: " + custom.error().message);
  for (const domain::EntityType& type : domain::Registry::Get().types()) {
    const std::vector<domain::Field>* own = &(*custom)->Of(type.name);
    for (const bool counts : {false, true}) {
      auto q = domain::ParseQuery(type, target->params, counts, Ref(), own);
      if (!q) {
        for (const FieldViolation& v : q.error().fields) {
          if (v.reason.empty()) Fail(Describe(text, q.error()) + ": a problem without a reason");
        }
        continue;
      }
      Sql(type, *q, counts);
      if (&type == named && counts == named_counts) Run(text, type, target->params, *q, counts, own);
    }
  }
  return 0;
}
