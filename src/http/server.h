#pragma once
// The HTTP server: the only file that knows Boost.Beast. Async I/O on a few threads (a
// connection never holds a thread while it waits), handlers on a bounded worker pool (the SQL
// drivers block) except quick point reads, which run where they were read (a hop to the pool
// and back cost more than the read itself); keep-alive, read/idle timeouts, header and body
// limits, optional TLS, graceful stop: requests in flight finish and are answered, idle
// connections close, then Run() returns.
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
  size_t max_header_bytes = 16 << 10;  // 431 past it (the request line counts)
  size_t max_target_bytes = 8 << 10;   // 414 past it
  size_t max_queued = 1024;  // requests waiting for a worker before answering 503
  // Deadlines, not inactivity timers, so a client trickling bytes cannot hold a connection:
  // the TLS handshake, a request's header (from its first byte) and then its body must each
  // arrive within read_timeout; a response must be written within write_timeout; a keep-alive
  // connection may wait idle_timeout for its next request. A body or response of n bytes gets
  // n / min_transfer_rate seconds more, so that large uploads and downloads still pass.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  size_t min_transfer_rate = 64 << 10;  // bytes per second
  // TLS (1.2 or 1.3, Mozilla's "intermediate" ciphers) when both are set: PEM files of the
  // certificate chain and of its unencrypted private key, read by Listen().
  std::string tls_cert_file, tls_key_file;
  // Every request counts as secure (Request::secure): only behind a proxy that terminates TLS
  // and is the only way in.
  bool behind_tls_proxy = false;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler, AccessLog log, QuickTest quick = nullptr);
  ~Server();
  // Loads the TLS certificate and key (when set), binds and listens; returns the bound port.
  // A certificate or key that cannot be read or used is kInvalidArgument with one field,
  // "tls_cert_file" or "tls_key_file", whose reason names the file and what is wrong with it.
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
