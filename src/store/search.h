#pragma once
// The search index (issue 6): kept by the stores in the same transaction as each record, queried
// by GET /api/v1/search and `amity search`. Tables: search_doc, search_name, and on SQLite the
// FTS5 table search_fts (migrations sqlite 0013, postgresql 0004).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/fold.h"
#include "domain/search.h"
#include "store/sql.h"
#include "store/store.h"

namespace amity::store {

// The version of what the index holds (folding, fields, columns). A database whose index was
// built with another is rebuilt when opened (OpenStore).
inline constexpr int kSearchVersion = 1;

struct SearchHit {
  std::string type;  // entity name
  int64_t id = 0;
  std::string title;
  // Why it was found: "exact" (a name equals the query), "prefix" (a name starts with it),
  // "name" (the words are in the title or names), "text" (the words are in its other text).
  std::string match;
  std::vector<Marked> snippet;  // from the title, a name or the text, matches marked
  bool restricted = false;      // the record's sensitivity (reads of it are audited)
};

// A hit as the API and the CLI print it: {"type", "id", "title", "match", "snippet": [{"text"},
// {"text", "match": true}, …]}.
Json SearchHitJson(const SearchHit& hit);

// A transaction writing many records (Transaction::ExpectMany: an import, a rebuild): their
// entries' names and words are written at commit, in one sorted statement each, instead of row
// by row. Entries with ids from `first` on are the ones still to complete.
struct SearchBulk {
  std::optional<int64_t> first;
};

// Writes the search entry of record `id` of `type` in `tx`, replacing the one it had when
// `replace`; a deleted record has none. Called by the engines wherever they write a record;
// with `bulk`, part of the work waits for FinishSearchBulk.
Status WriteSearch(Transaction& tx, Dialect d, const EntityType& type, int64_t id, const Json& record,
                   bool replace, SearchBulk* bulk = nullptr);
// Completes the entries `bulk` left (the engines call it in Commit, before committing).
Status FinishSearchBulk(Transaction& tx, Dialect d, SearchBulk& bulk);

// The hits for `q` that the thread's AccessScope may see, best first, at most q.limit.
Result<std::vector<SearchHit>> Search(Store& store, const domain::SearchQuery& q);

// Builds the whole index again from the records, in one transaction; the number of records.
Result<int64_t> RebuildSearch(Store& store);

// Rebuilds the index when it was built with another kSearchVersion (OpenStore calls this).
Status EnsureSearchIndex(Store& store);

}  // namespace amity::store
