#pragma once
// Small helpers the declarations' rules share: reading a record's values and the "exactly one of
// two references" rule (a relation's from side, an award's recipient).
#include <string>
#include <vector>

#include "domain/entity.h"

namespace amity::domain {

// The string value of `key`, or "" when absent, null or not a string.
inline std::string StrOf(const Json& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline bool Has(const Json& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && !it->is_null();
}

// Exactly one of `a` and `b` must be set: "an award goes to a person or an organisation: …" when
// neither (on `a`), "give a or b, not both" when both (on `b`).
inline void ExactlyOne(const Json& r, const char* a, const char* b, const std::string& what,
                       std::vector<FieldViolation>* out) {
  const bool has_a = Has(r, a), has_b = Has(r, b);
  const std::string give = std::string("give ") + a + " or " + b;
  if (!has_a && !has_b) out->push_back({a, what + ": " + give});
  if (has_a && has_b) out->push_back({b, give + ", not both"});
}

}  // namespace amity::domain
