#include "http/url.h"

namespace amity::http {
namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Decode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = Hex(in[i + 1]);
      const int lo = Hex(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (in[i] == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(in[i]);
    }
  }
  return true;
}

}  // namespace

Result<Target> ParseTarget(const std::string& target) {
  Target t;
  const size_t q = target.find('?');
  if (!Decode(std::string_view(target).substr(0, q), false, &t.path)) {
    return Invalid("path", "malformed percent-encoding");
  }
  if (q == std::string::npos) return t;
  std::string_view query = std::string_view(target).substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (t.params.size() == kMaxParams) {
      return Invalid("query", "has more than " + std::to_string(kMaxParams) + " parameters");
    }
    const size_t eq = pair.find('=');
    std::string key, value;
    if (!Decode(pair.substr(0, eq), true, &key)) {
      return Invalid(std::string(pair.substr(0, eq)), "malformed percent-encoding");
    }
    if (eq != std::string_view::npos && !Decode(pair.substr(eq + 1), true, &value)) {
      return Invalid(key, "malformed percent-encoding");
    }
    t.params.emplace_back(std::move(key), std::move(value));
  }
  return t;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace amity::http
