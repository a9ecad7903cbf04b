// The custom_field type (an admin's declaration of a custom field) and the snapshot of those in
// force. See custom.h.
#include "domain/custom.h"

#include <algorithm>
#include <set>

#include "domain/declare.h"
#include "domain/registry.h"

namespace amity::domain {
namespace {

// The types a custom field may have: scalars whose filters and CSV cells are plain.
const std::vector<std::pair<FieldType, Label>>& CustomTypes() {
  static const std::vector<std::pair<FieldType, Label>> types = {
      {FieldType::kText, {"Text", "Văn bản"}},
      {FieldType::kInteger, {"Integer", "Số nguyên"}},
      {FieldType::kDecimal, {"Decimal", "Số thập phân"}},
      {FieldType::kDate, {"Date", "Ngày"}},
      {FieldType::kBoolean, {"Yes/no", "Có/không"}},
      {FieldType::kEnum, {"Choice from a list", "Chọn từ danh sách"}},
      {FieldType::kCountry, {"Country", "Quốc gia"}},
      {FieldType::kEmail, {"Email", "Thư điện tử"}},
      {FieldType::kUrl, {"Web address", "Địa chỉ web"}},
  };
  return types;
}

// At most this many live custom fields per entity type.
constexpr int kMaxPerEntity = 50;

std::string Text(const Json& record, const char* field) {
  auto it = record.find(field);
  return it != record.end() && it->is_string() ? it->get<std::string>() : "";
}

Label LabelOf(const Json& multilingual, const std::string& fallback) {
  Label l;
  if (multilingual.is_object()) {
    l.en = multilingual.value("en", "");
    l.vi = multilingual.value("vi", "");
    if (l.en.empty() && !multilingual.empty() && multilingual.begin()->is_string()) {
      l.en = multilingual.begin()->get<std::string>();
    }
  }
  if (l.en.empty()) l.en = l.vi.empty() ? fallback : l.vi;
  if (l.vi.empty()) l.vi = l.en;
  return l;
}

// An enum field's values: at least one, none twice; other types have none.
void CheckValues(const Json& record, std::vector<FieldViolation>* out) {
  const bool is_enum = Text(record, "type") == "enum";
  const Json& values = record.contains("values") ? record["values"] : Json();
  if (is_enum && (!values.is_array() || values.empty())) {
    out->push_back({"values", "an enum field needs at least one value"});
  } else if (!is_enum && !values.is_null()) {
    out->push_back({"values", "only an enum field has values"});
  }
  if (values.is_array()) {
    std::set<std::string> seen;
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string v = Text(values[i], "value");
      if (!seen.insert(v).second) {
        out->push_back({"values[" + std::to_string(i) + "].value", "\"" + v + "\" is given twice"});
      }
    }
  }
}

}  // namespace

EntityType DeclareCustomField(const std::vector<EntityType>& types) {
  std::vector<EnumValue> entities;
  for (const EntityType& t : types) {
    if (t.name == "person") continue;  // see custom.h
    entities.push_back({t.name, t.label, {}});
  }
  std::vector<EnumValue> kinds;
  for (const auto& [type, label] : CustomTypes()) kinds.push_back({FieldTypeName(type), label, {}});

  EntityType t;
  t.name = "custom_field";
  t.access = Access::kAdministered;
  t.plural = "custom-fields";
  t.label = {"Custom field", "Trường bổ sung"};
  t.plural_label = {"Custom fields", "Trường bổ sung"};
  t.title_field = "name";
  t.natural_keys = {"name"};
  t.fields = {
      F::Enum("entity", "Added to", "Thuộc loại hồ sơ", std::move(entities)).Required().Filter().Sort()
          .Describe("the type of record that gets the field; persons get none (see the boundary "
                    "in DESIGN.md)"),
      F::Text("name", "Name", "Tên trường").Required().Max(40).Filter().Sort()
          .Pattern("[a-z][a-z0-9_]*", "lower-case letters, digits and _, starting with a letter")
          .Describe("the key in each record's `custom` object and in filters (custom.NAME)"),
      F::Enum("type", "Type", "Kiểu dữ liệu", std::move(kinds)).Required().Filter(),
      F::Of(FieldType::kMultilingualText, "label", "Label", "Nhãn").Required()
          .Describe("what forms and lists show: {\"vi\": \"…\", \"en\": \"…\"}"),
      F::Text("description", "Description", "Mô tả").Max(2000),
      F::Objects("values", "Values", "Các giá trị",
                 {F::Text("value", "Value", "Giá trị").Required().Max(64)
                      .Pattern("[a-z0-9][a-z0-9_-]*", "lower-case letters, digits, _ and -"),
                  F::Of(FieldType::kMultilingualText, "label", "Label", "Nhãn")})
          .Describe("for an enum field: the values it may take; they may be added or relabelled, "
                    "never removed"),
  };
  t.unique_together = {{"name", "entity"}};
  t.check = CheckValues;
  t.check_stored = [](const Json& record, std::optional<int64_t> id, Lookup& lookup) -> Status {
    std::vector<FieldViolation> bad;
    if (id) {
      ASSIGN_OR_RETURN(std::optional<Json> stored, lookup.Find("custom_field", *id, true));
      if (stored) {
        for (const char* f : {"entity", "name", "type"}) {
          if (Text(*stored, f) != Text(record, f)) {
            bad.push_back({f, "cannot change once the field exists (it was \"" + Text(*stored, f) +
                                  "\"); remove the field and add a new one"});
          }
        }
        std::set<std::string> now;
        if (record.contains("values") && record["values"].is_array()) {
          for (const Json& v : record["values"]) now.insert(Text(v, "value"));
        }
        if ((*stored).contains("values") && (*stored)["values"].is_array()) {
          for (const Json& v : (*stored)["values"]) {
            if (!now.contains(Text(v, "value"))) {
              bad.push_back({"values", "\"" + Text(v, "value") +
                                           "\" cannot be removed: values may be added or "
                                           "relabelled, never removed"});
            }
          }
        }
      }
    }
    if (!bad.empty()) return Invalid(std::move(bad));
    ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                     lookup.Matching("custom_field", Json{{"entity", Text(record, "entity")}},
                                     kMaxPerEntity + 1));
    const bool counted = id && std::find(ids.begin(), ids.end(), *id) != ids.end();
    if (static_cast<int>(ids.size()) - (counted ? 1 : 0) >= kMaxPerEntity) {
      return Fail(ErrorCode::kFailedPrecondition,
                  Text(record, "entity") + " already has " + std::to_string(kMaxPerEntity) +
                      " custom fields, the most a type may have");
    }
    return {};
  };
  return t;
}

Field CustomFieldOf(const Json& record) {
  Field f;
  f.name = Text(record, "name");
  f.custom = true;
  f.filterable = true;
  const std::string type = Text(record, "type");
  for (const auto& [t, _] : CustomTypes()) {
    if (type == FieldTypeName(t)) f.type = t;
  }
  f.label = LabelOf(record.value("label", Json()), f.name);
  f.description = Text(record, "description");
  if (f.type == FieldType::kText) f.max_length = 2000;
  if (record.contains("values") && record["values"].is_array()) {
    for (const Json& v : record["values"]) {
      const std::string value = Text(v, "value");
      f.values.push_back({value, LabelOf(v.value("label", Json()), value), {}});
    }
  }
  return f;
}

CustomFields CustomFields::From(int64_t generation, const std::vector<Json>& records) {
  std::vector<const Json*> sorted;
  for (const Json& r : records) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const Json* a, const Json* b) {
    return a->value("id", int64_t{0}) < b->value("id", int64_t{0});
  });
  CustomFields out;
  out.generation_ = generation;
  for (const Json* r : sorted) out.by_entity_[Text(*r, "entity")].push_back(CustomFieldOf(*r));
  return out;
}

const std::vector<Field>& CustomFields::Of(std::string_view entity) const {
  static const std::vector<Field> none;
  auto it = by_entity_.find(entity);
  return it == by_entity_.end() ? none : it->second;
}

const Field* FindCustom(const std::vector<Field>* fields, std::string_view name) {
  if (!fields) return nullptr;
  for (const Field& f : *fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace amity::domain
