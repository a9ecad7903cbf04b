#pragma once
// Every entity type Amity knows, declared once. Adding an entity: a declaration file beside
// country.cc, one line in registry.cc, a migration per dialect.
#include <string_view>
#include <vector>

#include "domain/entity.h"

namespace amity::domain {

class Registry {
 public:
  // The process-wide registry; built on first use, immutable afterwards.
  static const Registry& Get();

  const std::vector<EntityType>& types() const { return types_; }
  const EntityType* ByName(std::string_view name) const;
  const EntityType* ByPlural(std::string_view plural) const;
  // By name or plural: what a CLI argument may say ("organisation" or "organisations").
  const EntityType* ByNameOrPlural(std::string_view s) const;

 private:
  Registry();
  std::vector<EntityType> types_;
};

// Declarations, one per file.
EntityType DeclareCountry();
EntityType DeclareSubdivision();
EntityType DeclareUnit();
EntityType DeclareOrganisation();
EntityType DeclarePerson();
EntityType DeclareRelation();
EntityType DeclareInteraction();
EntityType DeclareAward();
EntityType DeclareDelegation();
EntityType DeclareEvent();
EntityType DeclareAgreement();
EntityType DeclarePlan();
EntityType DeclarePolicyDocument();
EntityType DeclareAidProject();
EntityType DeclareAppeal();
EntityType DeclareExchangeRate();
EntityType DeclareDocument();
// Declarations of custom fields on any of `types` (domain/custom.h).
EntityType DeclareCustomField(const std::vector<EntityType>& types);

// UN M49 regions (from ICU's region data): enum values for Country.region and Country.subregion,
// and the region codes of a country.
std::vector<EnumValue> ContinentValues();
std::vector<EnumValue> SubregionValues();
struct CountryRegion {
  std::string continent, subregion;  // M49 codes, e.g. "142" and "035"; empty when none
};
CountryRegion RegionOf(std::string_view alpha2);

}  // namespace amity::domain
