#pragma once
// What a record replaces: an agreement renewing an older one, a resolution replacing an earlier
// resolution. The chain of `supersedes` must not loop back to the record.
#include <optional>
#include <string_view>

#include "domain/entity.h"

namespace amity::domain {

// check_stored for an entity with a `supersedes` reference to its own kind: not itself (400), and
// not a record that already supersedes this one, directly or through others (409).
Status CheckSupersedes(std::string_view entity, const Json& record, std::optional<int64_t> id,
                       Lookup& lookup);

}  // namespace amity::domain
