#pragma once
// Text as search compares it (issue 6): one folding, used for what is stored and for what is
// typed, so "Viet Nam", "Phan Anh Son" and "dang cong san" meet "Việt Nam", "Phan Anh Sơn" and
// "Đảng Cộng sản".
//
// Folding (ICU): NFKC with case folding (full-width "ＳＰＤ" is "spd", "ß" is "ss"), then the
// combining marks removed after canonical decomposition (Vietnamese tones and vowel marks, every
// Latin diacritic), then the few Latin letters that have no decomposition mapped to their base
// (đ → d, ø → o, ł → l, …). Other scripts stay themselves (Cyrillic, Greek, Arabic, Han…), case-
// folded where they have case.
//
// Tokens are the runs of letters, digits and marks of the folded text; every other character
// separates them. Han, Hiragana and Katakana are written without spaces, so each of their
// characters is a token of its own: "中国共产党" is five tokens, and a query "共产党" is found as
// the three in a row.
#include <string>
#include <string_view>
#include <vector>

namespace amity {

// Longer runs are not words (encoded data, a URL's path): they are left out.
inline constexpr size_t kMaxTokenBytes = 255;

// The tokens of `text` (valid UTF-8), folded, in order.
std::vector<std::string> SearchTokens(std::string_view text);

// SearchTokens joined by single spaces: the form search indexes store and compare.
std::string FoldForSearch(std::string_view text);

// A piece of a snippet: text as written, and whether it matched.
struct Marked {
  std::string text;
  bool match = false;
};

// Up to about `max_chars` characters of `text` (as written) around its first words that match
// the query's tokens (a word matches a token when their folded forms are equal, or when the
// folded word starts with `prefix`, the query's last, unfinished token), with every match in
// that window marked. Empty when no word matches. "…" marks where the text was cut.
std::vector<Marked> MarkMatches(std::string_view text, const std::vector<std::string>& tokens,
                                std::string_view prefix, size_t max_chars);

}  // namespace amity
