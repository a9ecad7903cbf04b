#pragma once
// Errors as RFC 9457 application/problem+json, with the list of {field, reason}. The one place
// that maps error codes to HTTP statuses.
#include <string>

#include "base/error.h"
#include "http/message.h"

namespace amity::http {

int HttpStatus(ErrorCode code);
Response ProblemResponse(int status, const std::string& detail,
                         const std::vector<FieldViolation>& fields = {});
Response ErrorResponse(const Error& error);

}  // namespace amity::http
