#include "domain/codec.h"

#include <cmath>
#include <regex>
#include <map>
#include <mutex>
#include <set>

#include "base/dates.h"
#include "base/text.h"
#include "domain/custom.h"

namespace amity::domain {
namespace {

using Reason = tl::unexpected<std::string>;

Reason Bad(std::string reason) { return Reason(std::move(reason)); }

const char* JsonKind(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

std::string Expected(const std::string& what, const Json& v) {
  return "expected " + what + ", got " + JsonKind(v);
}

const std::regex& CompiledPattern(const Field& f) {
  // Patterns are declared constants; compile each once.
  static std::mutex mu;
  static std::map<std::string, std::regex> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(f.pattern);
  if (it == cache.end()) it = cache.emplace(f.pattern, std::regex(f.pattern)).first;
  return it->second;
}

tl::expected<std::string, std::string> CheckText(const Field& f, const Json& v, bool trim) {
  if (!v.is_string()) return Bad(Expected("a string", v));
  std::string s = trim ? std::string(Trim(v.get_ref<const std::string&>()))
                       : v.get<std::string>();
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      return Bad("control characters are not allowed");
    }
  }
  const size_t len = CodePointCount(s);
  if (f.required && len == 0) return Bad("must not be empty");
  if (f.min_length && static_cast<int64_t>(len) < *f.min_length) {
    return Bad("must be at least " + std::to_string(*f.min_length) + " characters");
  }
  if (f.max_length && static_cast<int64_t>(len) > *f.max_length) {
    return Bad("must be at most " + std::to_string(*f.max_length) + " characters (got " +
               std::to_string(len) + ")");
  }
  if (!f.pattern.empty() && !std::regex_match(s, CompiledPattern(f))) {
    return Bad(f.pattern_hint.empty() ? "does not match the pattern " + f.pattern
                                      : f.pattern_hint);
  }
  return s;
}

tl::expected<int64_t, std::string> CheckInteger(const Field& f, const Json& v) {
  if (!v.is_number_integer()) return Bad(Expected("an integer", v));
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Bad("integer out of range");
  }
  const int64_t n = v.get<int64_t>();
  if (f.min && n < *f.min) return Bad("must be at least " + std::to_string(*f.min));
  if (f.max && n > *f.max) return Bad("must be at most " + std::to_string(*f.max));
  return n;
}

// Canonical decimal text: optional '-', digits, optional '.' and digits, no trailing zeros.
tl::expected<std::string, std::string> CheckDecimal(const Json& v) {
  std::string s;
  if (v.is_number_integer()) {
    s = v.dump();
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) return Bad("must be a finite number");
    s = v.dump();
    if (s.find_first_of("eE") != std::string::npos) {
      return Bad("write the decimal without an exponent, as a string: \"0.000123\"");
    }
  } else if (v.is_string()) {
    s = v.get<std::string>();
  } else {
    return Bad(Expected("a decimal number or a numeric string", v));
  }
  static const std::regex re("-?(0|[1-9][0-9]{0,17})(\\.[0-9]{1,12})?");
  if (!std::regex_match(s, re)) {
    return Bad("expected a decimal with at most 18 integer and 12 fraction digits, like \"25450.5\"");
  }
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace

std::optional<Json> DecodeItems(const Field& f, const Json& v, const ReferenceData& ref,
                                const std::string& path, std::vector<FieldViolation>* out) {
  if (!v.is_array()) {
    out->push_back({path, Expected("an array of objects", v)});
    return std::nullopt;
  }
  if (static_cast<int64_t>(v.size()) > f.max_items) {
    out->push_back({path, "at most " + std::to_string(f.max_items) + " entries (got " +
                              std::to_string(v.size()) + ")"});
    return std::nullopt;
  }
  const size_t before = out->size();
  Json items = Json::array();
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (!v[i].is_object()) {
      out->push_back({at, Expected("an object", v[i])});
      continue;
    }
    Json item = Json::object();
    std::set<std::string> refused;  // parts already reported: not "empty" as well
    for (const auto& [name, value] : v[i].items()) {
      const Field* part = f.Part(name);
      if (!part) {
        out->push_back({at + "." + name, "unknown field"});
        continue;
      }
      if (part->read_only) {  // derived per item (a plan item's progress), as on a record
        out->push_back({at + "." + name, "is maintained by Amity and cannot be set"});
        continue;
      }
      if (value.is_null()) continue;
      if (part->type == FieldType::kObjects) {
        auto sub = DecodeItems(*part, value, ref, at + "." + name, out);
        if (sub && !sub->empty()) item[name] = std::move(*sub);
        if (!sub) refused.insert(name);
        continue;
      }
      auto d = DecodeValue(*part, value, ref);
      if (!d) {
        out->push_back({at + "." + name, d.error()});
        refused.insert(name);
      } else if (!d->is_null()) {
        item[name] = std::move(*d);
      }
    }
    for (const Field& part : f.parts) {
      if (!part.default_value.is_null() && !item.contains(part.name)) item[part.name] = part.default_value;
      if (part.required && !item.contains(part.name) && !v[i].contains(part.name)) {
        out->push_back({at + "." + part.name, "is required"});
      } else if (part.required && !item.contains(part.name) && !refused.contains(part.name)) {
        out->push_back({at + "." + part.name, "must not be empty"});
      }
    }
    items.push_back(std::move(item));
  }
  if (out->size() != before) return std::nullopt;
  return items;
}

tl::expected<Json, std::string> DecodeValue(const Field& f, const Json& v,
                                            const ReferenceData& ref) {
  switch (f.type) {
    case FieldType::kText: {
      auto s = CheckText(f, v, true);
      if (!s) return Bad(s.error());
      if (s->empty()) return Json();
      if (f.codes == CodeList::kCurrency && !ref.IsCurrency(*s)) {
        return Bad("\"" + *s + "\" is not an ISO 4217 code");
      }
      if (f.codes == CodeList::kSubdivision && !ref.IsSubdivision(*s)) {
        return Bad("\"" + *s + "\" is not an ISO 3166-2 subdivision code");
      }
      return Json(*s);
    }
    case FieldType::kEmail: {
      auto s = CheckText(f, v, true);
      if (!s) return Bad(s.error());
      if (s->empty()) return Json();
      if (!IsEmail(*s)) return Bad("not an e-mail address: \"" + *s + "\"");
      return Json(*s);
    }
    case FieldType::kUrl: {
      auto s = CheckText(f, v, true);
      if (!s) return Bad(s.error());
      if (s->empty()) return Json();
      if (!IsHttpUrl(*s)) return Bad("expected an http:// or https:// URL with a host");
      return Json(*s);
    }
    case FieldType::kMultilingualText: {
      if (!v.is_object()) return Bad(Expected("an object of language tag to text", v));
      Json out = Json::object();
      Field part = f;
      part.required = false;
      for (const auto& [lang, text] : v.items()) {
        if (!ref.IsLanguageTag(lang)) {
          return Bad("\"" + lang + "\" is not a language tag with an ISO 639 language (\"vi\", \"en\", \"zh-Hans\")");
        }
        if (text.is_null()) continue;
        auto s = CheckText(part, text, true);
        if (!s) return Bad(lang + ": " + s.error());
        if (!s->empty()) out[lang] = *s;
      }
      if (out.empty()) return Json();
      return out;
    }
    case FieldType::kTextList: {
      if (!v.is_array()) return Bad(Expected("an array of strings", v));
      if (v.size() > 100) return Bad("at most 100 entries");
      Json out = Json::array();
      std::set<std::string> seen;
      Field item = f;
      item.required = true;
      for (size_t i = 0; i < v.size(); ++i) {
        auto s = CheckText(item, v[i], true);
        if (!s) return Bad("entry " + std::to_string(i) + ": " + s.error());
        if (seen.insert(*s).second) out.push_back(*s);
      }
      return out;
    }
    case FieldType::kInteger: {
      auto n = CheckInteger(f, v);
      if (!n) return Bad(n.error());
      return Json(*n);
    }
    case FieldType::kDecimal: {
      auto s = CheckDecimal(v);
      if (!s) return Bad(s.error());
      return Json(*s);
    }
    case FieldType::kMoney: {
      if (!v.is_object()) return Bad(Expected("an object {\"amount\": minor units, \"currency\": \"USD\"}", v));
      for (const auto& [k, _] : v.items()) {
        if (k != "amount" && k != "currency") return Bad("unknown member \"" + k + "\"");
      }
      if (!v.contains("amount")) return Bad("amount: is required");
      if (!v.contains("currency")) return Bad("currency: is required");
      auto n = CheckInteger(f, v["amount"]);
      if (!n) return Bad("amount: " + n.error() + " (minor units: cents, đồng)");
      if (!v["currency"].is_string()) return Bad("currency: " + Expected("a string", v["currency"]));
      const std::string cur = v["currency"].get<std::string>();
      if (!ref.IsCurrency(cur)) return Bad("currency: \"" + cur + "\" is not an ISO 4217 code");
      return Json{{"amount", *n}, {"currency", cur}};
    }
    case FieldType::kDate: {
      if (!v.is_string()) return Bad(Expected("a date string \"YYYY-MM-DD\"", v));
      auto d = ParseDate(v.get_ref<const std::string&>());
      if (!d) return Bad("expected a calendar date \"YYYY-MM-DD\", got \"" + v.get<std::string>() + "\"");
      return Json(*d);
    }
    case FieldType::kPartialDate: {
      std::string s;
      if (v.is_number_integer()) {
        s = v.dump();  // a bare year: 1930
      } else if (v.is_string()) {
        s = v.get<std::string>();
      } else {
        return Bad(Expected("a date \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"", v));
      }
      auto d = ParsePartialDate(s);
      if (!d) return Bad("expected \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", got \"" + s + "\"");
      return Json(*d);
    }
    case FieldType::kDateTime: {
      if (!v.is_string()) return Bad(Expected("an RFC 3339 date-time string", v));
      auto d = ParseDateTime(v.get_ref<const std::string&>());
      if (!d) return Bad("expected an RFC 3339 date-time like \"2026-01-31T09:30:00+07:00\"");
      return Json(*d);
    }
    case FieldType::kBoolean:
      if (!v.is_boolean()) return Bad(Expected("true or false", v));
      return v;
    case FieldType::kEnum: {
      if (!v.is_string()) return Bad(Expected("a string", v));
      const std::string& s = v.get_ref<const std::string&>();
      if (!f.FindValue(s)) {
        std::string allowed;
        for (const EnumValue& e : f.values) allowed += (allowed.empty() ? "" : ", ") + e.value;
        return Bad("unknown value \"" + s + "\"; allowed: " + allowed);
      }
      return v;
    }
    case FieldType::kRef: {
      if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
        return Bad(Expected("the id (a positive integer) of a " + f.ref, v));
      }
      return v;
    }
    case FieldType::kRefList: {
      if (!v.is_array()) return Bad(Expected("an array of " + f.ref + " ids", v));
      Json out = Json::array();
      std::set<int64_t> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number_integer() || v[i].get<int64_t>() <= 0) {
          return Bad("entry " + std::to_string(i) + ": " +
                     Expected("the id of a " + f.ref, v[i]));
        }
        if (seen.insert(v[i].get<int64_t>()).second) out.push_back(v[i]);
      }
      return out;
    }
    case FieldType::kCountry: {
      if (!v.is_string()) return Bad(Expected("an ISO 3166-1 alpha-2 code", v));
      const std::string& s = v.get_ref<const std::string&>();
      if (!ref.IsCountry(s)) {
        auto alt = ref.ResolveCountry(s);
        if (alt) return Bad("\"" + s + "\" is not an ISO 3166-1 alpha-2 code; did you mean \"" + *alt + "\"?");
        return Bad("unknown country code \"" + s + "\" (expected ISO 3166-1 alpha-2, like \"VN\")");
      }
      return v;
    }
    case FieldType::kIdentifiers: {
      if (!v.is_array()) return Bad(Expected("an array of {\"scheme\", \"value\"}", v));
      if (v.size() > 50) return Bad("at most 50 identifiers");
      static const std::regex scheme_re("[a-z][a-z0-9-]{1,31}");
      Json out = Json::array();
      std::set<std::pair<std::string, std::string>> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        const Json& e = v[i];
        const std::string at = "entry " + std::to_string(i) + ": ";
        if (!e.is_object()) return Bad(at + Expected("an object", e));
        for (const auto& [k, _] : e.items()) {
          if (k != "scheme" && k != "value") return Bad(at + "unknown member \"" + k + "\"");
        }
        if (!e.contains("scheme") || !e["scheme"].is_string()) return Bad(at + "scheme: expected a string");
        if (!e.contains("value") || !(e["value"].is_string() || e["value"].is_number_integer())) {
          return Bad(at + "value: expected a string");
        }
        const std::string scheme = e["scheme"].get<std::string>();
        std::string value = e["value"].is_string() ? std::string(Trim(e["value"].get<std::string>()))
                                                   : e["value"].dump();
        if (!std::regex_match(scheme, scheme_re)) {
          return Bad(at + "scheme: lower-case letters, digits and '-', like \"partyfacts\" or \"iati-org\"");
        }
        if (value.empty() || CodePointCount(value) > 200 || !IsValidUtf8(value)) {
          return Bad(at + "value: must be 1 to 200 characters");
        }
        if (seen.emplace(scheme, value).second) out.push_back({{"scheme", scheme}, {"value", value}});
      }
      return out;
    }
    case FieldType::kObjects: {
      std::vector<FieldViolation> problems;
      auto items = DecodeItems(f, v, ref, "", &problems);
      if (items) return *items;
      std::string reason;
      for (const FieldViolation& p : problems) {
        reason += (reason.empty() ? "" : "; ") + (p.field.empty() ? p.reason : p.field + ": " + p.reason);
      }
      return Bad(reason);
    }
    case FieldType::kCustom:  // only as a whole record's, with its declarations (DecodeInput)
      break;
  }
  return Bad("unsupported field type");
}

namespace {

// A record's `custom` object: each key a custom field of the type; in a patch a null removes
// one value (and a null object all of them).
void DecodeCustom(const EntityType& type, const Json& value, DecodeMode mode,
                  const ReferenceData& ref, const std::vector<Field>* custom, Json* out,
                  std::vector<FieldViolation>* violations) {
  if (value.is_null()) {
    if (mode == DecodeMode::kPatch) (*out)["custom"] = nullptr;
    return;
  }
  if (!value.is_object()) {
    violations->push_back({"custom", Expected("an object of custom field values", value)});
    return;
  }
  Json decoded = Json::object();
  for (const auto& [name, v] : value.items()) {
    const std::string path = "custom." + name;
    const Field* f = FindCustom(custom, name);
    if (!f) {
      violations->push_back({path, "is not a custom field of " + type.name});
      continue;
    }
    auto d = v.is_null() ? tl::expected<Json, std::string>(Json()) : DecodeValue(*f, v, ref);
    if (!d) {
      violations->push_back({path, d.error()});
    } else if (!d->is_null() || mode == DecodeMode::kPatch) {
      decoded[name] = std::move(*d);
    }
  }
  if (decoded.empty() && mode == DecodeMode::kCreate) return;
  (*out)["custom"] = std::move(decoded);
}

}  // namespace

void ApplyChanges(const Json& changes, Json* record) {
  for (const auto& [name, value] : changes.items()) {
    if (name != "custom" || !value.is_object()) {
      (*record)[name] = value;
      continue;
    }
    Json& values = (*record)["custom"];
    if (!values.is_object()) values = Json::object();
    for (const auto& [k, v] : value.items()) {
      if (v.is_null()) values.erase(k);
      else values[k] = v;
    }
    if (values.empty()) values = nullptr;
  }
}

Result<Json> DecodeInput(const EntityType& type, const Json& input, DecodeMode mode,
                         const ReferenceData& ref, const std::vector<Field>* custom) {
  if (!input.is_object()) {
    return Invalid("", std::string("the body must be a JSON object, got ") + JsonKind(input));
  }
  std::vector<FieldViolation> violations;
  Json out = Json::object();
  for (const auto& [name, value] : input.items()) {
    if (name == "custom") {
      DecodeCustom(type, value, mode, ref, custom, &out, &violations);
      continue;
    }
    const Field* f = type.Find(name);
    if (!f) {
      violations.push_back({name, "unknown field"});
      continue;
    }
    if (f->read_only) {
      violations.push_back({name, "is maintained by Amity and cannot be set"});
      continue;
    }
    if (value.is_null()) {
      if (mode == DecodeMode::kPatch) {
        if (f->required) {
          violations.push_back({name, "is required and cannot be cleared"});
        } else {
          out[name] = nullptr;
        }
      }
      continue;
    }
    if (f->type == FieldType::kObjects) {
      auto items = DecodeItems(*f, value, ref, name, &violations);
      if (!items) continue;
      if (items->empty() && f->required) {
        violations.push_back({name, "needs at least one entry"});
        continue;
      }
      if (items->empty() && mode == DecodeMode::kCreate) continue;
      out[name] = items->empty() ? Json() : std::move(*items);
      continue;
    }
    auto v = DecodeValue(*f, value, ref);
    if (!v) {
      violations.push_back({name, v.error()});
      continue;
    }
    if (v->is_null() && f->required) {
      violations.push_back({name, "must not be empty"});
      continue;
    }
    if (v->is_null() && mode == DecodeMode::kCreate) continue;
    out[name] = std::move(*v);
  }
  if (!violations.empty()) return Invalid(std::move(violations));
  return out;
}

void ApplyDefaults(const EntityType& type, Json* record) {
  auto apply = [&](const Field& f) {
    if (!f.default_value.is_null() && (!record->contains(f.name) || (*record)[f.name].is_null())) {
      (*record)[f.name] = f.default_value;
    }
  };
  for (const Field& f : type.fields) apply(f);
  for (const Field& f : CommonFields()) apply(f);
}

Status CheckRecord(const EntityType& type, const Json& record) {
  std::vector<FieldViolation> violations;
  for (const Field& f : type.fields) {
    const bool present = record.contains(f.name) && !record[f.name].is_null();
    if (f.required && !present) violations.push_back({f.name, "is required"});
    if (present && f.type == FieldType::kEnum && !f.depends_on.empty()) {
      const EnumValue* v = f.FindValue(record[f.name].get<std::string>());
      const Json& parent = record.contains(f.depends_on) ? record[f.depends_on] : Json();
      if (v && !v->applies_to.empty()) {
        const std::string p = parent.is_string() ? parent.get<std::string>() : "";
        bool ok = false;
        for (const std::string& a : v->applies_to) ok = ok || a == p;
        if (!ok) {
          std::string list;
          for (const std::string& a : v->applies_to) list += (list.empty() ? "" : ", ") + a;
          violations.push_back({f.name, "\"" + v->value + "\" applies only when " + f.depends_on +
                                            " is " + list});
        }
      }
    }
  }
  if (type.check) type.check(record, &violations);
  if (!violations.empty()) return Invalid(std::move(violations));
  return {};
}

}  // namespace amity::domain
