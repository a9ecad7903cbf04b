#include "domain/supersedes.h"

#include <string>

namespace amity::domain {

Status CheckSupersedes(std::string_view entity, const Json& record, std::optional<int64_t> id,
                       Lookup& lookup) {
  auto it = record.find("supersedes");
  if (!id || it == record.end() || !it->is_number_integer()) return {};
  const int64_t first = it->get<int64_t>();
  if (first == *id) return Invalid("supersedes", "cannot supersede itself");
  int64_t at = first;
  for (int depth = 0; depth < 256; ++depth) {
    ASSIGN_OR_RETURN(std::optional<Json> older, lookup.Find(entity, at, true));
    if (!older) return {};
    auto next = older->find("supersedes");
    if (next == older->end() || !next->is_number_integer()) return {};
    at = next->get<int64_t>();
    if (at == *id) {
      const std::string reason = "would make a cycle: " + std::string(entity) + " " + std::to_string(first) +
                                 " already supersedes " + std::string(entity) + " " + std::to_string(*id) +
                                 (depth == 0 ? "" : " through others");
      return Fail(ErrorCode::kFailedPrecondition, "supersedes: " + reason, {{"supersedes", reason}});
    }
  }
  return {};
}

}  // namespace amity::domain
