#pragma once
// SQL text shared by the SQL engines (sqlite/, postgres/): the statements built from the
// declarations and from list queries. Parameters are written `?` and collected in order;
// PostgreSQL numbers them (Numbered). Names in the text are declared names, never user input.
#include <charconv>
#include <string>
#include <string_view>
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

// " WHERE …" for a query's conditions (without paging), appending its parameters.
void AppendConditions(Dialect d, const domain::EntityType& type, const domain::Query& q,
                      std::string* sql, std::vector<domain::Json>* params);

// The statement of one list page: every column, the conditions, the keyset cursor, the order
// (the sort field, then id) and a limit one past the page (to know whether another follows).
std::string ListSql(Dialect d, const domain::EntityType& type, const domain::Query& q,
                    std::vector<domain::Json>* params);

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
