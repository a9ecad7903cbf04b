#pragma once
// Custom fields: typed fields an admin adds to an entity type at run time ("receives Tết
// greetings" on organisations). Each is declared by a record of the `custom_field` type, so its
// declaration has a version, a history, a trash, import and export like any record. Its values
// live in every record's common `custom` object ({"tet_greeting": true}), which the decoder
// checks against the declarations in force (codec.h), filters read (`custom.NAME=…`, query.h),
// and meta and OpenAPI describe.
//
// Persons get no custom fields: what Amity holds about a person is what its declaration says,
// reviewed against the boundary in DESIGN.md, never a field added at run time.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entity.h"

namespace amity::domain {

// The custom fields in force: a snapshot of the live custom_field records. The fields are
// ordinary Fields with `custom` set. A snapshot never changes; pointers into it (a parsed
// filter's field) are valid while it lives.
class CustomFields {
 public:
  CustomFields() = default;
  // From live custom_field records (in any order); `generation` is the store's generation of
  // custom_field when they were read.
  static CustomFields From(int64_t generation, const std::vector<Json>& records);

  int64_t generation() const { return generation_; }
  // The custom fields of `entity`, in the order they were added; empty when none.
  const std::vector<Field>& Of(std::string_view entity) const;
  bool empty() const { return by_entity_.empty(); }

 private:
  int64_t generation_ = -1;
  std::map<std::string, std::vector<Field>, std::less<>> by_entity_;
};

// The Field a custom_field record declares.
Field CustomFieldOf(const Json& record);

// The custom field `name` among `fields` (Of's result), or null.
const Field* FindCustom(const std::vector<Field>* fields, std::string_view name);

}  // namespace amity::domain
