#pragma once
// What handlers see: plain requests and responses, independent of the HTTP library.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace amity::http {

struct Request {
  std::string method;  // "GET"
  std::string target;  // raw target: "/api/v1/organisations?country=VN"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote;      // client address
  // Whether the client reached us over TLS: the connection is TLS, or the server is configured
  // as behind a TLS-terminating proxy. Session cookies are marked Secure then.
  bool secure = false;
  std::string request_id;  // for logs and error bodies

  // The first header with this (lower-case) name, or empty.
  const std::string& Header(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  Response& With(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace amity::http
