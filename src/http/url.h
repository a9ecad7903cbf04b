#pragma once
// Request targets (path and decoded query parameters), and the language a request asks for.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace amity::http {

struct Target {
  std::string path;  // percent-decoded
  std::vector<std::pair<std::string, std::string>> params;
};

// Query parameters a target may have: far more than any endpoint takes.
constexpr size_t kMaxParams = 100;

// Splits and percent-decodes "/a/b?x=1&y=%C3%A9" ('+' in the query is a space). Malformed
// escapes are an error naming the parameter; more than kMaxParams parameters, one naming "query".
Result<Target> ParseTarget(const std::string& target);

// The first of "vi" and "en" an Accept-Language header (RFC 9110 §12.5.4) prefers: by q-value
// (ties in the header's order), a range counting by its primary subtag ("vi-VN" is "vi"), q=0
// meaning "not this". "en" when it names neither (or "*" only), is empty or is malformed.
std::string_view PreferredLang(std::string_view accept_language);

// "/api/v1/organisations/12" → {"api", "v1", "organisations", "12"}.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace amity::http
