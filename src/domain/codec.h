#pragma once
// Input validation and normalisation for declared entities. Pure: no storage, no I/O.
#include <string>

#include "domain/entity.h"
#include "domain/reference.h"

namespace amity::domain {

enum class DecodeMode { kCreate, kPatch };

// Type-checks and normalises the fields present in `input` (an object of field → value).
// Unknown and read-only fields, wrong types, unknown enum values and country or currency codes,
// length, range and pattern rules are reported together, one violation per field.
// In kPatch mode `null` clears a field; in kCreate mode a null is the same as absent.
Result<Json> DecodeInput(const EntityType& type, const Json& input, DecodeMode mode,
                         const ReferenceData& ref);

// One value of `field` (not null), normalised; on failure the reason, without the field name.
tl::expected<Json, std::string> DecodeValue(const Field& field, const Json& value,
                                            const ReferenceData& ref);

// Rules over a whole record after a create or merge: required fields, dependent enums,
// the entity's own cross-field rules.
Status CheckRecord(const EntityType& type, const Json& record);

// Applies declared defaults to absent fields (on create).
void ApplyDefaults(const EntityType& type, Json* record);

}  // namespace amity::domain
