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

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A weight's thousandths ("0.8" → 800, "1" → 1000); -1 when it is not one (RFC 9110 §12.4.2).
int Weight(std::string_view q) {
  if (q.empty() || q.size() > 5 || (q[0] != '0' && q[0] != '1')) return -1;
  if (q.size() > 1 && q[1] != '.') return -1;
  int n = (q[0] - '0') * 1000, scale = 100;
  for (size_t i = 2; i < q.size(); ++i, scale /= 10) {
    if (q[i] < '0' || q[i] > '9') return -1;
    n += (q[i] - '0') * scale;
  }
  return n > 1000 ? -1 : n;
}

}  // namespace

std::string_view PreferredLang(std::string_view header) {
  std::string_view best = "en";
  int best_weight = 0;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    int weight = 1000;
    if (const size_t semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view param = TrimSpace(item.substr(semi + 1));
      item = item.substr(0, semi);
      if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
      weight = Weight(param.substr(2));
    }
    item = TrimSpace(item);
    const std::string_view primary = item.substr(0, item.find('-'));
    if (primary.size() != 2 || weight <= best_weight) continue;
    const char a = static_cast<char>(primary[0] | 0x20), b = static_cast<char>(primary[1] | 0x20);
    if (a == 'v' && b == 'i') {
      best = "vi";
    } else if (a == 'e' && b == 'n') {
      best = "en";
    } else {
      continue;
    }
    best_weight = weight;
  }
  return best;
}

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
