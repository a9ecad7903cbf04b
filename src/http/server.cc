#include "http/server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

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
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

using Message = bhttp::response<bhttp::string_body>;

// On every response, whoever answered it (the handler, or this file before any handler ran); a
// handler's header of the same name replaces one of these.
void SetSecurityHeaders(Message& res, bool secure) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
  // Browsers then come only over HTTPS for two years. Over plain HTTP it would be ignored (RFC
  // 6797), and it must not reach a browser that got here through an address without TLS.
  if (secure) res.set("Strict-Transport-Security", "max-age=63072000");
}

// Mozilla's "intermediate" configuration: TLS 1.2 with these (forward-secret AEAD) ciphers, and
// TLS 1.3 with OpenSSL's default suites, which are the ones Mozilla lists.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The reason of OpenSSL's first queued error (the cause; later ones say where it surfaced), and
// the queue emptied.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_error();
  const char* reason = ERR_reason_error_string(code);
  ERR_clear_error();
  return reason ? reason : "unknown error " + std::to_string(code);
}

Status CheckReadable(const std::string& field, const std::string& path) {
  if (!std::ifstream(path)) return Invalid(field, path + ": cannot read it: " + std::strerror(errno));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Invalid(field, path + ": is a directory");
  return {};
}

Status LoadTls(asio::ssl::context& ctx, const std::string& cert, const std::string& key) {
  SSL_CTX* native = ctx.native_handle();
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression |
                  asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                  asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Fail(ErrorCode::kInternal, "TLS: the cipher list is refused: " + OpenSslReason());
  }
  // An encrypted key fails to load rather than asking for a passphrase on the terminal.
  SSL_CTX_set_default_passwd_cb(native, [](char*, int, int, void*) { return 0; });
  RETURN_IF_ERROR(CheckReadable("tls_cert_file", cert));
  if (SSL_CTX_use_certificate_chain_file(native, cert.c_str()) != 1) {
    return Invalid("tls_cert_file", cert + ": not a PEM certificate (" + OpenSslReason() + ")");
  }
  RETURN_IF_ERROR(CheckReadable("tls_key_file", key));
  // Loading a key checks it against the certificate of its kind; the last check finds a key of
  // another kind (an RSA key for an ECDSA certificate).
  const bool loaded = SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) == 1;
  if (!loaded && ERR_GET_REASON(ERR_peek_error()) != X509_R_KEY_VALUES_MISMATCH) {
    ERR_clear_error();  // (its reasons, "unsupported" or "bad decrypt", say less than this)
    return Invalid("tls_key_file", key + ": not an unencrypted PEM private key");
  }
  if (!loaded || SSL_CTX_check_private_key(native) != 1) {
    return Invalid("tls_key_file", key + ": not the key of the certificate in " + cert + " (" +
                                       OpenSslReason() + ")");
  }
  return {};
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions o, Handler h, AccessLog l, QuickTest q)
      : options(std::move(o)), handler(std::move(h)), log(std::move(l)), quick(std::move(q)),
        ioc(options.io_threads), acceptor(asio::make_strand(ioc)), pool(options.workers),
        signals(ioc) {}

  // What the server needs of a connection, whatever its stream.
  class Connection {
   public:
    virtual ~Connection() = default;
    virtual void Start() = 0;
    // Closes the connection if it is waiting for a request; otherwise it closes after answering.
    virtual void StopIfIdle() = 0;
  };
  // One code path for both: Stream is beast::tcp_stream or beast::ssl_stream over one.
  template <class Stream>
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
  std::optional<asio::ssl::context> tls;  // set by Listen() when TLS is configured
  std::atomic<bool> stopping{false};
  std::atomic<size_t> queued{0};
  std::atomic<uint64_t> next_id{1};
  std::mutex mu;
  std::set<std::weak_ptr<Connection>, std::owner_less<std::weak_ptr<Connection>>> sessions;
};

template <class Stream>
class Server::Impl::Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // `tls`: the context, for a TLS stream only.
  template <class... Tls>
  Session(Impl& server, tcp::socket socket, Tls&... tls)
      : stream_(std::move(socket), tls...), server_(server) {}

  void Start() override {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        // On the I/O thread like every read: a stalled handshake holds no worker.
        self->Deadline(self->server_.options.read_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->Close();
          self->Read();
        });
      } else {
        self->Read();
      }
    });
  }

  void StopIfIdle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) self->Close();
    });
  }

 private:
  // The TCP layer under any TLS: it holds the deadline and the socket.
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // A deadline for what is started next; `bytes` to transfer extend it (min_transfer_rate).
  void Deadline(std::chrono::milliseconds base, size_t bytes = 0) {
    const size_t rate = server_.options.min_transfer_rate;
    Lowest().expires_after(base + std::chrono::milliseconds(rate ? bytes * 1000 / rate : 0));
  }

  // Waits (up to idle_timeout) for the first byte of the next request; its deadlines start then.
  void Read() {
    if (server_.stopping) return Close();
    busy_ = false;
    if (buffer_.size() > 0) return ReadHeader();  // pipelined: already here
    Deadline(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    const ServerOptions& o = server_.options;
    parser_.emplace();
    // Until the header says what the request is, allow the larger limit; it is narrowed in
    // OnHeader before any of the body is read.
    body_limit_ = o.max_body_bytes;
    parser_->body_limit(o.is_upload ? std::max(body_limit_, o.max_upload_bytes) : body_limit_);
    parser_->header_limit(static_cast<uint32_t>(o.max_header_bytes));
    Deadline(o.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    // (A declared length past even the larger limit fails here with the header read.)
    if (ec && ec != bhttp::error::body_limit) return OnRead(ec);
    const auto& h = parser_->get();
    const ServerOptions& o = server_.options;
    if (h.target().size() > o.max_target_bytes) {
      return Refuse(PlainProblem(414, "URI Too Long", "the request target is longer than " +
                                                          std::to_string(o.max_target_bytes) + " bytes"));
    }
    if (o.is_upload && o.is_upload(std::string_view(h.method_string().data(), h.method_string().size()),
                                   std::string_view(h.target().data(), h.target().size()))) {
      body_limit_ = o.max_upload_bytes;
    }
    if (ec) return OnRead(ec);
    parser_->body_limit(body_limit_);
    // A declared length past the limit is refused before the body is read.
    const auto length = parser_->content_length();
    if (length && *length > body_limit_) return OnRead(bhttp::error::body_limit);
    Deadline(o.read_timeout, length ? *length : parser_->chunked() ? body_limit_ : 0);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec2, size_t) { self->OnRead(ec2); });
  }

  void OnRead(beast::error_code ec) {
    const auto start = std::chrono::steady_clock::now();
    // Only a request the parser refused is answered; the transport failing (a reset, a deadline,
    // TLS) or the client leaving mid-request closes the connection.
    if (ec && (ec.category() != bhttp::make_error_code(bhttp::error::body_limit).category() ||
               ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message)) {
      return Close();
    }
    if (ec == bhttp::error::body_limit) {
      return Refuse(PlainProblem(413, "Payload Too Large",
                                 "the body is larger than " + std::to_string(body_limit_) + " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return Refuse(PlainProblem(431, "Request Header Fields Too Large",
                                 "the headers are larger than " + std::to_string(server_.options.max_header_bytes) + " bytes"));
    }
    if (ec) return Refuse(PlainProblem(400, "Bad Request", "malformed HTTP request: " + ec.message()));
    Request req = NewRequest();
    busy_ = true;
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
    asio::post(server_.pool, [self = this->shared_from_this(), req = std::move(req), keep_alive, version,
                              start, work = std::move(work)]() mutable {
      --self->server_.queued;
      Response resp = self->Handle(req);
      asio::post(self->stream_.get_executor(),
                 [self, req = std::move(req), resp = std::move(resp), keep_alive, version, start]() mutable {
                   self->Write(std::move(req), std::move(resp), keep_alive, version, start);
                 });
    });
  }

  Request NewRequest() {
    Request req;
    req.request_id = NextId();
    req.remote = Remote();
    req.secure = kTls || server_.options.behind_tls_proxy;
    return req;
  }

  // Answers a request that cannot be read to its end, then closes.
  void Refuse(Response r) {
    const auto start = std::chrono::steady_clock::now();
    Request req = NewRequest();
    req.method = "?";
    if (parser_ && parser_->is_header_done()) {
      const auto& h = parser_->get();
      req.method = std::string(h.method_string().data(), h.method_string().size());
      if (h.target().size() <= server_.options.max_target_bytes) req.target = std::string(h.target().data(), h.target().size());
    }
    busy_ = true;
    Write(std::move(req), std::move(r), false, 11, start);
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
    auto res = std::make_shared<Message>(static_cast<bhttp::status>(resp.status), version);
    res->set(bhttp::field::server, "amity");
    res->set(bhttp::field::content_type, resp.content_type);
    res->set("X-Request-Id", req.request_id);
    SetSecurityHeaders(*res, req.secure);
    for (const auto& [k, v] : resp.headers) res->set(k, v);
    res->keep_alive(keep_alive && !server_.stopping);
    const size_t bytes = resp.body.size();
    if (req.method == "HEAD") {
      res->content_length(bytes);
    } else {
      res->body() = std::move(resp.body);
      res->prepare_payload();
    }
    Deadline(server_.options.write_timeout, res->body().size());
    auto request = std::make_shared<Request>(std::move(req));
    bhttp::async_write(stream_, *res, [self = this->shared_from_this(), res, request, start, bytes](
                                          beast::error_code ec, size_t) {
      if (self->server_.log) {
        const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start).count();
        self->server_.log(AccessRecord{request.get(), static_cast<int>(res->result_int()), bytes, micros});
      }
      if (ec) return self->Close();
      if (!res->keep_alive()) return self->Shutdown();
      self->Read();
    });
  }

  // Ends the connection after its last response; over TLS with a close_notify first (bounded
  // by the write timeout), so the client knows the response was not cut short.
  void Shutdown() {
    if constexpr (kTls) {
      Deadline(server_.options.write_timeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Close(); });
    } else {
      Close();
    }
  }

  void Close() {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().close();
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
    auto ep = Lowest().socket().remote_endpoint(ec);
    return ec ? std::string("?") : ep.address().to_string();
  }

  Stream stream_;
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
      std::shared_ptr<Connection> s;
      if (tls) {
        s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket), *tls);
      } else {
        s = std::make_shared<Session<beast::tcp_stream>>(*this, std::move(socket));
      }
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
  const ServerOptions& o = impl_->options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty()) return Invalid("tls_cert_file", "is required with a TLS key");
    if (o.tls_key_file.empty()) return Invalid("tls_key_file", "is required with a TLS certificate");
    impl_->tls.emplace(asio::ssl::context::tls_server);
    RETURN_IF_ERROR(LoadTls(*impl_->tls, o.tls_cert_file, o.tls_key_file));
  }
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
