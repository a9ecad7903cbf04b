#include "store/columns.h"

#include <map>
#include <mutex>

namespace amity::store {

using domain::FieldType;

ColumnKind KindOf(FieldType t) {
  switch (t) {
    case FieldType::kInteger:
    case FieldType::kRef: return ColumnKind::kInteger;
    case FieldType::kBoolean: return ColumnKind::kBoolean;
    case FieldType::kMultilingualText:
    case FieldType::kTextList:
    case FieldType::kRefList:
    case FieldType::kIdentifiers:
    case FieldType::kObjects:
    case FieldType::kCustom: return ColumnKind::kJson;
    default: return ColumnKind::kText;
  }
}

namespace {

std::vector<Column> Build(const domain::EntityType& type) {
  std::vector<Column> out;
  auto add = [&](const domain::Field& f) {
    if (f.type == FieldType::kMoney) {
      out.push_back({f.name + "_amount", ColumnKind::kInteger, &f, "amount"});
      out.push_back({f.name + "_currency", ColumnKind::kText, &f, "currency"});
    } else {
      out.push_back({f.name, KindOf(f.type), &f, ""});
    }
  };
  for (const domain::Field& f : domain::CommonFields()) add(f);
  for (const domain::Field& f : type.fields) add(f);
  return out;
}

}  // namespace

const std::vector<Column>& ColumnsOf(const domain::EntityType& type) {
  // Entity types live for the whole process (the registry), so pointers are stable keys.
  static std::mutex mu;
  static std::map<const domain::EntityType*, std::vector<Column>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(&type);
  if (it == cache.end()) it = cache.emplace(&type, Build(type)).first;
  return it->second;
}

const Column* ColumnOf(const domain::EntityType& type, const std::string& field) {
  for (const Column& c : ColumnsOf(type)) {
    if (c.field->name == field && c.part.empty()) return &c;
  }
  return nullptr;
}

std::string Quote(const std::string& identifier) { return "\"" + identifier + "\""; }

}  // namespace amity::store
