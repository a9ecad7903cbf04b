#include "base/clock.h"

#include <chrono>
#include <cstdio>
#include <cstring>

#include <sodium.h>

namespace amity {

std::string Clock::NowRfc3339() const { return FormatRfc3339Millis(NowMillis()); }

int64_t SystemClock::NowMillis() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const SystemClock& SystemClock::Get() {
  static const SystemClock clock;
  return clock;
}

std::string FormatRfc3339Millis(int64_t millis) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(millis)));
  const year_month_day ymd(day);
  int64_t rest = millis - duration_cast<milliseconds>(day.time_since_epoch()).count();
  const int hh = static_cast<int>(rest / 3600000);
  rest %= 3600000;
  const int mm = static_cast<int>(rest / 60000);
  rest %= 60000;
  const int ss = static_cast<int>(rest / 1000);
  const int ms = static_cast<int>(rest % 1000);
  // Digits written by hand: this runs for every access-log line.
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put = [&buf](int at, int width, int value) {
    for (int i = at + width - 1; i >= at; --i, value /= 10) buf[i] = static_cast<char>('0' + value % 10);
  };
  put(0, 4, static_cast<int>(ymd.year()));
  put(5, 2, static_cast<int>(static_cast<unsigned>(ymd.month())));
  put(8, 2, static_cast<int>(static_cast<unsigned>(ymd.day())));
  put(11, 2, hh);
  put(14, 2, mm);
  put(17, 2, ss);
  put(20, 3, ms);
  return std::string(buf, 24);
}

int64_t ParseRfc3339Millis(const std::string& text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, hh = 0, mm = 0, ss = 0, ms = 0;
  char tail = 0;
  if (text.size() != 24 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &hh, &mm, &ss,
                                       &ms, &tail) != 8 || tail != 'Z') {
    return 0;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return 0;
  return duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count() +
         ((hh * 60 + mm) * 60 + ss) * int64_t{1000} + ms;
}

std::string NewUuid(const Clock& clock) {
  static const int sodium_ready = sodium_init();
  (void)sodium_ready;
  // Random bytes come from a per-thread buffer refilled 4 KiB at a time: one getrandom call
  // per 256 UUIDs instead of one each (imports make millions).
  thread_local unsigned char pool[4096];
  thread_local size_t used = sizeof pool;
  if (used + 16 > sizeof pool) {
    randombytes_buf(pool, sizeof pool);
    used = 0;
  }
  unsigned char b[16];
  std::memcpy(b, pool + used, sizeof b);
  sodium_memzero(pool + used, sizeof b);
  used += sizeof b;
  const uint64_t ms = static_cast<uint64_t>(clock.NowMillis());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[b[i] >> 4]);
    out.push_back(hex[b[i] & 15]);
  }
  return out;
}

}  // namespace amity
