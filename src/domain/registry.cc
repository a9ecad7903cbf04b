#include "domain/registry.h"

namespace amity::domain {

Registry::Registry() {
  types_.push_back(DeclareCountry());
  types_.push_back(DeclareSubdivision());
  types_.push_back(DeclareUnit());
  types_.push_back(DeclareOrganisation());
  types_.push_back(DeclarePerson());
  types_.push_back(DeclareRelation());
  types_.push_back(DeclareInteraction());
  types_.push_back(DeclareAward());
  types_.push_back(DeclareDelegation());
  types_.push_back(DeclareEvent());
  types_.push_back(DeclareAgreement());
  types_.push_back(DeclarePlan());
  types_.push_back(DeclarePolicyDocument());
  types_.push_back(DeclareAidProject());
  types_.push_back(DeclareAppeal());
  types_.push_back(DeclareExchangeRate());
  types_.push_back(DeclareDocument());
  types_.push_back(DeclareCustomField(types_));
}

const Registry& Registry::Get() {
  static const Registry registry;
  return registry;
}

const EntityType* Registry::ByName(std::string_view name) const {
  for (const EntityType& t : types_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const EntityType* Registry::ByPlural(std::string_view plural) const {
  for (const EntityType& t : types_) {
    if (t.plural == plural) return &t;
  }
  return nullptr;
}

const EntityType* Registry::ByNameOrPlural(std::string_view s) const {
  const EntityType* t = ByName(s);
  return t ? t : ByPlural(s);
}

}  // namespace amity::domain
