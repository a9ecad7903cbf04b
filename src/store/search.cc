#include "store/search.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include "domain/registry.h"

namespace amity::store {

using domain::SearchDoc;
using domain::SearchDocOf;

namespace {

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out.push_back('\n');
    out += l;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The folded text as a tsvector literal: each token with its positions, weighted A (title),
// B (names) or C (the rest), sections apart so that a phrase never spans two. Positions and
// their number per word are capped as PostgreSQL caps them; words stop being added before the
// value would pass PostgreSQL's limit for one tsvector (1 MB).
std::string TsVector(const SearchDoc& doc) {
  std::unordered_map<std::string, std::string> positions;
  std::unordered_map<std::string, int> counts;
  std::vector<std::string> order;
  size_t size = 0;
  int pos = 0;
  auto add = [&](const std::string& folded, char weight) {
    size_t start = 0;
    while (start < folded.size()) {
      size_t space = folded.find(' ', start);
      if (space == std::string::npos) space = folded.size();
      const std::string token = folded.substr(start, space - start);
      start = space + 1;
      pos = std::min(pos + 1, 16383);
      auto [it, fresh] = positions.try_emplace(token);
      if (fresh) {
        if (size + token.size() + 16 > 900'000) {
          positions.erase(it);
          continue;
        }
        order.push_back(token);
        size += token.size() + 16;
      }
      int& n = counts[token];
      if (n >= 256) continue;
      ++n;
      size += 4;
      it->second += (it->second.empty() ? "" : ",") + std::to_string(pos) + weight;
    }
    pos = std::min(pos + 10, 16383);
  };
  add(doc.title_folded, 'A');
  add(doc.names_folded, 'B');
  add(doc.body_folded, 'C');
  std::string out;
  for (const std::string& token : order) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('\'');
    for (char ch : token) {
      if (ch == '\'' || ch == '\\') out.push_back(ch);
      out.push_back(ch);
    }
    out += "':" + positions[token];
  }
  return out;
}

// What a record's entry holds besides its folded text: owner and sensitivity (records of types
// every signed-in user reads count as public).
Json OwnerOf(const EntityType& type, const Json& record) {
  return type.access == domain::Access::kOwned ? record.value("owner_unit", Json()) : Json();
}
std::string SensitivityOf(const EntityType& type, const Json& record) {
  if (type.access != domain::Access::kOwned) return "public";
  auto it = record.find("sensitivity");
  return it != record.end() && it->is_string() ? it->get<std::string>() : "internal";
}

// The columns of one search_doc row, in the order the insert statements take them (after id).
std::vector<Json> DocParams(Dialect d, const EntityType& type, int64_t id, const Json& record,
                            const SearchDoc& doc) {
  std::vector<Json> p = {type.name,        id,       OwnerOf(type, record), SensitivityOf(type, record),
                         doc.title,        JoinLines(doc.names), doc.body, doc.title_folded,
                         doc.names_folded, doc.body_folded,     Json(doc.name_keys).dump()};
  if (d == Dialect::kPostgres) p.push_back(TsVector(doc));
  return p;
}

std::string DocColumns(Dialect d) {
  return std::string("entity, record_id, owner_unit, sensitivity, title, names, body, title_f, names_f, body_f, keys") +
         (d == Dialect::kPostgres ? ", words" : "");
}

constexpr int kDocParams = 11;  // without words

Status Run(Transaction& tx, const std::string& sql, const std::vector<Json>& params) {
  return tx.Rows(sql, params).map([](auto&&) {});
}

// Removes the entry `row` (id, title_f, names_f, body_f) names.
Status DeleteEntry(Transaction& tx, Dialect d, const Json& row) {
  if (d == Dialect::kSqlite) {
    // An external-content FTS5 table forgets a row given the values it indexed.
    RETURN_IF_ERROR(Run(tx,
                        "INSERT INTO search_fts (search_fts, rowid, title_f, names_f, body_f) VALUES "
                        "('delete', ?, ?, ?, ?)",
                        {row[0], row[1], row[2], row[3]}));
  }
  RETURN_IF_ERROR(Run(tx, "DELETE FROM search_name WHERE doc = ?", {row[0]}));
  return Run(tx, "DELETE FROM search_doc WHERE id = ?", {row[0]});
}

std::string InsertDocSql(Dialect d) {
  std::string marks;
  for (int i = 0; i < kDocParams + (d == Dialect::kPostgres ? 1 : 0); ++i) marks += i ? ", ?" : "?";
  return "INSERT INTO search_doc (" + DocColumns(d) + ") VALUES (" + marks + ") RETURNING id";
}

Status InsertNames(Transaction& tx, int64_t doc, const SearchDoc& sd) {
  for (const std::string& key : sd.name_keys) {
    RETURN_IF_ERROR(Run(tx, "INSERT INTO search_name (folded, doc) VALUES (?, ?)", {key, doc}));
  }
  return {};
}

}  // namespace

Status FinishSearchBulk(Transaction& tx, Dialect d, SearchBulk& bulk) {
  if (!bulk.first) return {};
  const Json first = *bulk.first;
  bulk.first.reset();
  // In key order: the index grows at its end instead of at a random place per row.
  RETURN_IF_ERROR(Run(tx,
                      d == Dialect::kSqlite
                          ? "INSERT INTO search_name (folded, doc) SELECT k.value, d.id FROM search_doc d, "
                            "json_each(d.keys) k WHERE d.id >= ? ORDER BY 1, 2"
                          : "INSERT INTO search_name (folded, doc) SELECT k, d.id FROM search_doc d, "
                            "jsonb_array_elements_text(d.keys::jsonb) k WHERE d.id >= ? ORDER BY 1, 2",
                      {first}));
  if (d == Dialect::kSqlite) {
    RETURN_IF_ERROR(Run(tx,
                        "INSERT INTO search_fts (rowid, title_f, names_f, body_f) SELECT id, title_f, names_f, body_f "
                        "FROM search_doc WHERE id >= ?",
                        {first}));
  }
  return {};
}

Status WriteSearch(Transaction& tx, Dialect d, const EntityType& type, int64_t id, const Json& record,
                   bool replace, SearchBulk* bulk) {
  auto deleted = record.find("deleted_at");
  const bool live = deleted == record.end() || deleted->is_null();
  const SearchDoc doc = live ? SearchDocOf(type, record) : SearchDoc{};
  std::vector<Json> params = live ? DocParams(d, type, id, record, doc) : std::vector<Json>{};
  if (replace) {
    ASSIGN_OR_RETURN(std::vector<Json> old,
                     tx.Rows("SELECT id, title_f, names_f, body_f, owner_unit, sensitivity, title, names, body "
                             "FROM search_doc WHERE entity = ? AND record_id = ?",
                             {type.name, id}));
    if (!old.empty()) {
      const Json& o = old[0];
      // A change that leaves the entry as it was (a status, a date) writes nothing here.
      if (live && o[4] == params[2] && o[5] == params[3] && o[6] == params[4] && o[7] == params[5] &&
          o[8] == params[6]) {
        return {};
      }
      // An entry the bulk has not completed yet has no names or words to remove.
      if (bulk && bulk->first && o[0].get<int64_t>() >= *bulk->first) {
        RETURN_IF_ERROR(Run(tx, "DELETE FROM search_doc WHERE id = ?", {o[0]}));
      } else {
        RETURN_IF_ERROR(DeleteEntry(tx, d, o));
      }
    }
  }
  if (!live) return {};
  static const std::string insert_sqlite = InsertDocSql(Dialect::kSqlite);
  static const std::string insert_postgres = InsertDocSql(Dialect::kPostgres);
  ASSIGN_OR_RETURN(std::vector<Json> ids, tx.Rows(d == Dialect::kSqlite ? insert_sqlite : insert_postgres, params));
  const int64_t doc_id = ids.at(0).at(0).get<int64_t>();
  if (bulk) {
    if (!bulk->first) bulk->first = doc_id;
    return {};
  }
  if (d == Dialect::kSqlite) {
    RETURN_IF_ERROR(Run(tx, "INSERT INTO search_fts (rowid, title_f, names_f, body_f) VALUES (?, ?, ?, ?)",
                        {doc_id, doc.title_folded, doc.names_folded, doc.body_folded}));
  }
  return InsertNames(tx, doc_id, doc);
}

namespace {

SearchHit HitOf(const Json& row, const char* match, const domain::SearchQuery& q) {
  SearchHit h;
  h.id = row[2].get<int64_t>();
  h.type = row[1].get<std::string>();
  h.title = row[3].get<std::string>();
  h.match = match;
  h.restricted = row[6] == "restricted";
  const std::vector<std::string> whole = q.Whole();
  const std::string prefix = q.Prefix();
  constexpr size_t kSnippetChars = 160;
  h.snippet = MarkMatches(h.title, whole, prefix, kSnippetChars);
  if (h.snippet.empty()) {
    for (const std::string& name : SplitLines(row[4].get<std::string>())) {
      h.snippet = MarkMatches(name, whole, prefix, kSnippetChars);
      if (!h.snippet.empty()) break;
    }
  }
  if (h.snippet.empty()) h.snippet = MarkMatches(row[5].get<std::string>(), whole, prefix, kSnippetChars);
  if (h.snippet.empty() && !h.title.empty()) h.snippet = {{h.title, false}};
  return h;
}

}  // namespace

Json SearchHitJson(const SearchHit& h) {
  Json snippet = Json::array();
  for (const Marked& m : h.snippet) {
    snippet.push_back(m.match ? Json{{"text", m.text}, {"match", true}} : Json{{"text", m.text}});
  }
  return {{"type", h.type}, {"id", h.id}, {"title", h.title}, {"match", h.match}, {"snippet", std::move(snippet)}};
}

namespace {

Dialect DialectOf(const Store& store) {
  return store.Dialect() == "postgresql" ? Dialect::kPostgres : Dialect::kSqlite;
}

}  // namespace

Result<std::vector<SearchHit>> Search(Store& store, const domain::SearchQuery& q) {
  const Dialect d = DialectOf(store);
  std::vector<SearchHit> hits;
  std::set<int64_t> seen;  // search_doc ids
  auto take = [&](const std::string& sql, const std::vector<Json>& params, const char* match) -> Status {
    ASSIGN_OR_RETURN(std::vector<Json> rows, store.Rows(sql, params));
    for (const Json& row : rows) {
      if (static_cast<int>(hits.size()) >= q.limit) break;
      if (seen.insert(row[0].get<int64_t>()).second) hits.push_back(HitOf(row, match, q));
    }
    return {};
  };
  const int want = q.limit;
  std::vector<Json> params;
  std::string sql = SearchNamesSql(d, q, true, want, &params);
  RETURN_IF_ERROR(take(sql, params, "exact"));
  if (static_cast<int>(hits.size()) < want) {
    params.clear();
    // A record may start with the query in several names: ask for more rows than hits.
    sql = SearchNamesSql(d, q, false, 2 * want + static_cast<int>(hits.size()), &params);
    RETURN_IF_ERROR(take(sql, params, "prefix"));
  }
  for (bool names_only : {true, false}) {
    if (static_cast<int>(hits.size()) >= want) break;
    params.clear();
    sql = SearchWordsSql(d, q, names_only, want + static_cast<int>(hits.size()), &params);
    RETURN_IF_ERROR(take(sql, params, names_only ? "name" : "text"));
  }
  return hits;
}

namespace {

// Inserts the entries of `batch` (type, record) with ids from `*next_id`, several rows a
// statement; their names and words follow in FinishSearchBulk.
Status InsertBatch(Transaction& tx, Dialect d, const std::vector<std::pair<const EntityType*, Json>>& batch,
                   int64_t* next_id) {
  if (batch.empty()) return {};
  std::string sql = "INSERT INTO search_doc (id, " + DocColumns(d) + ") VALUES ";
  std::vector<Json> params;
  const int columns = kDocParams + (d == Dialect::kPostgres ? 1 : 0) + 1;
  for (const auto& [type, record] : batch) {
    std::vector<Json> p = DocParams(d, *type, record["id"].get<int64_t>(), record, SearchDocOf(*type, record));
    sql += params.empty() ? "(" : ", (";
    for (int i = 0; i < columns; ++i) sql += i ? ", ?" : "?";
    sql += ")";
    params.push_back((*next_id)++);
    for (Json& v : p) params.push_back(std::move(v));
  }
  return Run(tx, sql, params);
}

}  // namespace

Result<int64_t> RebuildSearch(Store& store) {
  const Dialect d = DialectOf(store);
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> tx, store.BeginWrite());
  std::vector<std::string> deferred;  // PostgreSQL: the word index, built once at the end
  if (d == Dialect::kSqlite) {
    RETURN_IF_ERROR(Run(*tx, "INSERT INTO search_fts (search_fts) VALUES ('delete-all')", {}));
    RETURN_IF_ERROR(Run(*tx, "DELETE FROM search_name", {}));
    RETURN_IF_ERROR(Run(*tx, "DELETE FROM search_doc", {}));
  } else {
    RETURN_IF_ERROR(Run(*tx, "TRUNCATE search_name, search_doc", {}));
    ASSIGN_OR_RETURN(std::vector<Json> defs,
                     tx->Rows("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_doc' AND "
                              "indexdef LIKE '%USING gin%'",
                              {}));
    for (const Json& row : defs) {
      RETURN_IF_ERROR(Run(*tx, "DROP INDEX " + Quote(row[0].get<std::string>()), {}));
      deferred.push_back(row[1].get<std::string>());
    }
  }
  int64_t next_id = 1, count = 0;
  const AccessScope everything(nullptr);
  for (const EntityType& type : domain::Registry::Get().types()) {
    domain::Query q;
    q.limit = 500;
    while (true) {
      ASSIGN_OR_RETURN(Page page, store.List(type, q));
      if (page.items.empty()) break;
      const int64_t last = page.items.back()["id"].get<int64_t>();
      std::vector<std::pair<const EntityType*, Json>> batch;
      for (Json& r : page.items) {
        batch.emplace_back(&type, std::move(r));
        if (batch.size() == 100) {
          RETURN_IF_ERROR(InsertBatch(*tx, d, batch, &next_id));
          batch.clear();
        }
      }
      RETURN_IF_ERROR(InsertBatch(*tx, d, batch, &next_id));
      count += static_cast<int64_t>(page.items.size());
      if (page.next_cursor.empty()) break;
      q.after = domain::Cursor{Json(), last};
    }
  }
  SearchBulk bulk{1};
  RETURN_IF_ERROR(FinishSearchBulk(*tx, d, bulk));
  if (d == Dialect::kPostgres) {
    for (const std::string& def : deferred) RETURN_IF_ERROR(Run(*tx, def, {}));
    RETURN_IF_ERROR(Run(*tx, "SELECT setval(pg_get_serial_sequence('search_doc', 'id'), ?, false)", {next_id}));
  }
  RETURN_IF_ERROR(Run(*tx, "UPDATE search_state SET version = ?", {kSearchVersion}));
  RETURN_IF_ERROR(tx->Commit());
  return count;
}

Status EnsureSearchIndex(Store& store) {
  ASSIGN_OR_RETURN(std::vector<Json> rows, store.Rows("SELECT version FROM search_state", {}));
  if (!rows.empty() && rows[0][0] == Json(kSearchVersion)) return {};
  return RebuildSearch(store).map([](int64_t) {});
}

}  // namespace amity::store
