#include <algorithm>
#include "base/dates.h"

#include <chrono>

#include "base/clock.h"

namespace amity {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool ValidYmd(int y, int m, int d) {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  return ymd.ok();
}

}  // namespace

std::optional<std::string> ParseDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d) || !ValidYmd(y, m, d)) {
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<std::string> ParsePartialDate(std::string_view s) {
  int y = 0, m = 0;
  if (s.size() == 4) {
    if (!Digits(s, 0, 4, &y) || y < 1) return std::nullopt;
    return std::string(s);
  }
  if (s.size() == 7) {
    if (s[4] != '-' || !Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || y < 1 || m < 1 || m > 12) {
      return std::nullopt;
    }
    return std::string(s);
  }
  return ParseDate(s);
}

std::optional<std::string> ParseDateTime(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() < 20 || !ParseDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':' || !Digits(s, 11, 2, &h) || !Digits(s, 14, 2, &mi) ||
      !Digits(s, 17, 2, &sec) || h > 23 || mi > 59 || sec > 59) {
    return std::nullopt;
  }
  Digits(s, 0, 4, &y);
  Digits(s, 5, 2, &mo);
  Digits(s, 8, 2, &d);
  size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 3) millis = millis * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (int i = n; i < 3; ++i) millis *= 10;
  }
  int offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset_min = 0;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  using namespace std::chrono;
  const sys_days day{year(y) / month(mo) / std::chrono::day(d)};
  const int64_t ms = duration_cast<milliseconds>(day.time_since_epoch()).count() +
                     ((h * 60 + mi - offset_min) * 60 + sec) * 1000LL + millis;
  return FormatRfc3339Millis(ms);
}

bool EndsBeforeStart(std::string_view start, std::string_view end) {
  const size_t n = std::min(start.size(), end.size());
  return n > 0 && end.substr(0, n) < start.substr(0, n);
}

}  // namespace amity
