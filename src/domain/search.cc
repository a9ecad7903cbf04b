#include "domain/search.h"

#include <algorithm>
#include <charconv>

#include "base/fold.h"
#include "base/text.h"
#include "domain/registry.h"

namespace amity::domain {

namespace {

// The text values a field holds: a text, each language's text, each list element.
void TextsOf(const Field& f, const Json& v, std::vector<std::string>* out) {
  if (v.is_string()) {
    if (!v.get_ref<const std::string&>().empty()) out->push_back(v.get<std::string>());
  } else if (v.is_object() || v.is_array()) {
    if (f.type != FieldType::kMultilingualText && f.type != FieldType::kTextList) return;
    for (const Json& e : v) {
      if (e.is_string() && !e.get_ref<const std::string&>().empty()) out->push_back(e.get<std::string>());
    }
  }
}

}  // namespace

SearchDoc SearchDocOf(const EntityType& type, const Json& record) {
  SearchDoc doc;
  std::vector<std::string> names, body;
  auto add_key = [&](const std::string& text) {
    std::string key = std::string(Utf8Prefix(FoldForSearch(text), 1000));
    if (!key.empty() && std::find(doc.name_keys.begin(), doc.name_keys.end(), key) == doc.name_keys.end()) {
      doc.name_keys.push_back(std::move(key));
    }
  };
  auto title = record.find(type.title_field);
  if (title != record.end() && !title->is_null()) {
    doc.title = title->is_string() ? title->get<std::string>() : title->dump();
  }
  const Field* title_field = type.Find(type.title_field);
  const bool title_searchable = title_field && title_field->searchable && !doc.title.empty();
  if (title_searchable) add_key(doc.title);
  auto collect = [&](const Field& f) {
    if (!f.searchable || f.name == type.title_field) return;
    auto it = record.find(f.name);
    if (it == record.end() || it->is_null()) return;
    std::vector<std::string> texts;
    TextsOf(f, *it, &texts);
    for (std::string& t : texts) {
      if (f.search_name) {
        add_key(t);
        if (std::find(names.begin(), names.end(), t) == names.end() && t != doc.title) names.push_back(std::move(t));
      } else {
        body.push_back(std::move(t));
      }
    }
  };
  for (const Field& f : type.fields) collect(f);
  for (const Field& f : CommonFields()) collect(f);
  doc.names = names;
  for (const std::string& t : body) {
    if (!doc.body.empty()) doc.body.push_back('\n');
    doc.body += t;
  }
  doc.body = std::string(Utf8Prefix(doc.body, kMaxSearchBody));
  if (title_searchable) doc.title_folded = FoldForSearch(doc.title);
  for (const std::string& n : names) {
    const std::string f = FoldForSearch(n);
    if (f.empty()) continue;
    if (!doc.names_folded.empty()) doc.names_folded.push_back(' ');
    doc.names_folded += f;
  }
  doc.body_folded = FoldForSearch(doc.body);
  return doc;
}

std::vector<std::string> SearchQuery::Whole() const {
  std::vector<std::string> out;
  for (const auto& p : phrases) out.insert(out.end(), p.begin(), p.end());
  if (!out.empty()) out.pop_back();
  return out;
}

std::string SearchQuery::Prefix() const { return phrases.empty() ? "" : phrases.back().back(); }

Result<SearchQuery> ParseSearch(const Params& params) {
  SearchQuery q;
  bool have_q = false;
  auto bad = [](const std::string& field, const std::string& why) -> Error {
    return Error{ErrorCode::kInvalidArgument, field + ": " + why, {{field, why}}};
  };
  for (const auto& [key, value] : params) {
    if (key == "q") {
      if (have_q) return tl::unexpected(bad("q", "given more than once"));
      have_q = true;
      if (!IsValidUtf8(value)) return tl::unexpected(bad("q", "is not valid UTF-8"));
      if (CodePointCount(value) > 200) return tl::unexpected(bad("q", "at most 200 characters"));
      q.text = value;
    } else if (key == "types") {
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        if (comma == std::string::npos) comma = value.size();
        const std::string name = value.substr(start, comma - start);
        const EntityType* type = Registry::Get().ByName(name);
        if (!type) {
          std::string known;
          for (const EntityType& t : Registry::Get().types()) known += (known.empty() ? "" : ", ") + t.name;
          return tl::unexpected(bad("types", "no entity type \"" + name + "\" (one of: " + known + ")"));
        }
        if (std::find(q.types.begin(), q.types.end(), type) == q.types.end()) q.types.push_back(type);
        start = comma + 1;
      }
    } else if (key == "limit") {
      int n = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || n < 1 || n > 50) {
        return tl::unexpected(bad("limit", "must be an integer from 1 to 50"));
      }
      q.limit = n;
    } else {
      return tl::unexpected(bad(key, "is not a search parameter (q, types, limit)"));
    }
  }
  if (!have_q) return tl::unexpected(bad("q", "is required"));
  size_t start = 0;
  while (start < q.text.size()) {
    size_t space = q.text.find_first_of(" \t\n\r", start);
    if (space == std::string::npos) space = q.text.size();
    std::vector<std::string> phrase = SearchTokens(std::string_view(q.text).substr(start, space - start));
    if (!phrase.empty()) q.phrases.push_back(std::move(phrase));
    start = space + 1;
  }
  if (q.phrases.empty()) return tl::unexpected(bad("q", "has no letter or digit to search for"));
  size_t count = 0;
  for (const auto& p : q.phrases) {
    for (const std::string& t : p) {
      q.folded += (q.folded.empty() ? "" : " ") + t;
      ++count;
    }
  }
  if (count > 32) return tl::unexpected(bad("q", "at most 32 words"));
  return q;
}

}  // namespace amity::domain
