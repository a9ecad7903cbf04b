#pragma once
// How declared fields map to columns, shared by every SQL engine: one column per field, named
// as the field, except money (NAME_amount, NAME_currency). Lists, multilingual text and
// identifiers are JSON text. Identifiers are also kept in the `identifier` table for lookups.
#include <string>
#include <vector>

#include "domain/entity.h"

namespace amity::store {

enum class ColumnKind { kInteger, kText, kBoolean, kJson };

struct Column {
  std::string name;
  ColumnKind kind;
  const domain::Field* field;
  std::string part;  // for money: "amount" or "currency"
};

// How values of a field type are held in SQL (also a custom field's value inside `custom`).
ColumnKind KindOf(domain::FieldType type);

// Common columns first (id, uuid, …, deleted_at), then declared fields in order.
const std::vector<Column>& ColumnsOf(const domain::EntityType& type);

// The single column holding `field` (for filters and sorting); null for money.
const Column* ColumnOf(const domain::EntityType& type, const std::string& field);

// The table of an entity type ("organisation").
inline const std::string& TableOf(const domain::EntityType& type) { return type.name; }

// SQL identifier quoting ("name" → "\"name\""); declared names only, never user input.
std::string Quote(const std::string& identifier);

}  // namespace amity::store
