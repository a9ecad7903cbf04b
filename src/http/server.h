#pragma once
// The HTTP server: the only file that knows Boost.Beast. Async I/O on a few threads (a
// connection never holds a thread while it waits), handlers on a bounded worker pool (the SQL
// drivers block) except quick point reads, which run where they were read (a hop to the pool
// and back cost more than the read itself); keep-alive, read/idle timeouts, header and body
// limits, graceful stop: requests in flight finish and are answered, idle connections close,
// then Run() returns.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/message.h"

namespace amity::http {

using Handler = std::function<Response(const Request&)>;
// Whether a request is quick and bounded (a point read, a static file): such requests run on
// the I/O thread that read them; all others go to the worker pool.
using QuickTest = std::function<bool(const Request&)>;

// One line per request, after the response is written.
struct AccessRecord {
  const Request* request;
  int status;
  size_t bytes;
  int64_t micros;
};
using AccessLog = std::function<void(const AccessRecord&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (tests)
  int io_threads = 1;
  int workers = 4;
  size_t max_body_bytes = 1 << 20;
  // Requests this says yes to (file uploads) may carry up to max_upload_bytes instead.
  std::function<bool(std::string_view method, std::string_view target)> is_upload;
  size_t max_upload_bytes = 64 << 20;
  size_t max_header_bytes = 16 << 10;
  size_t max_queued = 1024;  // requests waiting for a worker before answering 503
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
};

class Server {
 public:
  Server(ServerOptions options, Handler handler, AccessLog log, QuickTest quick = nullptr);
  ~Server();
  // Binds and listens; returns the bound port.
  Result<uint16_t> Listen();
  // Serves until Stop() or SIGINT/SIGTERM (when `handle_signals`); returns after every
  // request in flight has been answered.
  void Run(bool handle_signals);
  // Thread-safe; begins the graceful stop.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace amity::http
