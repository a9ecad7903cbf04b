#pragma once
// SQL text shared by the SQL engines (sqlite/, postgres/): the statements built from the
// declarations and from list queries. Parameters are written `?` and collected in order;
// PostgreSQL numbers them (Numbered). Names in the text are declared names, never user input.
#include <charconv>
#include <string>
#include <string_view>
#include <cstdint>
#include <vector>

#include "base/text.h"
#include "domain/entity.h"
#include "domain/query.h"
#include "store/columns.h"

namespace amity::store {

enum class Dialect { kSqlite, kPostgres };

// Every column of ColumnsOf(type), quoted, comma-separated (built once per type).
const std::string& SelectList(const domain::EntityType& type);

// "SELECT <every column> FROM <table> WHERE id = ?" (built once per type).
const std::string& GetByIdSql(const domain::EntityType& type);

// The position of a field's single column in SelectList (-1 when none).
int ColumnIndex(const domain::EntityType& type, const std::string& field);

// A field in conditions and groups: its column, or a custom field's value inside the `custom`
// JSON, typed so that comparisons and groups work on values (decimals compare as numbers).
std::string FieldSql(Dialect d, const domain::EntityType& type, const domain::Field& f);

// " AND (…)" keeping the records of `type` (or, with no type, the link table's rows) that the
// thread's AccessScope may see, appending its parameters; empty when it sees them all.
std::string VisibilitySql(Dialect d, const domain::EntityType* type, std::vector<domain::Json>* params);

// GetByIdSql with VisibilitySql: the record only if the thread's AccessScope may see it. The id
// is the first parameter.
std::string GetVisibleSql(Dialect d, const domain::EntityType& type, std::vector<domain::Json>* params);

// " WHERE …" for a query's conditions (without paging) and VisibilitySql, appending its
// parameters.
void AppendConditions(Dialect d, const domain::EntityType& type, const domain::Query& q,
                      std::string* sql, std::vector<domain::Json>* params);

// The statement of one list page: every column, the conditions, the keyset cursor, the order
// (the sort field, then id) and a limit one past the page (to know whether another follows).
std::string ListSql(Dialect d, const domain::EntityType& type, const domain::Query& q,
                    std::vector<domain::Json>* params);

// SELECT count(*) of a query's matches (Page::total).
std::string TotalSql(Dialect d, const domain::EntityType& type, const domain::Query& q,
                     std::vector<domain::Json>* params);

// A count per value of q.group_by, largest first, then by value (no value first).
std::string CountSql(Dialect d, const domain::EntityType& type, const domain::Query& q,
                     std::vector<domain::Json>* params);

// INSERT of every column (all but id unless `with_id`), parameters in ColumnsOf order; the new
// id comes back as the only column.
std::string InsertSql(const domain::EntityType& type, bool with_id);
// UPDATE of every column but id, parameters in ColumnsOf order, then the id.
std::string ReplaceSql(const domain::EntityType& type);

// Ids of records whose `field` equals the value (identifiers: scheme and value), at most a
// limit (Transaction::FindIds).
std::string FindIdsSql(const domain::EntityType& type, const std::string& field,
                       const domain::Json& value, int limit, std::vector<domain::Json>* params);
// Ids of live records whose fields all equal `where` (Transaction::FindIdsMatching); empty
// when `where` names a field without a column.
std::string FindIdsMatchingSql(const domain::EntityType& type, const domain::Json& where, int limit,
                               std::vector<domain::Json>* params);
// Records of `entity` linking to target/key, dated from/to (empty: open), latest first.
std::string LinkedSql(std::string_view entity, std::string_view target, std::string_view key,
                      std::string_view from, std::string_view to, int limit,
                      std::vector<domain::Json>* params);
// A timeline page: columns entity, record_id, item, field, at (TimelineEntryAt).
std::string TimelineSql(Dialect d, const std::string& target, const std::string& key, const std::string& entity,
                        int64_t offset, int limit, std::vector<domain::Json>* params);

// The latest dated link to target/key on or before `until` that the reader may see (columns as
// TimelineSql's).
std::string LastLinkedSql(Dialect d, const std::string& target, const std::string& key,
                          const std::string& until, std::vector<domain::Json>* params);
// Live records of a type the reader may see (CountAll).
std::string CountLiveSql(Dialect d, const domain::EntityType& type, std::vector<domain::Json>* params);

// Statements that need nothing built.
inline constexpr const char* kInsertHistorySql =
    "INSERT INTO history (entity, record_id, version, at, actor, action, changes) VALUES (?, ?, ?, "
    "?, ?, ?, ?)";
inline constexpr const char* kHistorySql =
    "SELECT version, at, actor, action, changes FROM history WHERE entity = ? AND record_id = ? "
    "ORDER BY id DESC";
inline constexpr const char* kScanHistorySql =
    "SELECT id, entity, record_id, version, at, actor, action, changes FROM history WHERE id > ? "
    "ORDER BY id LIMIT ?";
inline constexpr const char* kDeleteLinksSql = "DELETE FROM link WHERE entity = ? AND record_id = ?";
inline constexpr const char* kInsertLinkSql =
    "INSERT INTO link (entity, record_id, field, item, target, target_key, at, owner_unit, "
    "sensitivity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr const char* kDeleteIdentifiersSql =
    "DELETE FROM identifier WHERE entity = ? AND record_id = ?";
inline constexpr const char* kInsertIdentifierSql =
    "INSERT INTO identifier (entity, scheme, value, record_id) VALUES (?, ?, ?, ?)";
inline constexpr const char* kGenerationSql = "SELECT n FROM generation WHERE entity = ?";
inline constexpr const char* kBumpGenerationSql =
    "INSERT INTO generation (entity, n) VALUES (?, 1) ON CONFLICT (entity) DO UPDATE SET n = "
    "generation.n + 1";

// `?` → `$1`, `$2`, … outside quoted literals and identifiers (PostgreSQL's placeholders).
std::string Numbered(const std::string& sql);

// Column positions in ColumnsOf order: id is 0, version is 6 (see CommonFields).
constexpr int kVersionColumn = 6;

// Fields of a type in the order JSON objects print their keys (sorted), each with the position
// of its (first) column in ColumnsOf(type).
struct OrderedField {
  std::string key;  // the field name as a JSON string with its colon: "\"name\":"
  const Column* first;
  int index;
};
const std::vector<OrderedField>& OrderedFields(const domain::EntityType& type);

// Reading rows, the same for every engine. `Row` is an engine's view of the current row:
//   bool Null(int i); int64_t Int(int i); bool Bool(int i); std::string_view Text(int i);
template <typename Row>
domain::Json ValueAt(const Row& row, int i, ColumnKind kind) {
  if (row.Null(i)) return domain::Json();
  switch (kind) {
    case ColumnKind::kInteger: return domain::Json(row.Int(i));
    case ColumnKind::kBoolean: return domain::Json(row.Bool(i));
    case ColumnKind::kJson: {
      const std::string_view t = row.Text(i);
      return domain::Json::parse(t.begin(), t.end(), nullptr, false);
    }
    case ColumnKind::kText: return domain::Json(std::string(row.Text(i)));
  }
  return domain::Json();
}

// The row (columns in ColumnsOf order, starting at `first`) as a record.
template <typename Row>
domain::Json RowToRecord(const Row& row, const domain::EntityType& type, int first = 0) {
  domain::Json r = domain::Json::object();
  int i = first;
  for (const Column& c : ColumnsOf(type)) {
    domain::Json v = ValueAt(row, i++, c.kind);
    if (!c.part.empty()) {
      if (!v.is_null()) r[c.field->name][c.part] = std::move(v);
      else if (!r.contains(c.field->name)) r[c.field->name] = nullptr;
    } else {
      r[c.field->name] = std::move(v);
    }
  }
  return r;
}

// Appends the row as the JSON text RowToRecord(...).dump() would print, without building it:
// the list and get endpoints' hot path.
template <typename Row>
void AppendRowJson(const Row& row, const domain::EntityType& type, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const OrderedField& f : OrderedFields(type)) {
    if (!first) out->push_back(',');
    first = false;
    out->append(f.key);
    const int i = f.index;
    if (!f.first->part.empty()) {  // money: amount and currency columns side by side
      if (row.Null(i)) {
        out->append("null");
      } else {
        out->append("{\"amount\":").append(std::to_string(row.Int(i)));
        out->append(",\"currency\":");
        AppendJsonString(out, row.Null(i + 1) ? std::string_view() : row.Text(i + 1));
        out->push_back('}');
      }
      continue;
    }
    if (row.Null(i)) {
      out->append("null");
      continue;
    }
    switch (f.first->kind) {
      case ColumnKind::kInteger: {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, row.Int(i));
        out->append(buf, r.ptr);
        break;
      }
      case ColumnKind::kBoolean: out->append(row.Bool(i) ? "true" : "false"); break;
      case ColumnKind::kJson: out->append(row.Text(i)); break;  // the JSON text Amity wrote
      case ColumnKind::kText: AppendJsonString(out, row.Text(i)); break;
    }
  }
  out->push_back('}');
}

}  // namespace amity::store

namespace amity::domain {
struct SearchQuery;
}

namespace amity::store {

// Search (store/search.h). The hits' columns, in this order: id, entity, record_id, title,
// names, body, sensitivity of search_doc.
//
// Records whose title or a name folded equals the query (`exact`), or starts with it, the
// reader may see, of the query's types, in the order of the names; at most `limit` rows (a
// record may come once per matching name).
std::string SearchNamesSql(Dialect d, const domain::SearchQuery& q, bool exact, int limit,
                           std::vector<domain::Json>* params);
// Records with every word of the query in their title or names (`names_only`), or anywhere, the
// reader may see, of the query's types: of the newest kSearchCandidates that match, those in
// names by the length of their title, the others newest first; at most `limit`. The same order
// on both engines.
inline constexpr int kSearchCandidates = 200;
std::string SearchWordsSql(Dialect d, const domain::SearchQuery& q, bool names_only, int limit,
                           std::vector<domain::Json>* params);

}  // namespace amity::store
