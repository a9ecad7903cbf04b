#include "domain/collation.h"

#include <unicode/ucol.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace amity::domain {
namespace {

// Never closed: process-wide, like ICU's own caches.
const UCollator* Open(const char* locale) {
  UErrorCode status = U_ZERO_ERROR;
  UCollator* c = ucol_open(locale, &status);
  // Without its collator a list could come out in another order than the database's indexes
  // hold (a text sort, a cursor), so there is no going on.
  if (U_FAILURE(status) || !c) {
    std::fprintf(stderr, "amity: cannot open the ICU collator \"%s\": %s\n", locale,
                 u_errorName(status));
    std::abort();
  }
  return c;
}

const UCollator* Collator(Lang lang) {
  static const UCollator* const vi = Open("vi");
  static const UCollator* const en = Open("en");
  return lang == Lang::kVi ? vi : en;
}

}  // namespace

const char* LangName(Lang lang) { return lang == Lang::kVi ? "vi" : "en"; }

std::optional<Lang> ParseLang(std::string_view text) {
  if (text == "vi") return Lang::kVi;
  if (text == "en") return Lang::kEn;
  return std::nullopt;
}

int Collate(Lang lang, std::string_view a, std::string_view b) {
  UErrorCode status = U_ZERO_ERROR;
  const UCollationResult r =
      ucol_strcollUTF8(Collator(lang), a.data(), static_cast<int32_t>(a.size()), b.data(),
                       static_cast<int32_t>(b.size()), &status);
  if (U_FAILURE(status)) {  // only for lengths past 2 GiB: bytes decide then
    const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
    return c != 0 ? c : (a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0);
  }
  return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

std::string CollationVersion(Lang lang) {
  UVersionInfo version;
  ucol_getVersion(Collator(lang), version);
  char text[U_MAX_VERSION_STRING_LENGTH];
  u_versionToString(version, text);
  return text;
}

}  // namespace amity::domain
