// UN M49 regions come from ICU's region data (the same data CLDR publishes), never typed by hand.
#include <map>
#include <memory>

#include <unicode/locid.h>
#include <unicode/region.h>
#include <unicode/strenum.h>
#include <unicode/unistr.h>

#include "domain/registry.h"

namespace amity::domain {
namespace {

std::string DisplayName(const char* region, const char* lang) {
  icu::UnicodeString name;
  icu::Locale("und", region).getDisplayCountry(icu::Locale(lang), name);
  std::string out;
  name.toUTF8String(out);
  return out;
}

std::vector<EnumValue> RegionsOfType(URegionType type) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::StringEnumeration> all(icu::Region::getAvailable(type, status));
  std::map<std::string, EnumValue> sorted;
  if (U_FAILURE(status) || !all) return {};
  const char* code;
  while ((code = all->next(nullptr, status)) != nullptr && U_SUCCESS(status)) {
    sorted[code] = EnumValue{code, {DisplayName(code, "en"), DisplayName(code, "vi")}, {}};
  }
  std::vector<EnumValue> out;
  for (auto& [_, v] : sorted) out.push_back(std::move(v));
  return out;
}

}  // namespace

std::vector<EnumValue> ContinentValues() { return RegionsOfType(URGN_CONTINENT); }
std::vector<EnumValue> SubregionValues() { return RegionsOfType(URGN_SUBCONTINENT); }

CountryRegion RegionOf(std::string_view alpha2) {
  CountryRegion out;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Region* r = icu::Region::getInstance(std::string(alpha2).c_str(), status);
  if (U_FAILURE(status) || !r) return out;
  if (const icu::Region* sub = r->getContainingRegion(URGN_SUBCONTINENT)) {
    out.subregion = sub->getRegionCode();
  }
  if (const icu::Region* cont = r->getContainingRegion(URGN_CONTINENT)) {
    out.continent = cont->getRegionCode();
  }
  return out;
}

}  // namespace amity::domain
