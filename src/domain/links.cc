#include "domain/links.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace amity::domain {
namespace {

// One walker for reading and for rewriting references (J is `const Json` or `Json`).
template <typename J, typename Fn>
void WalkRefs(const Field& f, const Field& top, J& v, const std::string& path, const Fn& fn) {
  if (v.is_null()) return;
  if (f.type == FieldType::kRef) {
    fn(f, top, v, path);
  } else if (f.type == FieldType::kRefList && v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) fn(f, top, v[i], path + "[" + std::to_string(i) + "]");
  } else if (f.type == FieldType::kObjects && v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_object()) continue;
      for (const Field& part : f.parts) {
        auto it = v[i].find(part.name);
        if (it == v[i].end()) continue;
        WalkRefs(part, top, *it, path + "[" + std::to_string(i) + "]." + part.name, fn);
      }
    }
  }
}

template <typename J, typename Fn>
void WalkRecord(const EntityType& type, J& record, const Fn& fn) {
  auto visit = [&](const Field& f) {
    auto it = record.find(f.name);
    if (it != record.end()) WalkRefs(f, f, *it, f.name, fn);
  };
  for (const Field& f : type.fields) visit(f);
  for (const Field& f : CommonFields()) visit(f);
}

std::string DateOf(const Json& holder, const std::string& field) {
  if (field.empty() || !holder.is_object()) return "";
  auto it = holder.find(field);
  return it != holder.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

void ForEachRef(const EntityType& type, const Json& record,
                const std::function<void(const Field&, const Field&, const Json&, const std::string&)>& fn) {
  WalkRecord(type, record, fn);
}

std::vector<const Field*> FieldsReferring(const EntityType& type, const std::string& target) {
  std::function<bool(const Field&)> refers = [&](const Field& f) {
    if ((f.type == FieldType::kRef || f.type == FieldType::kRefList) && f.ref == target) return true;
    if (f.type != FieldType::kObjects) return false;
    return std::any_of(f.parts.begin(), f.parts.end(), refers);
  };
  std::vector<const Field*> out;
  for (const Field& f : type.fields) {
    if (refers(f)) out.push_back(&f);
  }
  for (const Field& f : CommonFields()) {
    if (refers(f)) out.push_back(&f);
  }
  return out;
}

void MapRefs(const EntityType& type, Json* record,
             const std::function<void(const Field& field, Json* id)>& fn) {
  WalkRecord(type, *record, [&](const Field& f, const Field&, Json& v, const std::string&) { fn(f, &v); });
}

std::vector<Link> LinksOf(const EntityType& type, const Json& record) {
  std::vector<Link> out;
  if (type.timeline_date.empty()) return out;
  auto deleted = record.find("deleted_at");
  if (deleted != record.end() && !deleted->is_null()) return out;
  const std::string record_at = DateOf(record, type.timeline_date);
  std::set<std::tuple<std::string, int64_t, std::string, std::string>> seen;
  auto add = [&](const std::string& field, int64_t item, const std::string& target,
                 const std::string& key, const std::string& at) {
    if (seen.emplace(field, item, target, key).second) out.push_back({field, item, target, key, at});
  };
  // One value of field `f` (within top-level field `top`, item `item` dated `at`).
  std::function<void(const Field&, const Json&, const std::string&, int64_t, const std::string&)> value;
  value = [&](const Field& f, const Json& v, const std::string& top, int64_t item, const std::string& at) {
    if (v.is_null()) return;
    switch (f.type) {
      case FieldType::kRef:
        if (v.is_number_integer()) add(top, item, f.ref, v.dump(), at);
        break;
      case FieldType::kRefList:
        for (const Json& e : v) {
          if (e.is_number_integer()) add(top, item, f.ref, e.dump(), at);
        }
        break;
      case FieldType::kCountry:
        if (v.is_string()) add(top, item, "country", v.get<std::string>(), at);
        break;
      case FieldType::kObjects:
        for (size_t i = 0; i < v.size(); ++i) {
          const Json& it = v[i];
          if (!it.is_object()) continue;
          const bool own = item < 0 && !f.item_date.empty();
          const int64_t n = own ? static_cast<int64_t>(i) : item;
          const std::string when = own && !DateOf(it, f.item_date).empty() ? DateOf(it, f.item_date) : at;
          for (const Field& part : f.parts) {
            auto p = it.find(part.name);
            if (p != it.end()) value(part, *p, top, n, when);
          }
        }
        break;
      default:
        break;
    }
  };
  for (const Field& f : type.fields) {
    auto it = record.find(f.name);
    if (it != record.end()) value(f, *it, f.name, -1, record_at);
  }
  return out;
}

}  // namespace amity::domain
