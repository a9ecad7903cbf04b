#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace amity::http {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kAlreadyExists: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kStale: return 412;
    case ErrorCode::kPreconditionRequired: return 428;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

namespace {
const char* Title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}
}  // namespace

Response ProblemResponse(int status, const std::string& detail,
                         const std::vector<FieldViolation>& fields) {
  nlohmann::json errors = nlohmann::json::array();
  for (const FieldViolation& f : fields) errors.push_back({{"field", f.field}, {"reason", f.reason}});
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = nlohmann::json{{"type", "about:blank"}, {"title", Title(status)}, {"status", status},
                          {"detail", detail}, {"errors", errors}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(const Error& error) {
  return ProblemResponse(HttpStatus(error.code), error.message, error.fields);
}

}  // namespace amity::http
