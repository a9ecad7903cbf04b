#include "http/server.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace amity::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

const std::string& Request::Header(const std::string& name) const {
  static const std::string empty;
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return empty;
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Response PlainProblem(int status, const std::string& title, const std::string& detail) {
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  // Hand-built: no JSON library here, and every piece is a fixed ASCII text.
  std::string escaped;
  for (char c : detail) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    if (static_cast<unsigned char>(c) >= 0x20) escaped.push_back(c);
  }
  r.body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" +
           std::to_string(status) + ",\"detail\":\"" + escaped + "\",\"errors\":[]}";
  return r;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions o, Handler h, AccessLog l, QuickTest q)
      : options(std::move(o)), handler(std::move(h)), log(std::move(l)), quick(std::move(q)),
        ioc(options.io_threads), acceptor(asio::make_strand(ioc)), pool(options.workers),
        signals(ioc) {}

  class Session;

  void Accept();
  void Stop();

  ServerOptions options;
  Handler handler;
  AccessLog log;
  QuickTest quick;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::thread_pool pool;
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> queued{0};
  std::atomic<uint64_t> next_id{1};
  std::mutex mu;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions;
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Impl& server) : stream_(std::move(socket)), server_(server) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

  // Closes the connection if it is waiting for a request; otherwise it closes after answering.
  void StopIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  void Read() {
    if (server_.stopping) return Close();
    parser_.emplace();
    // Until the header says what the request is, allow the larger limit; it is narrowed below
    // before any of the body is read.
    body_limit_ = server_.options.max_body_bytes;
    parser_->body_limit(server_.options.is_upload
                            ? std::max(body_limit_, server_.options.max_upload_bytes)
                            : body_limit_);
    parser_->header_limit(static_cast<uint32_t>(server_.options.max_header_bytes));
    busy_ = false;
    stream_.expires_after(buffer_.size() > 0 ? server_.options.read_timeout
                                             : server_.options.idle_timeout);
    // The header first: it decides how large the body may be.
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec && ec != bhttp::error::body_limit) return self->OnRead(ec);
      // (A declared length past even the larger limit fails here with the header read.)
      const auto& h = self->parser_->get();
      const ServerOptions& o = self->server_.options;
      if (o.is_upload && o.is_upload(std::string_view(h.method_string().data(), h.method_string().size()),
                                     std::string_view(h.target().data(), h.target().size()))) {
        self->body_limit_ = o.max_upload_bytes;
      }
      if (ec) return self->OnRead(ec);
      self->parser_->body_limit(self->body_limit_);
      // A declared length past the limit is refused before the body is read.
      if (h.has_content_length() && self->parser_->content_length() &&
          *self->parser_->content_length() > self->body_limit_) {
        return self->OnRead(bhttp::error::body_limit);
      }
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec2, size_t) { self->OnRead(ec2); });
    });
  }

  void OnRead(beast::error_code ec) {
    const auto start = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == asio::error::bad_descriptor) {
      return Close();
    }
    Request req;
    req.request_id = NextId();
    req.remote = Remote();
    busy_ = true;
    if (ec) {
      // The request cannot be read to its end: answer and close.
      Response r;
      if (ec == bhttp::error::body_limit) {
        r = PlainProblem(413, "Payload Too Large",
                         "the body is larger than " + std::to_string(body_limit_) + " bytes");
      } else if (ec == bhttp::error::header_limit) {
        r = PlainProblem(431, "Request Header Fields Too Large",
                         "the headers are larger than " + std::to_string(server_.options.max_header_bytes) + " bytes");
      } else {
        r = PlainProblem(400, "Bad Request", "malformed HTTP request: " + ec.message());
      }
      req.method = "?";
      return Write(std::move(req), std::move(r), false, 11, start);
    }
    bhttp::request<bhttp::string_body> msg = parser_->release();
    req.method = std::string(msg.method_string().data(), msg.method_string().size());
    req.target = std::string(msg.target().data(), msg.target().size());
    for (const auto& h : msg) req.headers.emplace_back(Lower(std::string_view(h.name_string().data(), h.name_string().size())), std::string(h.value()));
    req.body = std::move(msg.body());
    const bool keep_alive = msg.keep_alive();
    const unsigned version = msg.version();
    if (server_.quick && server_.quick(req)) {
      Response resp = Handle(req);
      return Write(std::move(req), std::move(resp), keep_alive, version, start);
    }
    if (server_.queued.load() >= server_.options.max_queued) {
      return Write(std::move(req), PlainProblem(503, "Service Unavailable", "the server is overloaded; try again"),
                   false, version, start);
    }
    ++server_.queued;
    auto work = asio::make_work_guard(server_.ioc);
    asio::post(server_.pool, [self = shared_from_this(), req = std::move(req), keep_alive, version,
                              start, work = std::move(work)]() mutable {
      --self->server_.queued;
      Response resp = self->Handle(req);
      asio::post(self->stream_.get_executor(),
                 [self, req = std::move(req), resp = std::move(resp), keep_alive, version, start]() mutable {
                   self->Write(std::move(req), std::move(resp), keep_alive, version, start);
                 });
    });
  }

  // Runs the handler (HEAD as GET); the one place an unexpected exception becomes a 500.
  Response Handle(const Request& req) {
    try {
      if (req.method != "HEAD") return server_.handler(req);
      Request as_get = req;
      as_get.method = "GET";
      return server_.handler(as_get);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "amity: unexpected exception in request %s %s: %s\n",
                   req.request_id.c_str(), req.target.c_str(), e.what());
      return PlainProblem(500, "Internal Server Error", "unexpected error; request id " + req.request_id);
    }
  }

  void Write(Request req, Response resp, bool keep_alive, unsigned version,
             std::chrono::steady_clock::time_point start) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(resp.status), version);
    res->set(bhttp::field::server, "amity");
    res->set(bhttp::field::content_type, resp.content_type);
    res->set("X-Request-Id", req.request_id);
    for (const auto& [k, v] : resp.headers) res->set(k, v);
    res->keep_alive(keep_alive && !server_.stopping);
    const size_t bytes = resp.body.size();
    if (req.method == "HEAD") {
      res->content_length(bytes);
    } else {
      res->body() = std::move(resp.body);
      res->prepare_payload();
    }
    stream_.expires_after(server_.options.read_timeout);
    auto request = std::make_shared<Request>(std::move(req));
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res, request, start, bytes](
                                          beast::error_code ec, size_t) {
      if (self->server_.log) {
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start).count();
        self->server_.log(AccessRecord{request.get(), static_cast<int>(res->result_int()), bytes, micros});
      }
      if (ec || !res->keep_alive()) return self->Close();
      self->Read();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  // Twelve hex digits of a per-process counter.
  std::string NextId() {
    static const char* hex = "0123456789abcdef";
    uint64_t n = server_.next_id++;
    std::string id(12, '0');
    for (int i = 11; i >= 0 && n; --i, n >>= 4) id[static_cast<size_t>(i)] = hex[n & 15];
    return id;
  }

  std::string Remote() {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  size_t body_limit_ = 0;  // of the request being read
  Impl& server_;
  bool busy_ = false;  // a request is being handled or answered (touched on the strand only)
};

void Server::Impl::Accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    } else {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto s = std::make_shared<Session>(std::move(socket), *this);
      {
        std::lock_guard lock(mu);
        for (auto it = sessions.begin(); it != sessions.end();) {
          it = it->expired() ? sessions.erase(it) : std::next(it);
        }
        sessions.insert(s);
      }
      s->Start();
    }
    if (!stopping) Accept();
  });
}

void Server::Impl::Stop() {
  if (stopping.exchange(true)) return;
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    std::lock_guard lock(mu);
    for (const auto& w : sessions) {
      if (auto s = w.lock()) s->StopIfIdle();
    }
  });
}

Server::Server(ServerOptions options, Handler handler, AccessLog log, QuickTest quick)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(log),
                                   std::move(quick))) {}

Server::~Server() {
  impl_->pool.join();
}

Result<uint16_t> Server::Listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "listen: \"" + impl_->options.address + "\" is not an IP address");
  const tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kUnavailable, "cannot listen on " + impl_->options.address + ":" +
                                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return impl_->acceptor.local_endpoint().port();
}

void Server::Run(bool handle_signals) {
  if (handle_signals) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->Stop();
    });
  }
  impl_->Accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->options.io_threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  impl_->pool.join();
}

void Server::Stop() { impl_->Stop(); }

}  // namespace amity::http
