#pragma once
// Request targets: path and decoded query parameters.
#include <string>
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

// "/api/v1/organisations/12" → {"api", "v1", "organisations", "12"}.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace amity::http
