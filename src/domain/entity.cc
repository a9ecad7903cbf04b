#include "domain/entity.h"

namespace amity::domain {

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kMultilingualText: return "multilingual_text";
    case FieldType::kTextList: return "text_list";
    case FieldType::kInteger: return "integer";
    case FieldType::kDecimal: return "decimal";
    case FieldType::kMoney: return "money";
    case FieldType::kDate: return "date";
    case FieldType::kPartialDate: return "partial_date";
    case FieldType::kDateTime: return "datetime";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kEnum: return "enum";
    case FieldType::kRef: return "ref";
    case FieldType::kRefList: return "ref_list";
    case FieldType::kCountry: return "country";
    case FieldType::kEmail: return "email";
    case FieldType::kUrl: return "url";
    case FieldType::kIdentifiers: return "identifiers";
    case FieldType::kObjects: return "objects";
    case FieldType::kCustom: return "custom";
  }
  return "text";
}

bool Field::IsText() const {
  return type == FieldType::kText || type == FieldType::kEmail || type == FieldType::kUrl;
}

const EnumValue* Field::FindValue(std::string_view v) const {
  for (const EnumValue& e : values) {
    if (e.value == v) return &e;
  }
  return nullptr;
}

const Field* Field::Part(std::string_view n) const {
  for (const Field& f : parts) {
    if (f.name == n) return &f;
  }
  return nullptr;
}

const std::vector<Field>& CommonFields() {
  static const std::vector<Field> fields = [] {
    std::vector<Field> f;
    auto add = [&](std::string name, FieldType type, Label label) -> Field& {
      Field x;
      x.name = std::move(name);
      x.type = type;
      x.label = std::move(label);
      f.push_back(std::move(x));
      return f.back();
    };
    Field& id = add("id", FieldType::kInteger, {"ID", "Mã số"});
    id.read_only = id.filterable = id.sortable = true;
    add("uuid", FieldType::kText, {"UUID", "UUID"}).read_only = true;
    Field& ca = add("created_at", FieldType::kDateTime, {"Created", "Ngày tạo"});
    ca.read_only = ca.filterable = ca.sortable = true;
    add("created_by", FieldType::kText, {"Created by", "Người tạo"}).read_only = true;
    Field& ua = add("updated_at", FieldType::kDateTime, {"Updated", "Cập nhật"});
    ua.read_only = ua.filterable = ua.sortable = true;
    add("updated_by", FieldType::kText, {"Updated by", "Người cập nhật"}).read_only = true;
    add("version", FieldType::kInteger, {"Version", "Phiên bản"}).read_only = true;
    Field& owner = add("owner_unit", FieldType::kRef, {"Owner unit", "Đơn vị quản lý hồ sơ"});
    owner.ref = "unit";
    owner.filterable = true;
    Field& sens = add("sensitivity", FieldType::kEnum, {"Sensitivity", "Mức độ mật"});
    sens.values = {{"public", {"Public", "Công khai"}, {}},
                   {"internal", {"Internal", "Nội bộ"}, {}},
                   {"restricted", {"Restricted", "Hạn chế"}, {}}};
    sens.default_value = "internal";
    sens.filterable = true;
    Field& tags = add("tags", FieldType::kTextList, {"Tags", "Thẻ"});
    tags.filterable = true;
    tags.max_length = 64;
    Field& notes = add("notes", FieldType::kText, {"Notes", "Ghi chú"});
    notes.max_length = 20000;
    notes.searchable = true;
    notes.filterable = true;
    add("custom", FieldType::kCustom, {"Custom fields", "Trường bổ sung"}).description =
        "the values of the custom fields an admin added to this type (GET /api/v1/custom-fields)";
    add("deleted_at", FieldType::kDateTime, {"Deleted", "Ngày xoá"}).read_only = true;
    return f;
  }();
  return fields;
}

bool IsCommonField(std::string_view name) {
  for (const Field& f : CommonFields()) {
    if (f.name == name) return true;
  }
  return false;
}

const Field* EntityType::Find(std::string_view field) const {
  for (const Field& f : fields) {
    if (f.name == field) return &f;
  }
  for (const Field& f : CommonFields()) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

}  // namespace amity::domain
