#include "domain/query.h"

#include <charconv>

#include "base/dates.h"
#include "base/text.h"
#include "domain/codec.h"
#include "domain/custom.h"

namespace amity::domain {
namespace {

struct OpSuffix {
  const char* suffix;
  Op op;
};
constexpr OpSuffix kOps[] = {{"eq", Op::kEq},   {"ne", Op::kNe},     {"gt", Op::kGt},
                             {"gte", Op::kGte}, {"lt", Op::kLt},     {"lte", Op::kLte},
                             {"in", Op::kIn},   {"contains", Op::kContains},
                             {"prefix", Op::kPrefix}, {"null", Op::kIsNull}};

bool Has(const std::vector<Op>& ops, Op op) {
  for (Op o : ops) {
    if (o == op) return true;
  }
  return false;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// A filter value from text to the field's stored type.
tl::expected<Json, std::string> FilterValue(const Field& f, Op op, const std::string& text,
                                            const ReferenceData& ref) {
  if (op == Op::kContains && f.type == FieldType::kRefList) {  // plans?policy_documents.contains=3
    int64_t n = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || p != text.data() + text.size() || n <= 0) {
      const bool vowel = std::string_view("aeiou").find(f.ref[0]) != std::string_view::npos;
      return tl::unexpected(std::string(vowel ? "expected an " : "expected a ") + f.ref +
                            " id (a positive integer), got \"" + text + "\"");
    }
    return Json(n);
  }
  if (op == Op::kContains || op == Op::kPrefix) {
    if (text.empty()) return tl::unexpected(std::string("needs some text"));
    if (text.size() > 500) return tl::unexpected(std::string("at most 500 bytes"));
    return Json(text);
  }
  switch (f.type) {
    case FieldType::kInteger:
    case FieldType::kRef: {
      int64_t n = 0;
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || p != text.data() + text.size()) {
        return tl::unexpected("expected an integer, got \"" + text + "\"");
      }
      return Json(n);
    }
    case FieldType::kBoolean:
      if (text == "true") return Json(true);
      if (text == "false") return Json(false);
      return tl::unexpected("expected true or false, got \"" + text + "\"");
    case FieldType::kPartialDate:
    case FieldType::kDate: {
      // Ranges over dates accept any precision: founded_on.gte=1990.
      auto d = ParsePartialDate(text);
      if (!d) return tl::unexpected("expected \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", got \"" + text + "\"");
      return Json(*d);
    }
    case FieldType::kDateTime: {
      if (auto dt = ParseDateTime(text)) return Json(*dt);
      if (auto d = ParsePartialDate(text)) return Json(*d);
      return tl::unexpected("expected a date or an RFC 3339 date-time, got \"" + text + "\"");
    }
    case FieldType::kEnum:
    case FieldType::kCountry:
    case FieldType::kDecimal: {
      Field loose = f;
      loose.required = false;
      auto v = DecodeValue(loose, Json(text), ref);
      if (!v) return tl::unexpected(v.error());
      return *v;
    }
    default:
      if (!IsValidUtf8(text)) return tl::unexpected(std::string("is not valid UTF-8"));
      return Json(text);
  }
}

}  // namespace

const char* OpName(Op op) {
  switch (op) {
    case Op::kEq: return "eq";
    case Op::kNe: return "ne";
    case Op::kGt: return "gt";
    case Op::kGte: return "gte";
    case Op::kLt: return "lt";
    case Op::kLte: return "lte";
    case Op::kIn: return "in";
    case Op::kContains: return "contains";
    case Op::kPrefix: return "prefix";
    case Op::kIsNull: return "null";
    case Op::kNotNull: return "null";
  }
  return "eq";
}

std::vector<Op> OpsFor(const Field& f) {
  switch (f.type) {
    case FieldType::kText:
    case FieldType::kEmail:
    case FieldType::kUrl:
      return {Op::kEq, Op::kNe, Op::kIn, Op::kContains, Op::kPrefix, Op::kIsNull};
    case FieldType::kEnum:
    case FieldType::kCountry:
    case FieldType::kRef:
      return {Op::kEq, Op::kNe, Op::kIn, Op::kIsNull};
    case FieldType::kInteger:
    case FieldType::kDecimal:
    case FieldType::kDate:
    case FieldType::kPartialDate:
    case FieldType::kDateTime:
      return {Op::kEq, Op::kNe, Op::kGt, Op::kGte, Op::kLt, Op::kLte, Op::kIn, Op::kIsNull};
    case FieldType::kBoolean:
      return {Op::kEq, Op::kIsNull};
    case FieldType::kTextList:
    case FieldType::kRefList:
      return {Op::kContains, Op::kIsNull};
    case FieldType::kMultilingualText:
      return {Op::kContains, Op::kIsNull};
    case FieldType::kMoney:
    case FieldType::kIdentifiers:
    case FieldType::kObjects:
      return {Op::kIsNull};
    case FieldType::kCustom:  // filtered one custom field at a time: custom.NAME
      return {};
  }
  return {};
}

bool Groupable(const Field& f) {
  switch (f.type) {
    case FieldType::kEnum:
    case FieldType::kCountry:
    case FieldType::kRef:
    case FieldType::kBoolean:
    case FieldType::kInteger:
    case FieldType::kPartialDate:
    case FieldType::kDate:
      return f.filterable;
    case FieldType::kText:
      return f.filterable && f.max_length && *f.max_length <= 300;
    default:
      return false;
  }
}

namespace {

// The field a parameter names: a declared or common field ("status"), or a custom field
// ("custom.tet_greeting"). `rest` is what follows the name ("" or ".gte").
const Field* NamedField(const EntityType& type, const std::vector<Field>* custom,
                        const std::string& text, std::string* rest, std::string* error) {
  const bool is_custom = text.starts_with("custom.");
  const size_t start = is_custom ? 7 : 0;
  const size_t dot = text.find('.', start);
  const std::string name = text.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
  *rest = dot == std::string::npos ? "" : text.substr(dot);
  if (is_custom) {
    const Field* f = FindCustom(custom, name);
    if (!f) *error = "\"" + name + "\" is not a custom field of " + type.name;
    return f;
  }
  const Field* f = type.Find(name);
  if (!f) *error = "unknown field \"" + name + "\"";
  if (f && f->type == FieldType::kCustom) {
    *error = "name one custom field: custom.NAME";
    return nullptr;
  }
  return f;
}

}  // namespace

bool Collated(const Field& f) { return f.type == FieldType::kText && !f.custom; }

Result<Query> ParseQuery(const EntityType& type, const Params& params, bool for_counts,
                         const ReferenceData& ref, const std::vector<Field>* custom, Lang lang) {
  Query q;
  q.lang = lang;
  std::vector<FieldViolation> bad;
  bool saw_limit = false, saw_sort = false, saw_cursor = false, saw_by = false, saw_lang = false;
  std::string cursor_text;
  for (const auto& [key, value] : params) {
    if (!IsValidUtf8(key) || !IsValidUtf8(value)) {
      bad.push_back({IsValidUtf8(key) ? key : "?", "is not valid UTF-8"});
      continue;
    }
    if (key == "limit") {
      int n = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (saw_limit) {
        bad.push_back({key, "given more than once"});
      } else if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > 500) {
        bad.push_back({key, "expected an integer from 1 to 500, got \"" + value + "\""});
      } else {
        q.limit = n;
      }
      saw_limit = true;
    } else if (key == "sort") {
      if (saw_sort) {
        bad.push_back({key, "given more than once (one sort key is supported)"});
        continue;
      }
      saw_sort = true;
      const bool desc = value.starts_with('-');
      const std::string name = desc ? value.substr(1) : value;
      std::string rest, error;
      const Field* f = NamedField(type, custom, name, &rest, &error);
      if (name.find(',') != std::string::npos) {
        bad.push_back({key, "one sort key is supported (ties are broken by id)"});
      } else if (!f || !rest.empty()) {
        bad.push_back({key, f ? "unknown field \"" + name + "\"" : error});
      } else if (f->custom) {
        bad.push_back({key, "custom fields are not sortable"});
      } else if (!f->sortable) {
        bad.push_back({key, "\"" + name + "\" is not sortable"});
      } else {
        q.sort = f->name == "id" ? nullptr : f;
        q.descending = desc;
      }
    } else if (key == "lang") {
      if (saw_lang) {
        bad.push_back({key, "given more than once"});
      } else if (auto l = ParseLang(value)) {
        q.lang = *l;
      } else {
        bad.push_back({key, "expected vi or en, got \"" + value + "\""});
      }
      saw_lang = true;
    } else if (key == "cursor") {
      if (saw_cursor) bad.push_back({key, "given more than once"});
      saw_cursor = true;
      cursor_text = value;
    } else if (key == "total" || key == "deleted") {
      if (value != "true" && value != "false") {
        bad.push_back({key, "expected true or false, got \"" + value + "\""});
      } else {
        (key == "total" ? q.total : q.deleted) = value == "true";
      }
    } else if (key == "by") {
      if (!for_counts) {
        bad.push_back({key, "only for /counts"});
        continue;
      }
      if (saw_by) {
        bad.push_back({key, "given more than once"});
        continue;
      }
      saw_by = true;
      std::string rest, error;
      const Field* f = NamedField(type, custom, value, &rest, &error);
      if (!f || !rest.empty()) {
        bad.push_back({key, f ? "unknown field \"" + value + "\"" : error});
      } else if (!Groupable(*f)) {
        bad.push_back({key, "cannot count by \"" + value + "\" (not a filterable field of a groupable type)"});
      } else {
        q.group_by = f;
      }
    } else if (key == "q") {
      if (value.empty()) continue;
      if (value.size() > 500) {
        bad.push_back({key, "at most 500 bytes"});
        continue;
      }
      q.conditions.push_back({nullptr, "q", Op::kContains, {Json(value)}});
    } else if (key == "identifier") {
      const size_t colon = value.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) {
        bad.push_back({key, "expected scheme:value, like partyfacts:4898"});
        continue;
      }
      q.conditions.push_back({nullptr, "identifier", Op::kEq,
                              {Json(value.substr(0, colon)), Json(value.substr(colon + 1))}});
    } else {
      std::string rest, error;
      const Field* f = NamedField(type, custom, key, &rest, &error);
      if (!f) {
        bad.push_back({key, (key == "custom" || key.starts_with("custom.")) ? error
                                                      : "unknown parameter (not a field of " + type.name + ")"});
        continue;
      }
      if (!f->filterable) {
        bad.push_back({key, "\"" + f->name + "\" is not filterable"});
        continue;
      }
      Op op = Op::kEq;
      if (!rest.empty()) {
        const std::string suffix = rest.substr(1);
        bool found = false;
        for (const OpSuffix& o : kOps) {
          if (suffix == o.suffix) {
            op = o.op;
            found = true;
          }
        }
        if (!found) {
          bad.push_back({key, "unknown operator \"" + suffix + "\" (eq, ne, gt, gte, lt, lte, in, contains, prefix, null)"});
          continue;
        }
      }
      const std::vector<Op> ops = OpsFor(*f);
      // Lists and multilingual text: field=x means "has x".
      if (op == Op::kEq && !Has(ops, Op::kEq) && Has(ops, Op::kContains)) op = Op::kContains;
      if (!Has(ops, op)) {
        std::string allowed;
        for (Op o : ops) allowed += (allowed.empty() ? "" : ", ") + std::string(OpName(o));
        bad.push_back({key, std::string("operator \"") + OpName(op) + "\" does not apply to " +
                                FieldTypeName(f->type) + " fields (allowed: " + allowed + ")"});
        continue;
      }
      Condition c{f, "", op, {}};
      if (op == Op::kIsNull) {
        if (value != "true" && value != "false") {
          bad.push_back({key, "expected true or false, got \"" + value + "\""});
          continue;
        }
        c.op = value == "true" ? Op::kIsNull : Op::kNotNull;
        q.conditions.push_back(std::move(c));
        continue;
      }
      const std::vector<std::string> parts =
          op == Op::kIn ? SplitComma(value) : std::vector<std::string>{value};
      if (parts.size() > 200) {
        bad.push_back({key, "at most 200 values"});
        continue;
      }
      bool ok = true;
      for (const std::string& part : parts) {
        auto v = FilterValue(*f, op, part, ref);
        if (!v) {
          bad.push_back({key, v.error()});
          ok = false;
          break;
        }
        c.values.push_back(std::move(*v));
      }
      if (!ok) continue;
      // Dates compare as text; a range end given at a coarser precision covers that whole period:
      // founded_on.lte=1990 includes "1990-05", founded_on.gt=1990 excludes it.
      if ((f->type == FieldType::kDate || f->type == FieldType::kPartialDate ||
           f->type == FieldType::kDateTime) && (op == Op::kLte || op == Op::kGt)) {
        c.op = op == Op::kLte ? Op::kLt : Op::kGt;
        c.values[0] = c.values[0].get<std::string>() + "~";
      }
      // Repeating field=a&field=b means any of them.
      if (op == Op::kEq) {
        bool merged = false;
        for (Condition& prev : q.conditions) {
          if (prev.field == f && (prev.op == Op::kEq || prev.op == Op::kIn) && prev.pseudo.empty()) {
            prev.op = Op::kIn;
            prev.values.push_back(c.values[0]);
            merged = true;
            break;
          }
        }
        if (merged) continue;
      }
      q.conditions.push_back(std::move(c));
    }
  }
  if (for_counts && !saw_by && bad.empty()) bad.push_back({"by", "is required: the field to count by"});
  if (!cursor_text.empty() && bad.empty()) {
    std::string raw;
    Json c;
    if (Base64UrlDecode(cursor_text, &raw)) c = Json::parse(raw, nullptr, false);
    const std::string sort_key = (q.descending ? "-" : "") + (q.sort ? q.sort->name : "id");
    if (!c.is_object() || !c.contains("s") || !c.contains("i") || !c["i"].is_number_integer() ||
        !c.contains("v")) {
      bad.push_back({"cursor", "is not a cursor this server made"});
    } else if (c["s"] != sort_key) {
      bad.push_back({"cursor", "was made for sort=" + c["s"].dump() + ", not sort=" + sort_key});
    } else if (q.sort && Collated(*q.sort) && c.value("l", Json()) != LangName(q.lang)) {
      bad.push_back({"cursor", c.contains("l")
                                   ? "was made for lang=" + c["l"].dump() + ", not lang=" + LangName(q.lang)
                                   : std::string("is not a cursor this server made")});
    } else {
      q.after = Cursor{c["v"], c["i"].get<int64_t>()};
    }
  }
  if (!bad.empty()) return Invalid(std::move(bad));
  return q;
}

std::string EncodeCursor(const Query& query, const Json& sort_value, int64_t id) {
  const std::string sort_key = (query.descending ? "-" : "") + (query.sort ? query.sort->name : "id");
  Json c{{"s", sort_key}, {"v", sort_value}, {"i", id}};
  // The next page of a text sort continues in the same collation or not at all.
  if (query.sort && Collated(*query.sort)) c["l"] = LangName(query.lang);
  return Base64UrlEncode(c.dump());
}

}  // namespace amity::domain
