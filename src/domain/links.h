#pragma once
// What a record points at, wherever in it the pointer is: top-level references, lists of them,
// and references inside the items of kObjects fields (a delegation member's person).
#include <functional>
#include <string>
#include <vector>

#include "domain/entity.h"

namespace amity::domain {

// Calls `fn` for every reference (kRef, and each entry of a kRefList) in `record`, declared or
// common, with the field that declares it, the top-level field it sits in, and its path
// ("members[2].person", "host_organisations[0]").
void ForEachRef(const EntityType& type, const Json& record,
                const std::function<void(const Field& field, const Field& top, const Json& id,
                                         const std::string& path)>& fn);

// The top-level fields of `type` (declared or common) that may hold a reference to a record of
// type `target`, at any depth (a delegation's leader and members).
std::vector<const Field*> FieldsReferring(const EntityType& type, const std::string& target);

// Calls `fn` with every reference in `record` (as ForEachRef finds them), which it may rewrite
// in place (an export writing the targets' uuids instead of their ids).
void MapRefs(const EntityType& type, Json* record,
             const std::function<void(const Field& field, Json* id)>& fn);

// The links of a record that appears on timelines (EntityType::timeline_date): one per
// referenced organisation, person, unit or other record, and per country, deduplicated. Empty
// for other types and for records in the trash.
std::vector<Link> LinksOf(const EntityType& type, const Json& record);

}  // namespace amity::domain
