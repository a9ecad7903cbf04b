#pragma once
// Input validation and normalisation for declared entities. Pure: no storage, no I/O.
#include <optional>
#include <string>
#include <vector>

#include "domain/entity.h"
#include "domain/reference.h"

namespace amity::domain {

enum class DecodeMode { kCreate, kPatch };

// Type-checks and normalises the fields present in `input` (an object of field → value).
// Unknown and read-only fields, wrong types, unknown enum values and country or currency codes,
// length, range and pattern rules are reported together, one violation per field.
// In kPatch mode `null` clears a field; in kCreate mode a null is the same as absent.
// `custom` holds the type's custom fields in force (CustomFields::Of): the keys the record's
// `custom` object may have (none when null). In a patch, `custom` changes only the values it
// names (a null removes one); see ApplyChanges.
Result<Json> DecodeInput(const EntityType& type, const Json& input, DecodeMode mode,
                         const ReferenceData& ref, const std::vector<Field>* custom = nullptr);

// Applies decoded patch `changes` to a stored `record`: fields are replaced, except the
// `custom` object, whose values are replaced one by one (an emptied object becomes null).
void ApplyChanges(const Json& changes, Json* record);

// One value of `field` (not null), normalised; on failure the reason, without the field name.
tl::expected<Json, std::string> DecodeValue(const Field& field, const Json& value,
                                            const ReferenceData& ref);

// The items of a kObjects field, each checked against the field's parts; every problem is
// added to `out` under its path ("stops[1].country"). nullopt when there was any.
std::optional<Json> DecodeItems(const Field& field, const Json& value, const ReferenceData& ref,
                                const std::string& path, std::vector<FieldViolation>* out);

// Rules over a whole record after a create or merge: required fields, dependent enums,
// the entity's own cross-field rules.
Status CheckRecord(const EntityType& type, const Json& record);

// Applies declared defaults to absent fields (on create).
void ApplyDefaults(const EntityType& type, Json* record);

}  // namespace amity::domain
