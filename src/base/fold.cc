#include "base/fold.h"

#include <algorithm>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

namespace amity {

namespace {

const icu::Normalizer2& Normalizer(int which) {
  // The instances are ICU's own singletons, safe to share between threads.
  static const icu::Normalizer2* nfkc_cf = [] {
    UErrorCode st = U_ZERO_ERROR;
    return icu::Normalizer2::getNFKCCasefoldInstance(st);
  }();
  static const icu::Normalizer2* nfd = [] {
    UErrorCode st = U_ZERO_ERROR;
    return icu::Normalizer2::getNFDInstance(st);
  }();
  static const icu::Normalizer2* nfc = [] {
    UErrorCode st = U_ZERO_ERROR;
    return icu::Normalizer2::getNFCInstance(st);
  }();
  return *(which == 0 ? nfkc_cf : which == 1 ? nfd : nfc);
}

// Latin letters that keep their stroke or ligature after decomposition: what a reader typing
// without them would write instead.
const char16_t* BaseLetter(UChar32 c) {
  switch (c) {
    case 0x0111: return u"d";   // đ (Vietnamese, Croatian)
    case 0x00F0: return u"d";   // ð
    case 0x00F8: return u"o";   // ø
    case 0x0142: return u"l";   // ł
    case 0x0127: return u"h";   // ħ
    case 0x0167: return u"t";   // ŧ
    case 0x0131: return u"i";   // dotless ı
    case 0x0180: return u"b";   // ƀ
    case 0x01B6: return u"z";   // ƶ
    case 0x00E6: return u"ae";  // æ
    case 0x0153: return u"oe";  // œ
    case 0x00FE: return u"th";  // þ
    default: return nullptr;
  }
}

bool IsTokenChar(UChar32 c) {
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK | U_GC_CO_MASK)) != 0;
}

bool IsMark(UChar32 c) { return (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_ME_MASK)) != 0; }

// Scripts written without spaces between words, whose characters are tokens one by one.
bool IsSpaceless(UChar32 c) {
  UErrorCode st = U_ZERO_ERROR;
  const UScriptCode s = uscript_getScript(c, &st);
  return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
}

void AsciiTokens(std::string_view text, std::vector<std::string>* out) {
  std::string token;
  for (char ch : text) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      token.push_back(ch);
    } else if (ch >= 'A' && ch <= 'Z') {
      token.push_back(static_cast<char>(ch - 'A' + 'a'));
    } else if (!token.empty()) {
      out->push_back(std::move(token));
      token.clear();
    }
  }
  if (!token.empty()) out->push_back(std::move(token));
}

}  // namespace

std::vector<std::string> SearchTokens(std::string_view text) {
  std::vector<std::string> out;
  if (IsAscii(text)) {
    AsciiTokens(text, &out);
    std::erase_if(out, [](const std::string& t) { return t.size() > kMaxTokenBytes; });
    return out;
  }
  UErrorCode st = U_ZERO_ERROR;
  const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const icu::UnicodeString folded = Normalizer(0).normalize(input, st);
  const icu::UnicodeString split = Normalizer(1).normalize(folded, st);
  if (U_FAILURE(st)) return out;
  // The tokens separated by spaces, then composed again (Hangul syllables, Indic letters).
  icu::UnicodeString tokens;
  bool in_token = false;
  auto end_token = [&] {
    if (in_token) tokens.append(u' ');
    in_token = false;
  };
  for (int32_t i = 0; i < split.length();) {
    const UChar32 c = split.char32At(i);
    i += U16_LENGTH(c);
    if (IsMark(c)) continue;
    if (const char16_t* base = BaseLetter(c)) {
      tokens.append(base);
      in_token = true;
    } else if (!IsTokenChar(c)) {
      end_token();
    } else if (IsSpaceless(c)) {
      end_token();
      tokens.append(c);
      in_token = true;
      end_token();
    } else {
      tokens.append(c);
      in_token = true;
    }
  }
  const icu::UnicodeString composed = Normalizer(2).normalize(tokens, st);
  if (U_FAILURE(st)) return out;
  std::string utf8;
  composed.toUTF8String(utf8);
  size_t start = 0;
  while (start < utf8.size()) {
    size_t space = utf8.find(' ', start);
    if (space == std::string::npos) space = utf8.size();
    if (space > start && space - start <= kMaxTokenBytes) out.emplace_back(utf8, start, space - start);
    start = space + 1;
  }
  return out;
}

std::string FoldForSearch(std::string_view text) {
  std::string out;
  for (const std::string& t : SearchTokens(text)) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

namespace {

// A word of the text as written: its bytes [begin, end).
struct Word {
  size_t begin = 0, end = 0;
};

// The words of `text`: runs of letters, digits and marks; characters of spaceless scripts
// one by one.
std::vector<Word> WordsOf(std::string_view text) {
  std::vector<Word> words;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  bool open = false;
  while (i < n) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    const bool token = c >= 0 && IsTokenChar(c);
    const bool alone = token && IsSpaceless(c);
    if (!token || alone) open = false;
    if (!token) continue;
    if (alone) {
      words.push_back({static_cast<size_t>(at), static_cast<size_t>(i)});
      continue;
    }
    if (open) {
      words.back().end = static_cast<size_t>(i);
    } else {
      words.push_back({static_cast<size_t>(at), static_cast<size_t>(i)});
      open = true;
    }
  }
  return words;
}

// The position `chars` code points before (negative) or after `at`, within `text`.
size_t StepChars(std::string_view text, size_t at, int64_t chars) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(at);
  const int32_t n = static_cast<int32_t>(text.size());
  for (; chars < 0 && i > 0; ++chars) U8_BACK_1(s, 0, i);
  for (; chars > 0 && i < n; --chars) U8_FWD_1(s, i, n);
  return static_cast<size_t>(i);
}

}  // namespace

std::vector<Marked> MarkMatches(std::string_view text, const std::vector<std::string>& tokens,
                                std::string_view prefix, size_t max_chars) {
  std::vector<Word> words = WordsOf(text);
  // Words are folded one by one only up to the first match and then within the window: a hit's
  // text may be a whole document (up to 1 MB), and this runs for every hit of a request.
  auto matches = [&](const Word& w) {
    for (const std::string& t : SearchTokens(text.substr(w.begin, w.end - w.begin))) {
      if (std::find(tokens.begin(), tokens.end(), t) != tokens.end() ||
          (!prefix.empty() && std::string_view(t).starts_with(prefix))) {
        return true;
      }
    }
    return false;
  };
  int first = -1;
  for (size_t w = 0; w < words.size() && first < 0; ++w) {
    if (matches(words[w])) first = static_cast<int>(w);
  }
  if (first < 0) return {};
  // A window starting a quarter of the way before the first match, on word boundaries.
  size_t begin = StepChars(text, words[first].begin, -static_cast<int64_t>(max_chars / 4));
  if (begin > 0) {
    for (const Word& w : words) {
      if (w.begin >= begin) {
        begin = w.begin;
        break;
      }
    }
  }
  size_t end = StepChars(text, begin, static_cast<int64_t>(max_chars));
  if (end < text.size()) {
    size_t cut = begin;
    for (const Word& w : words) {
      if (w.end <= end) cut = std::max(cut, w.end);
    }
    if (cut > words[first].begin) end = cut;
  }
  std::vector<Marked> out;
  auto plain = [&](size_t from, size_t to) {
    if (to <= from) return;
    if (!out.empty() && !out.back().match) out.back().text.append(text.substr(from, to - from));
    else out.push_back({std::string(text.substr(from, to - from)), false});
  };
  if (begin > 0) out.push_back({"…", false});
  size_t at = begin;
  for (const Word& w : words) {
    if (w.begin < begin || w.end > end || !matches(w)) continue;
    plain(at, w.begin);
    // Matched words with nothing between them ("中国") are one piece.
    if (!out.empty() && out.back().match && at == w.begin) out.back().text.append(text.substr(w.begin, w.end - w.begin));
    else out.push_back({std::string(text.substr(w.begin, w.end - w.begin)), true});
    at = w.end;
  }
  plain(at, end);
  if (end < text.size()) {
    if (!out.back().match) out.back().text += "…";
    else out.push_back({"…", false});
  }
  return out;
}

}  // namespace amity
