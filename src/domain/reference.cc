#include "domain/reference.h"

#include "base/text.h"

namespace amity::domain {

bool ReferenceData::IsCountry(std::string_view alpha2) const {
  return country_by_alpha2.contains(std::string(alpha2));
}

std::optional<std::string> ReferenceData::ResolveCountry(std::string_view code) const {
  std::string upper(code);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (upper.size() == 2 && country_by_alpha2.contains(upper)) return upper;
  if (upper.size() == 3) {
    if (auto it = country_by_alpha3.find(upper); it != country_by_alpha3.end()) {
      return countries[it->second].alpha2;
    }
    for (const CountryInfo& c : countries) {
      if (c.numeric == upper) return c.alpha2;
    }
  }
  return std::nullopt;
}

bool ReferenceData::IsCurrency(std::string_view code) const {
  return currency_codes.contains(std::string(code));
}

bool ReferenceData::IsSubdivision(std::string_view code) const {
  return subdivision_codes.contains(std::string(code));
}

bool ReferenceData::IsLanguageTag(std::string_view tag) const {
  const size_t dash = tag.find('-');
  const std::string_view primary = tag.substr(0, dash);
  if (primary != "und" && !language_codes.contains(std::string(primary))) return false;
  if (dash == std::string_view::npos) return true;
  std::string_view rest = tag.substr(dash + 1);
  while (true) {
    const size_t next = rest.find('-');
    const std::string_view sub = rest.substr(0, next);
    if (sub.empty() || sub.size() > 8) return false;
    for (char c : sub) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    if (next == std::string_view::npos) return true;
    rest = rest.substr(next + 1);
  }
}

std::optional<std::string> ReferenceData::LanguageByName(std::string_view name) const {
  auto it = language_by_name.find(AsciiLower(Trim(name)));
  if (it == language_by_name.end()) return std::nullopt;
  return it->second;
}

}  // namespace amity::domain
