#pragma once
// The order of text in lists: ICU collation in the language of the request. Both engines sort
// with the same ICU collations under the same names (SQLite: registered on every connection,
// PostgreSQL: created by a migration), so a list comes out in one order whatever the engine.
#include <optional>
#include <string>
#include <string_view>

namespace amity::domain {

enum class Lang { kEn, kVi };

// "en", "vi": the value of `lang=`, the ICU locale, and the collation's name in both engines.
const char* LangName(Lang lang);

// "en" or "vi" → the language; nullopt for anything else.
std::optional<Lang> ParseLang(std::string_view text);

// Whether `a` sorts before (<0), with (0) or after (>0) `b` in `lang`'s ICU collation ("vi":
// Vietnamese, D < Đ, A < Ă < Â, tones a à ả ã á ạ; "en": the root order, Đ a D with a
// diacritic), at the default tertiary strength: letters, then accents, then case tell strings
// apart. 0 for distinct strings that ICU holds equal (canonically equivalent ones, NFC and NFD).
// Ill-formed UTF-8 compares as U+FFFD. Thread-safe: the two collators are opened once, on first
// use, and only used through ucol_strcollUTF8, which takes a const collator (ICU's const APIs
// may be used concurrently: "Thread-safe const APIs" in ICU's design guide).
int Collate(Lang lang, std::string_view a, std::string_view b);

// The version of `lang`'s collation ("153.120.3.13"): it changes when an ICU upgrade may order
// some strings differently, and indexes built in the old order must then be rebuilt.
std::string CollationVersion(Lang lang);

}  // namespace amity::domain
