#pragma once
// What erasing a person on request (DESIGN.md: "a person's data can be exported and erased")
// keeps and what it removes, decided field by field beside the declaration (person.cc), so a
// field added to Person is decided here too. store::Records::ErasePerson applies it.
#include <string>

#include "domain/entity.h"

namespace amity::domain {

// The text that stands for an erased value: in a position's title and in the history.
inline constexpr const char* kErased = "erased";

// `person` (a stored record) with every personal value removed, in place: the names in every
// form, honorific, country, languages, contact details, consent, tags, notes and custom values
// are cleared and each position's title becomes kErased; the name becomes "Erased person ID".
// Kept: the common fields that are not personal (id, uuid, created/updated, version, owner
// unit, sensitivity, deleted_at), and each position's organisation and dates, so the person
// still counts where they took part. Derived fields are not recomputed here (derive does that).
Json ErasedPerson(const Json& person);

// Whether a person's history may keep the values of `field` after an erasure (the common
// fields kept above, which say nothing about the person).
bool KeepsHistoryOf(const std::string& field);

// A history entry's changes ({field: {before, after}}) with the values of every field not kept
// replaced by kErased (null stays null: that a value was set or cleared is kept); with
// `before_only`, after values are left as they are (the erasure's own entry).
Json ErasedChanges(const Json& changes, bool before_only);

}  // namespace amity::domain
