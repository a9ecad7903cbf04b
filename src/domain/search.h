#pragma once
// What search finds (issue 6): each record's searchable text, taken from its type's declaration,
// and a search request. No SQL here (store/search.h keeps and queries the index).
//
// A record is found by its title, its other names (fields declared SearchName: acronyms,
// former names, names in other languages) and the rest of its searchable text (descriptions,
// notes, a document's text). Hits are ranked in four tiers: a name equal to the query, a name
// starting with it, the query's words in the title or names, the query's words anywhere.
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/entity.h"
#include "domain/query.h"

namespace amity::domain {

// The most of a record's other text that is kept for search (a document's text beyond it is
// not found).
inline constexpr size_t kMaxSearchBody = 1'000'000;

struct SearchDoc {
  std::string title;               // the title as written ("" when the record has none)
  std::vector<std::string> names;  // the other names as written
  std::string body;                // the other searchable text as written, one value a line
  // The same folded (base/fold.h): tokens separated by spaces.
  std::string title_folded, names_folded, body_folded;
  // The title and every name, each folded whole and without repeats: what a query equals or
  // starts with in the first two tiers.
  std::vector<std::string> name_keys;
};

// The searchable text of `record` of `type` (every field declared searchable, and notes).
SearchDoc SearchDocOf(const EntityType& type, const Json& record);

struct SearchQuery {
  std::string text;  // as typed
  // The query's words folded: each phrase is what one space-separated word of the query folds
  // to ("Nam–China" is one phrase of two tokens; "共产党" one of three). The last token of the
  // last phrase is matched as a prefix: the word being typed.
  std::vector<std::vector<std::string>> phrases;
  std::string folded;  // every token, joined by single spaces
  std::vector<const EntityType*> types;  // empty: every type
  int limit = 10;
  // Every token but the last, and the last (the prefix).
  std::vector<std::string> Whole() const;
  std::string Prefix() const;
};

// Parses q (required, at most 200 characters, some letter or digit), types (entity names,
// comma-separated) and limit (1..50, default 10). Each problem names its parameter.
Result<SearchQuery> ParseSearch(const Params& params);

}  // namespace amity::domain
