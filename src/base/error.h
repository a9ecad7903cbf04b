#pragma once
// Expected failures are values. Codes follow absl::StatusCode so they map cleanly to HTTP
// (see http/problem.cc, the one place that does the mapping).
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace amity {

enum class ErrorCode {
  kInvalidArgument,       // 400: the input is wrong; `fields` says where
  kNotFound,              // 404
  kAlreadyExists,         // 409: a unique value is taken
  kFailedPrecondition,    // 409: the request is well-formed but the data's state refuses it
  kStale,                 // 412: If-Match lost against a newer version
  kPreconditionRequired,  // 428: an update came without If-Match
  kPermissionDenied,      // 403
  kUnauthenticated,       // 401
  kResourceExhausted,     // 429: too many attempts; try again later
  kUnavailable,           // 503: try again
  kInternal,              // 500: a bug or a broken environment
};

struct FieldViolation {
  std::string field;
  std::string reason;
  bool operator==(const FieldViolation&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<FieldViolation> fields;
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message,
                                  std::vector<FieldViolation> fields = {}) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(fields)});
}
// A 400 about one field.
inline tl::unexpected<Error> Invalid(std::string field, std::string reason) {
  std::string message = field.empty() ? reason : field + ": " + reason;
  return Fail(ErrorCode::kInvalidArgument, std::move(message),
              {FieldViolation{std::move(field), std::move(reason)}});
}
// A 400 listing every violation found (the message names the first).
inline tl::unexpected<Error> Invalid(std::vector<FieldViolation> fields) {
  std::string message = "invalid input";
  if (!fields.empty()) {
    message = (fields[0].field.empty() ? "" : fields[0].field + ": ") + fields[0].reason;
    if (fields.size() > 1) message += " (and " + std::to_string(fields.size() - 1) + " more)";
  }
  return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(fields));
}

const char* ErrorCodeName(ErrorCode code);

}  // namespace amity

// Evaluates `expr` (a Result or Status); returns its error from the enclosing function.
#define AMITY_CONCAT_INNER(a, b) a##b
#define AMITY_CONCAT(a, b) AMITY_CONCAT_INNER(a, b)
#define RETURN_IF_ERROR(expr)                                              \
  do {                                                                     \
    auto amity_status_ = (expr);                                           \
    if (!amity_status_) return tl::unexpected(std::move(amity_status_).error()); \
  } while (0)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                \
  auto tmp = (expr);                                         \
  if (!tmp) return tl::unexpected(std::move(tmp).error());   \
  lhs = std::move(*tmp)
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(AMITY_CONCAT(amity_result_, __LINE__), lhs, expr)
