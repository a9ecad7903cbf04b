#pragma once
// Calendar values as Amity stores them: ISO 8601 text, which sorts and compares correctly as text.
#include <optional>
#include <string>
#include <string_view>

namespace amity {

// "YYYY-MM-DD", a real calendar day, years 0001..9999. Returns the canonical text or nullopt.
std::optional<std::string> ParseDate(std::string_view s);

// A year, a year and month, or a full date: "1930", "1930-02", "1930-02-03".
// Comparing partial dates as text orders them by their first day ("1930" < "1930-02").
std::optional<std::string> ParsePartialDate(std::string_view s);

// Whether partial date `later` is strictly before `earlier` on the precision both have: "1990"
// is not before "1990-05", "1989-12" is before "1990". Empty values are never before anything.
// What "an end before its start" means for every dated thing (founded/dissolved, from/to).
bool EndsBeforeStart(std::string_view start, std::string_view end);

// RFC 3339 date-time with a zone ("2026-01-02T03:04:05Z", "...+07:00", optional fraction),
// normalised to UTC with milliseconds: "2026-01-01T20:04:05.000Z".
std::optional<std::string> ParseDateTime(std::string_view s);

}  // namespace amity
