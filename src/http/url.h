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

// Splits and percent-decodes "/a/b?x=1&y=%C3%A9" ('+' in the query is a space). Malformed
// escapes are an error naming the parameter.
Result<Target> ParseTarget(const std::string& target);

// "/api/v1/organisations/12" → {"api", "v1", "organisations", "12"}.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace amity::http
