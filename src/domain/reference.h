#pragma once
// Reference data Amity never types by hand: ISO 3166, 4217 and 639 codes from the iso-codes
// package (loaded by io/iso_codes). Immutable after loading; shared by every thread.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace amity::domain {

struct CountryInfo {
  std::string alpha2, alpha3, numeric, name, official_name, common_name, name_vi;
  std::string withdrawn_on;  // for former countries (ISO 3166-3), else empty
};

struct SubdivisionInfo {
  std::string code, country, name, name_vi, type, parent;
};

struct CurrencyInfo {
  std::string code, numeric, name, name_vi;
};

struct ReferenceData {
  std::vector<CountryInfo> countries;  // ISO 3166-1, then former countries from ISO 3166-3
  std::vector<SubdivisionInfo> subdivisions;
  std::vector<CurrencyInfo> currencies;
  std::unordered_map<std::string, size_t> country_by_alpha2, country_by_alpha3;
  std::unordered_set<std::string> currency_codes;
  std::unordered_set<std::string> subdivision_codes;             // ISO 3166-2
  std::unordered_set<std::string> language_codes;                 // ISO 639 alpha-2 and alpha-3
  std::unordered_map<std::string, std::string> language_by_name;  // lower-case English name → code

  bool IsCountry(std::string_view alpha2) const;
  // Alpha-2 for an alpha-2, alpha-3 or numeric code (any case); nullopt when unknown.
  std::optional<std::string> ResolveCountry(std::string_view code) const;
  bool IsCurrency(std::string_view code) const;
  bool IsSubdivision(std::string_view code) const;
  // A BCP 47 tag whose primary language is an ISO 639 code (or "und"): "vi", "zh-Hans", "sr-Latn".
  bool IsLanguageTag(std::string_view tag) const;
  // The code for an English language name ("Vietnamese" → "vi"), or nullopt.
  std::optional<std::string> LanguageByName(std::string_view name) const;
};

}  // namespace amity::domain
