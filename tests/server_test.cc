// The HTTP server itself, on a loopback port: TLS, the limits it answers before any handler
// runs, the headers on every response, and the deadlines that cut off slow clients.
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <utility>  // before Boost.Asio 1.74, which needs std::exchange

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include "support.h"

namespace amity::testing {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Answers {"secure": true|false} and counts the requests it saw.
struct SecureEcho {
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  http::Response operator()(const http::Request& req) const {
    ++*calls;
    http::Response r;
    r.body = req.secure ? "{\"secure\":true}" : "{\"secure\":false}";
    return r;
  }
};

http::ServerOptions WithTls(const TestCertificate& cert) {
  http::ServerOptions o;
  o.tls_cert_file = cert.cert_file;
  o.tls_key_file = cert.key_file;
  return o;
}

asio::ip::tcp::socket Connect(asio::io_context& ioc, uint16_t port) {
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  return socket;
}

// Everything the peer sends until it closes (or resets) the connection.
std::string ReadToEnd(asio::ip::tcp::socket& socket) {
  std::string out;
  char buf[65536];
  boost::system::error_code ec;
  for (size_t n; (n = socket.read_some(asio::buffer(buf), ec)) > 0 || !ec;) out.append(buf, n);
  return out;
}

// The problem+json body the server writes itself.
std::string Problem(int status, const std::string& title, const std::string& detail) {
  return "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + std::to_string(status) +
         ",\"detail\":\"" + detail + "\",\"errors\":[]}";
}

void ExpectSecurityHeaders(const HttpResponse& r) {
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.Header("content-security-policy"), "default-src 'self'; frame-ancestors 'none'; base-uri 'none'");
}

// A raw response (status line, headers, body) parsed into an HttpResponse.
HttpResponse ParseRaw(const std::string& raw) {
  HttpResponse r;
  const size_t end = raw.find("\r\n\r\n");
  if (raw.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  for (size_t at = raw.find("\r\n") + 2; at < end;) {
    const size_t eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    std::string name = line.substr(0, line.find(':'));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = line.substr(line.find(':') + 2);
    at = eol + 2;
  }
  r.body = raw.substr(end + 4);
  return r;
}

// What the server answers to these bytes, sent at once on a new connection.
HttpResponse RawCall(uint16_t port, const std::string& bytes) {
  asio::io_context ioc;
  auto socket = Connect(ioc, port);
  asio::write(socket, asio::buffer(bytes));
  return ParseRaw(ReadToEnd(socket));
}

// The server with TLS, and a handler that says whether the request was secure.
class TlsServer : public ::testing::Test {
 protected:
  TempDir dir;
  const TestCertificate cert = SelfSignedCertificate(dir);
  SecureEcho echo;
  RunningServer server{echo, WithTls(cert)};
};

TEST_F(TlsServer, ServesHttpsAndTellsTheHandlerTheRequestIsSecure) {
  const HttpResponse r = HttpsCall(server.port(), {cert.cert_pem}, "GET", "/anything");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"secure\":true}");
  EXPECT_EQ(r.Header("strict-transport-security"), "max-age=63072000");
  ExpectSecurityHeaders(r);
  // The certificate is checked by the client: a name it does not carry fails the handshake.
  EXPECT_THROW(HttpsCall(server.port(), {cert.cert_pem, "amity.example"}, "GET", "/"),
               boost::system::system_error);
  EXPECT_EQ(*echo.calls, 1);
}

TEST_F(TlsServer, SpeaksTls12WithIntermediateCiphersOnlyAndNothingOlder) {
  EXPECT_EQ(HttpsCall(server.port(), {cert.cert_pem, "localhost", TLS1_2_VERSION}, "GET", "/").status, 200);
  EXPECT_EQ(HttpsCall(server.port(), {cert.cert_pem, "localhost", TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305"},
                      "GET", "/").status,
            200);
  // Not in Mozilla's intermediate list: CBC mode, and TLS 1.1.
  EXPECT_THROW(HttpsCall(server.port(), {cert.cert_pem, "localhost", TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA256"},
                         "GET", "/"),
               boost::system::system_error);
  EXPECT_THROW(HttpsCall(server.port(), {cert.cert_pem, "localhost", TLS1_1_VERSION}, "GET", "/"),
               boost::system::system_error);
  EXPECT_EQ(*echo.calls, 2);
}

TEST_F(TlsServer, PlainHttpToTheTlsPortIsClosedWithoutAnAnswer) {
  asio::io_context ioc;
  auto socket = Connect(ioc, server.port());
  asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  EXPECT_EQ(ReadToEnd(socket), "");
  EXPECT_EQ(*echo.calls, 0);
  EXPECT_EQ(HttpsCall(server.port(), {cert.cert_pem}, "GET", "/").status, 200);  // still serving
}

TEST(Tls, AStalledHandshakeIsCutOffAtTheReadTimeoutAndHoldsNoWorker) {
  TempDir dir;
  const TestCertificate cert = SelfSignedCertificate(dir);
  SecureEcho echo;
  http::ServerOptions options = WithTls(cert);
  options.read_timeout = milliseconds(300);
  options.workers = 1;
  RunningServer server(echo, options);
  const auto start = Clock::now();
  asio::io_context ioc;
  auto stalled = Connect(ioc, server.port());  // says nothing
  EXPECT_EQ(HttpsCall(server.port(), {cert.cert_pem}, "GET", "/").status, 200);
  EXPECT_EQ(ReadToEnd(stalled), "");
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(3000));
}

// The key in `from`, written to `to` encrypted with a passphrase; returns `to`.
std::string EncryptedCopy(const std::string& from, const std::string& to) {
  FILE* in = std::fopen(from.c_str(), "r");
  EVP_PKEY* key = PEM_read_PrivateKey(in, nullptr, nullptr, nullptr);
  std::fclose(in);
  FILE* out = std::fopen(to.c_str(), "w");
  char passphrase[] = "secret";
  PEM_write_PrivateKey(out, key, EVP_aes_256_cbc(), nullptr, 0, nullptr, passphrase);
  std::fclose(out);
  EVP_PKEY_free(key);
  return to;
}

TEST(Tls, RefusesToStartWithoutAUsableCertificateAndKey) {
  TempDir dir;
  const TestCertificate cert = SelfSignedCertificate(dir);
  const TestCertificate other = SelfSignedCertificate(dir, "other");
  std::ofstream(dir.File("junk.pem")) << "not a certificate\n";
  auto listen = [](const std::string& cert_file, const std::string& key_file) {
    http::ServerOptions o;
    o.port = 0;
    o.tls_cert_file = cert_file;
    o.tls_key_file = key_file;
    http::Server server(o, SecureEcho(), nullptr);
    auto port = server.Listen();
    if (port) return std::string("listening");
    EXPECT_EQ(port.error().fields.size(), 1u);
    return port.error().message;  // FIELD: REASON
  };
  const std::string missing = dir.File("missing.pem"), junk = dir.File("junk.pem");
  const std::string& key = cert.key_file;
  EXPECT_EQ(listen(missing, key), "tls_cert_file: " + missing + ": cannot read it: No such file or directory");
  EXPECT_EQ(listen(dir.path().string(), key), "tls_cert_file: " + dir.path().string() + ": is a directory");
  EXPECT_EQ(listen(junk, key), "tls_cert_file: " + junk + ": not a PEM certificate (no start line)");
  EXPECT_EQ(listen(cert.cert_file, missing),
            "tls_key_file: " + missing + ": cannot read it: No such file or directory");
  EXPECT_EQ(listen(cert.cert_file, junk),
            "tls_key_file: " + junk + ": not an unencrypted PEM private key");
  // An encrypted key is refused, without asking for its passphrase.
  const std::string encrypted = EncryptedCopy(cert.key_file, dir.File("encrypted-key.pem"));
  EXPECT_EQ(listen(cert.cert_file, encrypted), "tls_key_file: " + encrypted + ": not an unencrypted PEM private key");
  EXPECT_EQ(listen(cert.cert_file, other.key_file),
            "tls_key_file: " + other.key_file + ": not the key of the certificate in " + cert.cert_file +
                " (key values mismatch)");
  EXPECT_EQ(listen(cert.cert_file, ""), "tls_key_file: is required with a TLS certificate");
  EXPECT_EQ(listen(cert.cert_file, cert.key_file), "listening");
}

TEST(ServerSecure, PlainRequestsAreSecureOnlyBehindATlsProxy) {
  SecureEcho echo;
  RunningServer plain(echo);
  const HttpResponse r = plain.Call("GET", "/");
  EXPECT_EQ(r.body, "{\"secure\":false}");
  EXPECT_EQ(r.Header("strict-transport-security"), "");
  ExpectSecurityHeaders(r);
  http::ServerOptions options;
  options.behind_tls_proxy = true;
  RunningServer proxied(echo, options);
  const HttpResponse p = proxied.Call("GET", "/");
  EXPECT_EQ(p.body, "{\"secure\":true}");
  EXPECT_EQ(p.Header("strict-transport-security"), "max-age=63072000");
}

TEST(ServerLimits, ATooLongTargetGets414) {
  SecureEcho echo;
  RunningServer server(echo);
  const std::string longest = "/" + std::string(8191, 'a');
  EXPECT_EQ(server.Call("GET", longest).status, 200);
  const HttpResponse r = server.Call("GET", longest + "a");
  EXPECT_EQ(r.status, 414);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(r.body, Problem(414, "URI Too Long", "the request target is longer than 8192 bytes"));
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  ExpectSecurityHeaders(r);
  EXPECT_EQ(*echo.calls, 1);
}

TEST(ServerLimits, OversizeHeadersGet431) {
  SecureEcho echo;
  RunningServer server(echo);
  EXPECT_EQ(server.Call("GET", "/", "", {{"X-Big", std::string(15 << 10, 'b')}}).status, 200);
  const HttpResponse r = server.Call("GET", "/", "", {{"X-Big", std::string(16 << 10, 'b')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(r.body, Problem(431, "Request Header Fields Too Large", "the headers are larger than 16384 bytes"));
  ExpectSecurityHeaders(r);
  EXPECT_EQ(*echo.calls, 1);
}

TEST(ServerLimits, BodiesPastTheLimitGet413DeclaredOrChunked) {
  SecureEcho echo;
  http::ServerOptions options;
  options.max_body_bytes = 4096;
  RunningServer server(echo, options);
  EXPECT_EQ(server.Call("POST", "/", std::string(4096, 'x')).status, 200);
  const HttpResponse declared = server.Call("POST", "/", std::string(4097, 'x'));
  EXPECT_EQ(declared.status, 413);
  EXPECT_EQ(declared.body, Problem(413, "Payload Too Large", "the body is larger than 4096 bytes"));
  ExpectSecurityHeaders(declared);
  // Chunked, so the length is not known before the body is read.
  const HttpResponse chunked = RawCall(server.port(), "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                                      "1000\r\n" + std::string(4096, 'x') + "\r\n1\r\nx\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.status, 413);
  EXPECT_EQ(chunked.body, Problem(413, "Payload Too Large", "the body is larger than 4096 bytes"));
  ExpectSecurityHeaders(chunked);
  EXPECT_EQ(*echo.calls, 1);
}

TEST(ServerLimits, MalformedRequestsGet400WithTheSecurityHeaders) {
  SecureEcho echo;
  RunningServer server(echo);
  const HttpResponse r = RawCall(server.port(), "GARBAGE\r\n\r\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, Problem(400, "Bad Request", "malformed HTTP request: bad method"));
  ExpectSecurityHeaders(r);
}

// `at_once`, then the bytes of `trickled` one at a time, `gap` apart, until the server closes the
// connection: the time from the first byte sent until then, and what the server sent.
std::pair<Clock::duration, std::string> Trickle(uint16_t port, const std::string& at_once,
                                                const std::string& trickled, milliseconds gap) {
  asio::io_context ioc;
  auto socket = Connect(ioc, port);
  const auto start = Clock::now();
  asio::write(socket, asio::buffer(at_once));
  for (size_t i = 0; Clock::now() - start < std::chrono::seconds(10); ++i) {
    boost::system::error_code ignored;  // a closed connection shows in the poll below
    if (i < trickled.size()) asio::write(socket, asio::buffer(&trickled[i], 1), ignored);
    pollfd p{socket.native_handle(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(gap.count())) > 0) break;  // an answer, or the end
  }
  const auto elapsed = Clock::now() - start;
  return {elapsed, ReadToEnd(socket)};
}

TEST(SlowClients, AHeaderTrickledByteByByteIsCutOffAtTheReadTimeout) {
  SecureEcho echo;
  http::ServerOptions options;
  options.read_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(20000);
  RunningServer server(echo, options);
  const std::string header = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 's') + "\r\n\r\n";
  const auto [elapsed, reply] = Trickle(server.port(), "", header, milliseconds(20));
  EXPECT_EQ(reply, "");
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(3000));  // not the idle timeout
  EXPECT_EQ(*echo.calls, 0);
}

TEST(SlowClients, ABodyTrickledByteByByteIsCutOffAtItsDeadline) {
  SecureEcho echo;
  http::ServerOptions options;
  options.read_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(20000);
  options.min_transfer_rate = 1000;  // 200 bytes: 200 ms more
  RunningServer server(echo, options);
  const std::string header = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n";
  const auto [elapsed, reply] = Trickle(server.port(), header, std::string(200, 'b'), milliseconds(20));
  EXPECT_EQ(reply, "");
  EXPECT_GE(elapsed, milliseconds(500));
  EXPECT_LT(elapsed, milliseconds(3000));
  EXPECT_EQ(*echo.calls, 0);
}

TEST(SlowClients, AClientThatNeverReadsIsCutOffAtTheWriteTimeout) {
  const size_t size = 64 << 20;  // more than the socket buffers on both sides hold
  std::promise<int> written;
  http::ServerOptions options;
  options.write_timeout = milliseconds(300);
  options.min_transfer_rate = size_t{1} << 40;
  RunningServer server(
      [size](const http::Request&) {
        http::Response r;
        r.content_type = "application/octet-stream";
        r.body.assign(size, 'z');
        return r;
      },
      options, [&written](const http::AccessRecord& a) { written.set_value(a.status); });
  asio::io_context ioc;
  auto socket = Connect(ioc, server.port());
  asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")));
  const auto start = Clock::now();
  auto done = written.get_future();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(done.get(), 200);
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(5000));
  EXPECT_LT(ReadToEnd(socket).size(), size);  // cut off
}

}  // namespace
}  // namespace amity::testing
