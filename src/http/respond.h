#pragma once
// Request and response helpers the API's route files share (api.cc, access_api.cc).
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "http/message.h"

namespace amity::http {

// The body as JSON: 400 naming what is wrong (content type, emptiness, depth, syntax).
Result<nlohmann::json> ParseBody(const Request& req);
Response JsonResponse(int status, const nlohmann::json& body);
// 405 with Allow.
Response MethodNotAllowed(const std::string& allow);
// Query parameters of endpoints that take none must be absent.
Status NoParams(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace amity::http
