#pragma once
// A list or count request over one entity type, parsed from key/value parameters
// (the URL query, or CLI options) and checked against the declaration. No SQL here.
//
//   field=v           equals (repeat the parameter, or use field.in=a,b, for any of several)
//   field.ne=v        not equal          field.gt / .gte / .lt / .lte=v   ranges
//   field.in=a,b,c    any of             field.contains=text  (text: case-insensitive substring;
//   field.prefix=t    starts with                               lists: has the element)
//   field.null=true   has no value (false: has one)
//   custom.NAME…      the same for a custom field (not sortable)
//   q=text            any searchable field contains text
//   identifier=scheme:value               an external identifier
//   sort=field | sort=-field              one sort key; ties broken by id
//   lang=vi|en                            the order of text (domain/collation.h)
//   limit=1..500 (default 50), cursor=…   keyset paging
//   total=true                            also count every match
//   deleted=true                          the trash instead of live records
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/collation.h"
#include "domain/entity.h"
#include "domain/reference.h"

namespace amity::domain {

enum class Op { kEq, kNe, kGt, kGte, kLt, kLte, kIn, kContains, kPrefix, kIsNull, kNotNull };
const char* OpName(Op op);

struct Condition {
  const Field* field = nullptr;  // null for the pseudo-filters below
  std::string pseudo;            // "q" or "identifier"
  Op op = Op::kEq;
  std::vector<Json> values;      // typed: integers for ids, strings for text and dates
};

struct Cursor {
  Json sort_value;  // the last row's sort value (null allowed)
  int64_t id = 0;   // the last row's id
};

struct Query {
  std::vector<Condition> conditions;
  const Field* sort = nullptr;  // null: by id
  bool descending = false;
  Lang lang = Lang::kEn;  // the collation a text sort follows
  int limit = 50;
  std::optional<Cursor> after;
  bool total = false;
  bool deleted = false;
  const Field* group_by = nullptr;  // for counts
};

using Params = std::vector<std::pair<std::string, std::string>>;

// Parses `params`; `for_counts` also requires and reads `by`. Each problem names its parameter.
// `custom` holds the type's custom fields in force (CustomFields::Of; null: none), which
// filters and `by` name as custom.NAME; the query points into it, so it must outlive the query.
// `lang` is the language when `params` has no `lang` (the HTTP API: the Accept-Language's).
Result<Query> ParseQuery(const EntityType& type, const Params& params, bool for_counts,
                         const ReferenceData& ref, const std::vector<Field>* custom = nullptr,
                         Lang lang = Lang::kEn);

// Whether sorting by `f` follows the query's language (text), rather than the stored values'
// own order (numbers, dates, codes of enums).
bool Collated(const Field& f);

// Opaque cursor text for the next page, and back (checked against the query's sort and, for a
// text sort, its language).
std::string EncodeCursor(const Query& query, const Json& sort_value, int64_t id);

// Ops a field type accepts in filters (for meta and OpenAPI).
std::vector<Op> OpsFor(const Field& field);

// Whether `field` can be a `by` of counts.
bool Groupable(const Field& field);

}  // namespace amity::domain
