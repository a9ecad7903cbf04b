#pragma once
// Entity types are declared once (fields, types, rules) and that declaration drives the tables'
// check, validation, JSON in and out, the API routes, the OpenAPI document and /api/v1/meta.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"

namespace amity::domain {

using Json = nlohmann::json;

enum class FieldType {
  kText,
  kMultilingualText,  // {"vi": "…", "en": "…", "<lang>": "…"}: one value per language tag
  kTextList,          // ["…", "…"]
  kInteger,
  kDecimal,           // a JSON number or numeric string, kept as canonical decimal text
  kMoney,             // {"amount": <integer minor units>, "currency": "USD"}
  kDate,              // "YYYY-MM-DD"
  kPartialDate,       // "YYYY", "YYYY-MM" or "YYYY-MM-DD"
  kDateTime,          // RFC 3339, stored in UTC
  kBoolean,
  kEnum,
  kRef,               // the id of a record of `ref`
  kRefList,           // ids of records of `ref`
  kCountry,           // ISO 3166-1 alpha-2
  kEmail,
  kUrl,
  kIdentifiers,       // [{"scheme": "partyfacts", "value": "4898"}]: external identifiers
};

const char* FieldTypeName(FieldType type);

struct Label {
  std::string en, vi;
};

struct EnumValue {
  std::string value;
  Label label;
  // For a dependent enum (Field::depends_on): the values of that field this value belongs to.
  std::vector<std::string> applies_to;
};

struct Field {
  std::string name;
  FieldType type = FieldType::kText;
  Label label;
  bool required = false;
  bool unique = false;
  bool filterable = false;
  bool sortable = false;
  bool searchable = false;
  bool read_only = false;  // maintained by Amity; refused in input
  std::optional<int64_t> min_length, max_length;  // in characters, for text types
  std::optional<int64_t> min, max;                // for integers and money amounts
  std::string pattern;                            // ECMAScript regex for text; anchored
  std::string pattern_hint;                       // what the pattern means, for error messages
  std::vector<EnumValue> values;                  // for kEnum
  std::string depends_on;                         // for kEnum: values restricted by this field
  std::string ref;                                // for kRef/kRefList: target entity name
  Json default_value;                             // applied on create when absent
  std::string description;

  bool IsText() const;
  const EnumValue* FindValue(std::string_view v) const;
};

// What a cross-record rule may look at: records as stored, by id.
class Lookup {
 public:
  virtual ~Lookup() = default;
  // The stored record (with common fields), or nullopt when there is none (or it is deleted and
  // `include_deleted` is false).
  virtual Result<std::optional<Json>> Find(std::string_view entity, int64_t id,
                                           bool include_deleted) = 0;
};

struct EntityType {
  std::string name;    // "organisation"
  std::string plural;  // "organisations": the API path
  Label label, plural_label;
  std::vector<Field> fields;  // declared fields, without the common ones
  std::string key_field;      // when set, records are addressed by this field's value (countries)
  std::string title_field = "name";
  bool reference_data = false;  // loaded from packages: no create or delete over the API
  // Fields an import may match a textual reference against, in order ("code", "name").
  std::vector<std::string> natural_keys;
  // Rules across fields of one record (already type-checked); adds violations.
  std::function<void(const Json& record, std::vector<FieldViolation>* out)> check;
  // Rules that need other records (the unit tree must not cycle). `id` is empty on create.
  std::function<Status(const Json& record, std::optional<int64_t> id, Lookup& lookup)> check_stored;

  const Field* Find(std::string_view field) const;  // declared or common
};

// Fields every record has (DESIGN.md): id, uuid, created_at/by, updated_at/by, version,
// owner_unit, sensitivity, tags, notes, deleted_at.
const std::vector<Field>& CommonFields();
bool IsCommonField(std::string_view name);

}  // namespace amity::domain
