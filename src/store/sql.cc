#include "store/sql.h"

#include <map>
#include <mutex>

#include "store/store.h"

namespace amity::store {

using domain::Condition;
using domain::FieldType;
using domain::Json;
using domain::Op;
using domain::Query;

const std::string& SelectList(const domain::EntityType& type) {
  static std::mutex mu;
  static std::map<const domain::EntityType*, std::string> cache;
  std::lock_guard lock(mu);
  auto& s = cache[&type];
  if (s.empty()) {
    for (const Column& c : ColumnsOf(type)) s += (s.empty() ? "" : ", ") + Quote(c.name);
  }
  return s;
}

const std::string& GetByIdSql(const domain::EntityType& type) {
  static std::mutex mu;
  static std::map<const domain::EntityType*, std::string> cache;
  std::lock_guard lock(mu);
  std::string& sql = cache[&type];
  if (sql.empty()) sql = "SELECT " + SelectList(type) + " FROM " + Quote(TableOf(type)) + " WHERE id = ?";
  return sql;
}

const std::vector<OrderedField>& OrderedFields(const domain::EntityType& type) {
  static std::mutex mu;
  static std::map<const domain::EntityType*, std::vector<OrderedField>> cache;
  std::lock_guard lock(mu);
  auto& v = cache[&type];
  if (v.empty()) {
    const std::vector<Column>& cols = ColumnsOf(type);
    std::map<std::string, int> by_name;
    for (size_t i = 0; i < cols.size(); ++i) by_name.emplace(cols[i].field->name, static_cast<int>(i));
    for (const auto& [name, i] : by_name) v.push_back({"\"" + name + "\":", &cols[i], i});
  }
  return v;
}

int ColumnIndex(const domain::EntityType& type, const std::string& field) {
  const std::vector<Column>& cols = ColumnsOf(type);
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].field->name == field && cols[i].part.empty()) return static_cast<int>(i);
  }
  return -1;
}

std::string FieldSql(Dialect d, const domain::EntityType& type, const domain::Field& f) {
  if (!f.custom) return Quote(ColumnOf(type, f.name)->name);
  // Declared names match [a-z][a-z0-9_]* (custom_field's pattern); anything else matches nothing.
  for (char ch : f.name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return "NULL";
  }
  if (d == Dialect::kSqlite) {
    // json_extract gives SQL values: 1/0 for booleans, numbers for numbers.
    const std::string value = "json_extract(\"custom\", '$." + f.name + "')";
    return f.type == FieldType::kDecimal ? "CAST(" + value + " AS REAL)" : value;
  }
  const std::string value = "(\"custom\"::jsonb ->> '" + f.name + "')";
  switch (f.type) {
    case FieldType::kInteger: return value + "::bigint";
    case FieldType::kDecimal: return value + "::numeric";
    case FieldType::kBoolean: return value + "::boolean";
    default: return value;
  }
}

namespace {

// A LIKE pattern matching `text` literally, with `%` before (for contains) and after.
std::string LikePattern(const std::string& text, bool anywhere) {
  std::string pattern = anywhere ? "%" : "";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  return pattern + "%";
}

// Case-insensitive LIKE: SQLite's LIKE already is (for ASCII); PostgreSQL's is ILIKE.
const char* Like(Dialect d) { return d == Dialect::kSqlite ? " LIKE ? ESCAPE '\\'" : " ILIKE ? ESCAPE '\\'"; }

// "Some element of the JSON list or object in `column` is …" (`test` applies to `value`).
std::string AnyElement(Dialect d, const domain::Field& f, const std::string& column, const std::string& test) {
  if (d == Dialect::kSqlite) return "EXISTS (SELECT 1 FROM json_each(" + column + ") WHERE value" + test + ")";
  const char* each = f.type == FieldType::kMultilingualText ? "jsonb_each_text" : "jsonb_array_elements_text";
  const std::string alias = f.type == FieldType::kMultilingualText ? " AS e(key, value)" : " AS e(value)";
  return std::string("EXISTS (SELECT 1 FROM ") + each + "(" + column + "::jsonb)" + alias + " WHERE value" + test + ")";
}

}  // namespace

namespace {

// "owner_unit IN <the set>" (the set as one parameter, so the statement's text does not vary
// with it), or a constant when the set is all or nothing.
std::string InUnits(Dialect d, const UnitSet& set, std::vector<Json>* params) {
  if (set.all) return "1 = 1";
  if (set.units.empty()) return "1 = 0";
  std::string list;
  for (int64_t u : set.units) list += (list.empty() ? "" : ",") + std::to_string(u);
  if (d == Dialect::kSqlite) {
    params->push_back("[" + list + "]");
    return "owner_unit IN (SELECT value FROM json_each(?))";
  }
  params->push_back("{" + list + "}");
  return "owner_unit = ANY (?::bigint[])";
}

}  // namespace

std::string VisibilitySql(Dialect d, const domain::EntityType* type, std::vector<Json>* params) {
  const Principal* p = AccessScope::Current();
  if (!p || (type && type->access != domain::Access::kOwned)) return "";
  if (p->read.all && p->restricted.all) return "";
  if (p->read.all && type) {
    // Everything but the restricted records the user is not cleared for. Restricted records are
    // few and indexed on their own (<table>_restricted), so the statement keeps the index it
    // would use without the condition (a count by country stays on the country index) and
    // checks ids against that small set.
    std::string sql = " AND id NOT IN (SELECT id FROM " + Quote(TableOf(*type)) + " WHERE sensitivity = 'restricted'";
    if (!p->restricted.Empty()) sql += " AND (owner_unit IS NULL OR NOT (" + InUnits(d, p->restricted, params) + "))";
    return sql + ")";
  }
  if (p->read.all && p->restricted.Empty()) return " AND sensitivity <> 'restricted'";
  std::string sql = " AND (sensitivity = 'public' OR (sensitivity = 'internal' AND ";
  sql += InUnits(d, p->read, params);
  sql += ") OR (sensitivity = 'restricted' AND ";
  sql += InUnits(d, p->restricted, params);
  return sql + "))";
}

std::string GetVisibleSql(Dialect d, const domain::EntityType& type, std::vector<Json>* params) {
  params->push_back(Json());  // the id, set by the caller
  const std::string visible = VisibilitySql(d, &type, params);
  return visible.empty() ? GetByIdSql(type) : GetByIdSql(type) + visible;
}

std::string LastLinkedSql(Dialect d, const std::string& target, const std::string& key,
                          const std::string& until, std::vector<Json>* params) {
  *params = {target, key, until};
  return "SELECT entity, record_id, item, field, at FROM link WHERE target = ? AND target_key = ? AND "
         "at <= ? AND at <> ''" + VisibilitySql(d, nullptr, params) + " ORDER BY at DESC LIMIT 1";
}

std::string CountLiveSql(Dialect d, const domain::EntityType& type, std::vector<Json>* params) {
  return "SELECT count(*) FROM " + Quote(TableOf(type)) + " WHERE deleted_at IS NULL" +
         VisibilitySql(d, &type, params);
}

void AppendConditions(Dialect d, const domain::EntityType& type, const Query& q, std::string* sql,
                      std::vector<Json>* params) {
  *sql += q.deleted ? " WHERE deleted_at IS NOT NULL" : " WHERE deleted_at IS NULL";
  *sql += VisibilitySql(d, &type, params);
  for (const Condition& c : q.conditions) {
    if (c.pseudo == "identifier") {
      *sql += " AND id IN (SELECT record_id FROM identifier WHERE entity = ? AND scheme = ? AND value = ?)";
      params->push_back(type.name);
      params->push_back(c.values[0]);
      params->push_back(c.values[1]);
      continue;
    }
    if (c.pseudo == "q") {
      std::string any;
      std::vector<const domain::Field*> searchable;
      for (const domain::Field& f : domain::CommonFields()) searchable.push_back(&f);
      for (const domain::Field& f : type.fields) searchable.push_back(&f);
      for (const domain::Field* f : searchable) {
        if (!f->searchable) continue;
        any += (any.empty() ? "" : " OR ") + Quote(f->name) + Like(d);
        params->push_back(LikePattern(c.values[0].get<std::string>(), true));
      }
      *sql += any.empty() ? " AND 1 = 0" : " AND (" + any + ")";
      continue;
    }
    const bool json_column = !c.field->custom && ColumnOf(type, c.field->name)->kind == ColumnKind::kJson;
    const std::string name = FieldSql(d, type, *c.field);
    switch (c.op) {
      case Op::kEq: *sql += " AND " + name + " = ?"; break;
      case Op::kNe: *sql += " AND (" + name + " IS NULL OR " + name + " <> ?)"; break;
      case Op::kGt: *sql += " AND " + name + " > ?"; break;
      case Op::kGte: *sql += " AND " + name + " >= ?"; break;
      case Op::kLt: *sql += " AND " + name + " < ?"; break;
      case Op::kLte: *sql += " AND " + name + " <= ?"; break;
      case Op::kIsNull: *sql += " AND " + name + " IS NULL"; break;
      case Op::kNotNull: *sql += " AND " + name + " IS NOT NULL"; break;
      case Op::kIn: {
        *sql += " AND " + name + " IN (";
        for (size_t i = 0; i < c.values.size(); ++i) *sql += i ? ", ?" : "?";
        *sql += ")";
        break;
      }
      case Op::kPrefix:
      case Op::kContains: {
        // A list of references holds ids: it contains the id itself.
        if (c.field->type == FieldType::kRefList) {
          *sql += " AND " + AnyElement(d, *c.field, name, " = ?");
          params->push_back(d == Dialect::kSqlite ? c.values[0] : Json(c.values[0].dump()));
          continue;
        }
        const std::string pattern = LikePattern(c.values[0].get<std::string>(), c.op == Op::kContains);
        *sql += " AND " + (json_column ? AnyElement(d, *c.field, name, Like(d)) : name + Like(d));
        params->push_back(pattern);
        continue;
      }
    }
    if (c.op != Op::kIsNull && c.op != Op::kNotNull) {
      for (const Json& v : c.values) params->push_back(v);
    }
  }
}

std::string ListSql(Dialect d, const domain::EntityType& type, const Query& q, std::vector<Json>* params) {
  std::string where;
  AppendConditions(d, type, q, &where, params);
  const Column* sort_col = q.sort ? ColumnOf(type, q.sort->name) : nullptr;
  // Text in the request's ICU collation, the same name in both engines (domain/collation.h),
  // in the order and the keyset comparisons alike, so that the page after a cursor continues
  // the order exactly; the <table>_<field>_<lang> indexes hold this order.
  std::string sort = sort_col ? Quote(sort_col->name) : "";
  if (sort_col && domain::Collated(*q.sort)) sort += " COLLATE " + Quote(domain::LangName(q.lang));
  const char* cmp = q.descending ? "<" : ">";
  if (q.after) {
    const std::string id_cmp = std::string(" id ") + cmp + " ?";
    if (!q.sort) {
      where += " AND" + id_cmp;
      params->push_back(q.after->id);
    } else if (q.after->sort_value.is_null()) {
      // Nulls come first ascending, last descending.
      where += q.descending ? " AND (" + sort + " IS NULL AND" + id_cmp + ")"
                            : " AND ((" + sort + " IS NULL AND" + id_cmp + ") OR " + sort + " IS NOT NULL)";
      params->push_back(q.after->id);
    } else {
      where += " AND (" + sort + " " + cmp + " ? OR (" + sort + " = ? AND" + id_cmp + ")" +
               (q.descending ? " OR " + sort + " IS NULL" : "") + ")";
      params->push_back(q.after->sort_value);
      params->push_back(q.after->sort_value);
      params->push_back(q.after->id);
    }
  }
  const char* dir = q.descending ? " DESC" : "";
  std::string sql = "SELECT " + SelectList(type) + " FROM " + Quote(TableOf(type)) + where + " ORDER BY ";
  if (q.sort) sql += sort + dir + (q.descending ? " NULLS LAST, " : " NULLS FIRST, ");
  sql += std::string("id") + dir + " LIMIT ?";
  params->push_back(q.limit + 1);
  return sql;
}

std::string TotalSql(Dialect d, const domain::EntityType& type, const Query& q, std::vector<Json>* params) {
  std::string where;
  AppendConditions(d, type, q, &where, params);
  return "SELECT count(*) FROM " + Quote(TableOf(type)) + where;
}

std::string CountSql(Dialect d, const domain::EntityType& type, const Query& q, std::vector<Json>* params) {
  std::string where;
  AppendConditions(d, type, q, &where, params);
  const std::string name = FieldSql(d, type, *q.group_by);
  return "SELECT " + name + ", count(*) FROM " + Quote(TableOf(type)) + where + " GROUP BY " + name +
         " ORDER BY 2 DESC, 1 NULLS FIRST";
}

std::string InsertSql(const domain::EntityType& type, bool with_id) {
  const std::vector<Column>& cols = ColumnsOf(type);
  const size_t first = with_id ? 0 : 1;
  std::string names, marks;
  for (size_t i = first; i < cols.size(); ++i) {
    names += (i > first ? ", " : "") + Quote(cols[i].name);
    marks += i > first ? ", ?" : "?";
  }
  return "INSERT INTO " + Quote(TableOf(type)) + " (" + names + ") VALUES (" + marks + ") RETURNING id";
}

std::string ReplaceSql(const domain::EntityType& type) {
  const std::vector<Column>& cols = ColumnsOf(type);
  std::string sql = "UPDATE " + Quote(TableOf(type)) + " SET ";
  for (size_t i = 1; i < cols.size(); ++i) sql += (i > 1 ? ", " : "") + Quote(cols[i].name) + " = ?";
  return sql + " WHERE id = ?";
}

std::string FindIdsSql(const domain::EntityType& type, const std::string& field, const Json& value,
                       int limit, std::vector<Json>* params) {
  if (field == "identifiers") {
    *params = {type.name, value["scheme"], value["value"], limit};
    return "SELECT record_id FROM identifier WHERE entity = ? AND scheme = ? AND value = ? LIMIT ?";
  }
  *params = {value, limit};
  return "SELECT id FROM " + Quote(TableOf(type)) + " WHERE " + Quote(field) + " = ? LIMIT ?";
}

std::string FindIdsMatchingSql(const domain::EntityType& type, const Json& where, int limit,
                               std::vector<Json>* params) {
  std::string sql = "SELECT id FROM " + Quote(TableOf(type)) + " WHERE deleted_at IS NULL";
  for (const auto& [field, value] : where.items()) {
    if (!ColumnOf(type, field)) return "";
    if (value.is_null()) {
      sql += " AND " + Quote(field) + " IS NULL";
    } else {
      sql += " AND " + Quote(field) + " = ?";
      params->push_back(value);
    }
  }
  params->push_back(limit);
  return sql + " LIMIT ?";
}

std::string LinkedSql(std::string_view entity, std::string_view target, std::string_view key,
                      std::string_view from, std::string_view to, int limit, std::vector<Json>* params) {
  std::string sql = "SELECT record_id FROM link WHERE target = ? AND target_key = ? AND entity = ?";
  *params = {std::string(target), std::string(key), std::string(entity)};
  if (!from.empty()) {
    sql += " AND at >= ?";
    params->push_back(std::string(from));
  }
  if (!to.empty()) {
    sql += " AND at <= ?";
    params->push_back(std::string(to));
  }
  params->push_back(limit);
  return sql + " GROUP BY record_id ORDER BY max(at) DESC, record_id DESC LIMIT ?";
}

std::string TimelineSql(Dialect d, const std::string& target, const std::string& key,
                        const std::string& entity, int64_t offset, int limit, std::vector<Json>* params) {
  // One entry per record (or dated item) however many of its fields link to the subject.
  std::string sql =
      "SELECT entity, record_id, item, max(field), max(at) FROM link WHERE target = ? AND target_key = ?";
  *params = {target, key};
  sql += VisibilitySql(d, nullptr, params);
  if (!entity.empty()) {
    sql += " AND entity = ?";
    params->push_back(entity);
  }
  params->push_back(limit);
  params->push_back(offset);
  return sql + " GROUP BY entity, record_id, item ORDER BY max(at) DESC, entity, record_id DESC, item "
               "DESC LIMIT ? OFFSET ?";
}

std::string Numbered(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char ch : sql) {
    if (quote) {
      if (ch == quote) quote = 0;
      out.push_back(ch);
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
      out.push_back(ch);
    } else if (ch == '?') {
      out.push_back('$');
      out += std::to_string(++n);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace amity::store

#include "domain/search.h"

namespace amity::store {

namespace {

constexpr const char* kHitColumns = "d.id, d.entity, d.record_id, d.title, d.names, d.body, d.sensitivity";

void AppendTypes(const domain::SearchQuery& q, std::string* sql, std::vector<Json>* params) {
  if (q.types.empty()) return;
  *sql += " AND d.entity IN (";
  for (size_t i = 0; i < q.types.size(); ++i) {
    *sql += i ? ", ?" : "?";
    params->push_back(q.types[i]->name);
  }
  *sql += ")";
}

// The query in FTS5's syntax: each phrase quoted, the last one a prefix, all required.
std::string Fts5Match(const domain::SearchQuery& q, bool names_only) {
  std::string expr;
  for (size_t i = 0; i < q.phrases.size(); ++i) {
    std::string phrase;
    for (const std::string& t : q.phrases[i]) {
      if (!phrase.empty()) phrase += ' ';
      for (char ch : t) phrase += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    }
    expr += (i ? " AND \"" : "\"") + phrase + "\"" + (i + 1 == q.phrases.size() ? "*" : "");
  }
  return names_only ? "{title_f names_f} : (" + expr + ")" : expr;
}

// The query as a tsquery literal: each phrase's tokens followed by each other (<->), the last
// token a prefix (:*), only in the title and names (weights A and B) when `names_only`.
std::string TsQuery(const domain::SearchQuery& q, bool names_only, bool without_prefix) {
  std::string expr;
  for (size_t i = 0; i < q.phrases.size(); ++i) {
    std::string phrase;
    const bool last_phrase = i + 1 == q.phrases.size();
    const size_t n = q.phrases[i].size() - (last_phrase && without_prefix ? 1 : 0);
    if (n == 0) continue;
    for (size_t j = 0; j < n; ++j) {
      std::string lexeme = "'";
      for (char ch : q.phrases[i][j]) {
        if (ch == '\'' || ch == '\\') lexeme += ch;
        lexeme += ch;
      }
      lexeme += "'";
      const bool last = last_phrase && !without_prefix && j + 1 == n;  // the prefix
      if (last || names_only) lexeme += std::string(":") + (last ? "*" : "") + (names_only ? "AB" : "");
      phrase += (j ? " <-> " : "") + lexeme;
    }
    expr += (expr.empty() ? "(" : " & (") + phrase + ")";
  }
  return expr;
}

}  // namespace

std::string SearchNamesSql(Dialect d, const domain::SearchQuery& q, bool exact, int limit,
                           std::vector<Json>* params) {
  std::string sql = std::string("SELECT ") + kHitColumns +
                    " FROM search_name n JOIN search_doc d ON d.id = n.doc WHERE ";
  if (exact) {
    sql += "n.folded = ?";
    params->push_back(q.folded);
  } else {
    // Every string starting with the query sorts from it to it followed by the last code point.
    sql += "n.folded >= ? AND n.folded < ?";
    params->push_back(q.folded);
    params->push_back(q.folded + "\xF4\x8F\xBF\xBF");
  }
  sql += VisibilitySql(d, nullptr, params);
  AppendTypes(q, &sql, params);
  // In the order of the names index (folded, doc), so the walk stops at the limit however many
  // records share a name.
  sql += exact ? " ORDER BY n.doc LIMIT ?" : " ORDER BY n.folded, n.doc LIMIT ?";
  params->push_back(limit);
  return sql;
}

std::string SearchWordsSql(Dialect d, const domain::SearchQuery& q, bool names_only, int limit,
                           std::vector<Json>* params) {
  // The newest kSearchCandidates matches the reader may see: an index walk that stops early
  // however common the words are. (Ranking every match by bm25 or ts_rank read them all: 150 ms
  // for "of the" at 1M records; and bm25's weights of words cost 10-15 ms even for rare
  // queries, as they count every record holding each word.)
  std::string inner;
  if (d == Dialect::kSqlite) {
    inner = "SELECT d.id AS doc FROM search_fts JOIN search_doc d ON d.id = search_fts.rowid WHERE search_fts MATCH ?";
    params->push_back(Fts5Match(q, names_only));
  } else {
    // A prefix of one or two letters matches a large part of the words; GIN would read the
    // postings of them all (90 ms for "Povezimo se E" at 1M records). When other words narrow
    // the search, the index takes those, and the phrase ending in the prefix is checked on the
    // candidates' folded text instead: tokens are separated by single spaces, so " word pre"
    // is the phrase with its last word a prefix.
    const std::vector<std::string>& last = q.phrases.back();
    const bool short_prefix = (q.phrases.size() > 1 || last.size() > 1) && CodePointCount(last.back()) < 3;
    inner = "SELECT d.id AS doc FROM search_doc d WHERE d.words @@ ?::tsquery";
    params->push_back(TsQuery(q, names_only, short_prefix));
    if (short_prefix) {
      std::string phrase;
      for (const std::string& t : last) phrase += " " + t;
      inner += names_only ? " AND (' ' || d.title_f || ' ' || d.names_f) LIKE ?"
                          : " AND (' ' || d.title_f || ' ' || d.names_f || ' ' || d.body_f) LIKE ?";
      params->push_back("%" + phrase + "%");
    }
  }
  inner += VisibilitySql(d, nullptr, params);
  AppendTypes(q, &inner, params);
  // On PostgreSQL `d.id + 0`: ordering by the primary key itself lets the planner walk it
  // backwards testing every row, which reads most of the table when the matches are few; the
  // words index (GIN) finds them all, then the newest are kept.
  inner += d == Dialect::kSqlite ? " ORDER BY search_fts.rowid DESC LIMIT " : " ORDER BY d.id + 0 DESC LIMIT ";
  inner += std::to_string(kSearchCandidates);
  // Words in names: the shortest title first (the closest to what was typed). Words elsewhere:
  // the newest first.
  params->push_back(limit);
  return std::string("SELECT ") + kHitColumns + " FROM (" + inner + ") m JOIN search_doc d ON d.id = m.doc" +
         (names_only ? " ORDER BY length(d.title_f), d.id" : " ORDER BY d.id DESC") + " LIMIT ?";
}

}  // namespace amity::store
