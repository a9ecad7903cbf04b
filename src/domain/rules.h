#pragma once
// Small readers and rules the declarations share: reading a record's values, start and end
// dates, and "exactly one of two references" (a relation's from side, an award's recipient).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/dates.h"
#include "domain/entity.h"

namespace amity::domain {

// The text at `key` of a record or item, or "" when it is absent or not text: what rules compare
// dates and codes with.
inline std::string TextAt(const Json& r, std::string_view key) {
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The integer at `key` (an id), or nullopt.
inline std::optional<int64_t> IdAt(const Json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

inline bool Has(const Json& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && !it->is_null();
}

// "ends_on: is before starts_on (2024-05-10)" when the record's end is before its start.
inline void CheckStartsEnds(const Json& r, std::vector<FieldViolation>* out) {
  const std::string starts = TextAt(r, "starts_on"), ends = TextAt(r, "ends_on");
  if (EndsBeforeStart(starts, ends)) out->push_back({"ends_on", "is before starts_on (" + starts + ")"});
}

// "2024-05-10 to 2024-05-18", with "…" for a missing end.
inline std::string DatesOf(const Json& r) {
  const std::string starts = TextAt(r, "starts_on"), ends = TextAt(r, "ends_on");
  return (starts.empty() ? "…" : starts) + " to " + (ends.empty() ? "…" : ends);
}

// Exactly one of `a` and `b` must be set: "<what>: give a or b" when neither (on `a`), "give a or
// b, not both" when both (on `b`).
inline void ExactlyOne(const Json& r, const char* a, const char* b, const std::string& what,
                       std::vector<FieldViolation>* out) {
  const bool has_a = Has(r, a), has_b = Has(r, b);
  const std::string give = std::string("give ") + a + " or " + b;
  if (!has_a && !has_b) out->push_back({a, what + ": " + give});
  if (has_a && has_b) out->push_back({b, give + ", not both"});
}

}  // namespace amity::domain
