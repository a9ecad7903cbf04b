#pragma once
// Time and identity sources, injected so tests are deterministic.
#include <atomic>
#include <cstdint>
#include <string>

namespace amity {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
  // NowMillis() as RFC 3339 UTC with milliseconds: "2026-11-22T17:33:23.123Z".
  std::string NowRfc3339() const;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override;
  static const SystemClock& Get();
};

// A clock that stands still until advanced; for tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t millis) : millis_(millis) {}
  int64_t NowMillis() const override { return millis_.load(); }
  void Advance(int64_t millis) { millis_ += millis; }

 private:
  std::atomic<int64_t> millis_;
};

// "2026-11-22T17:33:23.123Z" for a millisecond timestamp.
std::string FormatRfc3339Millis(int64_t millis);
// And back: milliseconds since the epoch of a text FormatRfc3339Millis wrote (0 if it is not one).
int64_t ParseRfc3339Millis(const std::string& text);

// A version 7 UUID (time-ordered, so new rows land at the end of the uuid index).
std::string NewUuid(const Clock& clock);

}  // namespace amity
