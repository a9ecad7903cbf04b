#include "support.h"
#include "postgres.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>

#include "domain/registry.h"
#include "io/csv.h"
#include "io/demo.h"
#include "io/iso_codes.h"
#include "store/accounts.h"

namespace amity::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("amity-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::string> Engines() { return {"sqlite", "postgresql"}; }

std::string NewDatabase(const std::string& engine, const TempDir& dir) {
  if (engine == "sqlite") return dir.File("amity.db");
  if (engine == "postgresql") return PostgresCluster::Shared().CreateDatabase();
  throw std::runtime_error("unknown engine " + engine);
}

Fixture::Fixture(const std::string& engine) {
  auto s = store::OpenStore(NewDatabase(engine, dir));
  if (!s) throw std::runtime_error(s.error().message);
  store = std::move(*s);
  records = std::make_unique<store::Records>(*store, io::SharedReferenceData(), clock);
  auto st = records->LoadReferenceData();
  if (!st) throw std::runtime_error(st.error().message);
}

void Fixture::LoadDemo() {
  auto files = io::LoadDemo(*records, store::Actor{"demo"});
  ASSERT_TRUE(files.has_value()) << files.error().message;
  for (const io::DemoFile& f : *files) {
    ASSERT_TRUE(f.report.problems.empty())
        << f.file << ":" << f.report.problems[0].line << ": " << f.report.problems[0].field << ": "
        << f.report.problems[0].reason;
  }
}

nlohmann::json HttpResponse::Json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string HttpResponse::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// One request and its response on a connected stream (plain or TLS).
template <class Stream>
HttpResponse Exchange(Stream& stream, const std::string& method, const std::string& target,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), target, 11);
  if (req.method() == bhttp::verb::unknown) req.method_string(method);
  req.set(bhttp::field::host, "127.0.0.1");
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req.set(k, v);
    has_type = has_type || k == "Content-Type";
  }
  if (!body.empty() && !has_type) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buffer, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& h : res) {
    std::string name(h.name_string().data(), h.name_string().size());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(h.value().data(), h.value().size());
  }
  out.body = std::move(res.body());
  return out;
}

// The PEM text of a certificate or key, written by `write` into a memory BIO.
template <class Write>
std::string Pem(Write write) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (write(bio) != 1) throw std::runtime_error("cannot write PEM");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

}  // namespace

HttpResponse HttpCall(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  HttpResponse out = Exchange(socket, method, target, body, headers);
  boost::system::error_code ec;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

HttpResponse HttpsCall(uint16_t port, const TlsClientOptions& tls, const std::string& method,
                       const std::string& target, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.add_certificate_authority(asio::buffer(tls.ca_pem));
  ctx.set_verify_mode(asio::ssl::verify_peer);
  if (tls.max_version) {
    // Old protocols are below OpenSSL's default security level: lower it so that the client
    // really offers what it is asked to, and the server is the one to refuse.
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), 0);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), tls.max_version);
  }
  if (!tls.ciphers.empty() && SSL_CTX_set_cipher_list(ctx.native_handle(), tls.ciphers.c_str()) != 1) {
    throw std::runtime_error("bad cipher list " + tls.ciphers);
  }
  boost::beast::ssl_stream<asio::ip::tcp::socket> stream(ioc, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), tls.host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(tls.host));
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  stream.handshake(asio::ssl::stream_base::client);
  HttpResponse out = Exchange(stream, method, target, body, headers);
  boost::system::error_code ec;
  stream.shutdown(ec);  // the server may close without waiting for the client's close_notify
  return out;
}

TestCertificate SelfSignedCertificate(const TempDir& dir, const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* subject = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x, subject);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  X509_add_ext(x, san, -1);
  X509_EXTENSION_free(san);
  X509_sign(x, key, EVP_sha256());
  TestCertificate out{dir.File(name + ".pem"), dir.File(name + "-key.pem"), ""};
  out.cert_pem = Pem([x](BIO* b) { return PEM_write_bio_X509(b, x); });
  const std::string key_pem =
      Pem([key](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  X509_free(x);
  EVP_PKEY_free(key);
  std::ofstream(out.cert_file, std::ios::binary) << out.cert_pem;
  std::ofstream(out.key_file, std::ios::binary) << key_pem;
  return out;
}

RunningServer::RunningServer(Fixture& fixture, http::ServerOptions options) {
  api_ = std::make_unique<http::Api>(*fixture.records,
                                     http::ApiOptions{"test", fixture.dir.File("files")});
  if (!options.is_upload) options.is_upload = http::Api::IsUpload;
  http::Api* api = api_.get();
  // Requests act as "admin", an admin of the root unit cleared for restricted records, unless
  // they bring their own credentials.
  store::Accounts accounts(*fixture.store, fixture.clock);
  auto any = accounts.AnyUser();
  if (!any) throw std::runtime_error(any.error().message);
  if (!*any) {
    auto added = accounts.AddUser("admin", "", store::Grant{std::nullopt, store::Role::kAdmin, true}, store::Actor{"test"});
    if (!added) throw std::runtime_error(added.error().message);
  }
  auto token = accounts.CreateToken("admin", false, std::nullopt, "tests", store::Actor{"test"});
  if (!token) throw std::runtime_error(token.error().message);
  token_ = token->secret;
  Start(std::move(options), [api](const http::Request& r) { return api->Handle(r); }, nullptr,
        [api](const http::Request& r) { return api->IsQuick(r); });
}

RunningServer::RunningServer(http::Handler handler, http::ServerOptions options, http::AccessLog log) {
  Start(std::move(options), std::move(handler), std::move(log), nullptr);
}

void RunningServer::Start(http::ServerOptions options, http::Handler handler, http::AccessLog log,
                          http::QuickTest quick) {
  options.port = 0;
  server_ = std::make_unique<http::Server>(std::move(options), std::move(handler), std::move(log),
                                           std::move(quick));
  auto port = server_->Listen();
  if (!port) throw std::runtime_error(port.error().message);
  port_ = *port;
  thread_ = std::thread([this] { server_->Run(false); });
}

RunningServer::~RunningServer() {
  server_->Stop();
  thread_.join();
}

HttpResponse RunningServer::Call(const std::string& method, const std::string& target,
                                 const std::string& body,
                                 std::vector<std::pair<std::string, std::string>> headers) const {
  bool own = false;
  for (auto it = headers.begin(); it != headers.end();) {
    std::string name = it->first;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    own = own || name == "authorization" || name == "cookie";
    // An empty Authorization sends none (an anonymous request).
    it = name == "authorization" && it->second.empty() ? headers.erase(it) : it + 1;
  }
  if (!own) headers.emplace_back("Authorization", "Bearer " + token_);
  return HttpCall(port_, method, target, body, headers);
}

std::string SourcePath(const std::string& relative) {
  return (fs::path(AMITY_SOURCE_DIR) / relative).string();
}

}  // namespace amity::testing
