#pragma once
// Entity types are declared once (fields, types, rules) and that declaration drives the tables'
// check, validation, JSON in and out, the API routes, the OpenAPI document and /api/v1/meta.
#include <cstdint>
#include <functional>
#include <map>
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
  kObjects,           // [{…}, {…}]: a list of items, each with the declared `parts` (a delegation's stops)
  kCustom,            // {"name": value}: the values of the custom fields an admin added (domain/custom.h)
};

const char* FieldTypeName(FieldType type);

// A code list from the reference data that a kText field's values must belong to.
enum class CodeList {
  kNone,
  kCurrency,     // ISO 4217 alphabetic codes ("VND")
  kSubdivision,  // ISO 3166-2 codes ("VN-HN")
};

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
  bool search_name = false;  // searchable as one of the record's names (domain/search.h)
  bool read_only = false;  // maintained by Amity; refused in input
  bool custom = false;     // added at run time; its value lives in the record's `custom` object
  std::optional<int64_t> min_length, max_length;  // in characters, for text types
  std::optional<int64_t> min, max;                // for integers and money amounts
  std::string pattern;                            // ECMAScript regex for text; anchored
  std::string pattern_hint;                       // what the pattern means, for error messages
  CodeList codes = CodeList::kNone;               // for kText: values must be codes in this list
  std::vector<EnumValue> values;                  // for kEnum
  std::string depends_on;                         // for kEnum: values restricted by this field
  std::string ref;                                // for kRef/kRefList: target entity name
  Json default_value;                             // applied on create when absent
  std::string description;
  // kObjects: the parts of each item, at most `max_items` items; `item_date` names the part that
  // dates an item on timelines (an aid transaction's date), when items are dated on their own.
  std::vector<Field> parts;
  int64_t max_items = 200;
  std::string item_date;
  // kEnum workflow: value → the values a change may move it to. Empty: any change is allowed.
  // A create may start in any state (history is imported as it happened).
  std::map<std::string, std::vector<std::string>> transitions;

  bool IsText() const;
  const EnumValue* FindValue(std::string_view v) const;
  const Field* Part(std::string_view name) const;  // for kObjects
};

// A link from a record to something it touches (an organisation, a person, a unit, a country):
// what timelines and deconfliction read. Found by LinksOf from the declared fields.
struct Link {
  std::string field;   // the top-level field: "stops", "host_organisations"
  int64_t item = -1;   // the item of a kObjects field when items are dated on their own
  std::string target;  // entity name: "organisation", "person", "unit", "country"
  std::string key;     // the target's id, or the country code
  std::string at;      // the date it happened on ("" when the record has none yet)
};

// What a cross-record rule may look at: records as stored, by id.
class Lookup {
 public:
  virtual ~Lookup() = default;
  // The stored record (with common fields), or nullopt when there is none (or it is deleted and
  // `include_deleted` is false).
  virtual Result<std::optional<Json>> Find(std::string_view entity, int64_t id,
                                           bool include_deleted) = 0;
  // Live records of `entity` that link to `target` `key` (see Link) with a link dated from
  // `from` to `to` (inclusive; empty: unbounded), the latest dated first, at most `limit`.
  virtual Result<std::vector<int64_t>> Linked(std::string_view entity, std::string_view target,
                                              std::string_view key, std::string_view from,
                                              std::string_view to, int limit) = 0;
  // Live records of `entity` whose fields all equal the values in `where` (field → scalar; null
  // matches a null), at most `limit`: a uniqueness rule that holds only in some states.
  virtual Result<std::vector<int64_t>> Matching(std::string_view entity, const Json& where,
                                                int limit) = 0;
};

// Who reads and writes a type's records (issue 5; docs/SECURITY.md).
enum class Access {
  kOwned,         // by the roles on the record's owner unit and its sensitivity
  kShared,        // every signed-in user reads; editors on the root write (reference data, rates)
  kAdministered,  // every signed-in user reads; admins on the root write (units, custom fields)
};

struct EntityType {
  std::string name;    // "organisation"
  std::string plural;  // "organisations": the API path
  Label label, plural_label;
  std::vector<Field> fields;  // declared fields, without the common ones
  std::string key_field;      // when set, records are addressed by this field's value (countries)
  std::string title_field = "name";
  bool reference_data = false;  // loaded from packages: no create or delete over the API
  Access access = Access::kOwned;
  // Fields an import may match a textual reference against, in order ("code", "name").
  std::vector<std::string> natural_keys;
  // Groups of fields whose values together identify a live record (an event series and its
  // edition); a second record with the same values is refused with 409 on the first field.
  std::vector<std::vector<std::string>> unique_together;
  // Rules across fields of one record (already type-checked); adds violations.
  std::function<void(const Json& record, std::vector<FieldViolation>* out)> check;
  // Rules that need other records (the unit tree must not cycle). `id` is empty on create.
  std::function<Status(const Json& record, std::optional<int64_t> id, Lookup& lookup)> check_stored;
  // Read-only fields computed from the others on every write (a relation's current level).
  std::function<void(Json* record)> derive;
  // Fields computed when read, from the record and today's date (an agreement's status today).
  std::function<void(Json* record, const std::string& today)> derive_on_read;
  // Advice that does not stop a write (overlapping delegations): appended to `out`.
  std::function<Status(const Json& record, std::optional<int64_t> id, Lookup& lookup,
                       std::vector<FieldViolation>* out)>
      warn;
  // When set, the record appears on the timelines of what it links to, dated by this field
  // (or by the items' own dates, see Field::item_date).
  std::string timeline_date;
  // Whether this type has a timeline: GET …/{id}/timeline lists what links to it.
  bool timeline_subject = false;

  const Field* Find(std::string_view field) const;  // declared or common
};

// Fields every record has (DESIGN.md): id, uuid, created_at/by, updated_at/by, version,
// owner_unit, sensitivity, tags, notes, custom, deleted_at.
const std::vector<Field>& CommonFields();
bool IsCommonField(std::string_view name);

}  // namespace amity::domain
