#pragma once
// A small fluent builder so declarations read like a table:
//   F::Text("name", "Name", "Tên").Required().Max(500).Filter().Sort().Search()
#include <initializer_list>
#include <string>
#include <string_view>
#include <map>
#include <utility>
#include <vector>

#include "domain/entity.h"

namespace amity::domain {

class F {
 public:
  static F Of(FieldType type, std::string name, std::string en, std::string vi) {
    F f;
    f.field_.name = std::move(name);
    f.field_.type = type;
    f.field_.label = {std::move(en), std::move(vi)};
    return f;
  }
  static F Text(std::string n, std::string en, std::string vi) {
    return Of(FieldType::kText, std::move(n), std::move(en), std::move(vi));
  }
  static F Enum(std::string n, std::string en, std::string vi, std::vector<EnumValue> values) {
    F f = Of(FieldType::kEnum, std::move(n), std::move(en), std::move(vi));
    f.field_.values = std::move(values);
    return f;
  }
  static F Ref(std::string n, std::string en, std::string vi, std::string target) {
    F f = Of(FieldType::kRef, std::move(n), std::move(en), std::move(vi));
    f.field_.ref = std::move(target);
    return f;
  }

  static F RefList(std::string n, std::string en, std::string vi, std::string target) {
    F f = Of(FieldType::kRefList, std::move(n), std::move(en), std::move(vi));
    f.field_.ref = std::move(target);
    return f;
  }
  // A list of items with these parts: F::Objects("stops", …, {F::Of(kCountry, "country", …), …})
  static F Objects(std::string n, std::string en, std::string vi, std::vector<Field> parts) {
    F f = Of(FieldType::kObjects, std::move(n), std::move(en), std::move(vi));
    f.field_.parts = std::move(parts);
    return f;
  }

  F&& Required() && { field_.required = true; return std::move(*this); }
  F&& Unique() && { field_.unique = true; return std::move(*this); }
  F&& Filter() && { field_.filterable = true; return std::move(*this); }
  F&& Sort() && { field_.sortable = true; return std::move(*this); }
  F&& Search() && { field_.searchable = true; return std::move(*this); }
  // Searchable, and a name of the record: an acronym, a former name, a name in another language.
  F&& SearchName() && { field_.searchable = field_.search_name = true; return std::move(*this); }
  F&& ReadOnly() && { field_.read_only = true; return std::move(*this); }
  F&& Max(int64_t n) && { field_.max_length = n; return std::move(*this); }
  F&& Range(int64_t lo, int64_t hi) && { field_.min = lo; field_.max = hi; return std::move(*this); }
  F&& Pattern(std::string re, std::string hint) && {
    field_.pattern = std::move(re);
    field_.pattern_hint = std::move(hint);
    return std::move(*this);
  }
  F&& Codes(CodeList list) && { field_.codes = list; return std::move(*this); }
  F&& DependsOn(std::string field) && { field_.depends_on = std::move(field); return std::move(*this); }
  F&& Default(Json v) && { field_.default_value = std::move(v); return std::move(*this); }
  F&& Items(int64_t n) && { field_.max_items = n; return std::move(*this); }
  F&& ItemDate(std::string part) && { field_.item_date = std::move(part); return std::move(*this); }
  F&& Transitions(std::map<std::string, std::vector<std::string>> t) && {
    field_.transitions = std::move(t);
    return std::move(*this);
  }
  F&& Describe(std::string d) && { field_.description = std::move(d); return std::move(*this); }

  operator Field() && { return std::move(field_); }

 private:
  Field field_;
};

}  // namespace amity::domain
