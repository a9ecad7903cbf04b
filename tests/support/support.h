#pragma once
// Shared by the integration tests: temporary directories, a store on a fresh database, the real
// server on a loopback port chosen by the kernel, and a small HTTP client.
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "http/api.h"
#include "http/server.h"
#include "store/records.h"

namespace amity::testing {

// A directory removed at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The engines the store contract and the API tests run against: "sqlite" and "postgresql".
std::vector<std::string> Engines();

// A new, empty database of `engine`: a file in `dir` (SQLite), or a database in this process's
// throwaway PostgreSQL cluster (postgres.h). Its URL, for store::OpenStore.
std::string NewDatabase(const std::string& engine, const TempDir& dir);

// A fresh store of `engine` with reference data loaded, and Records over it on a fixed clock.
struct Fixture {
  explicit Fixture(const std::string& engine = "sqlite");
  TempDir dir;
  FixedClock clock{1'790'000'000'000};  // 2026-09-21
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::Records> records;
  // Loads the demo data of every entity type (io::LoadDemo, as `amity demo` does).
  void LoadDemo();
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json Json() const;
  std::string Header(const std::string& name) const;
};

// One HTTP/1.1 exchange on a new connection to 127.0.0.1:port.
HttpResponse HttpCall(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

// A self-signed certificate for "localhost" and 127.0.0.1 (a new ECDSA P-256 key), valid for a
// day: PEM files `name`.pem and `name`-key.pem in `dir`, and the certificate's PEM text.
struct TestCertificate {
  std::string cert_file, key_file, cert_pem;
};
TestCertificate SelfSignedCertificate(const TempDir& dir, const std::string& name = "cert");

struct TlsClientOptions {
  std::string ca_pem;              // the one certificate trusted
  std::string host = "localhost";  // the name the server's certificate must carry
  int max_version = 0;             // OpenSSL's TLS1_1_VERSION, …; 0: the newest
  std::string ciphers;             // TLS 1.2 cipher list; empty: OpenSSL's default
};

// One HTTPS exchange on a new connection to 127.0.0.1:port. A failed handshake or verification
// throws boost::system::system_error.
HttpResponse HttpsCall(uint16_t port, const TlsClientOptions& tls, const std::string& method,
                       const std::string& target, const std::string& body = "",
                       const std::vector<std::pair<std::string, std::string>>& headers = {});

// The real server (Api + Server) on a Fixture, on a free loopback port, in a background thread.
// Or the server with any handler, without an Api.
class RunningServer {
 public:
  explicit RunningServer(Fixture& fixture, http::ServerOptions options = {});
  explicit RunningServer(http::Handler handler, http::ServerOptions options = {},
                         http::AccessLog log = nullptr);
  ~RunningServer();
  uint16_t port() const { return port_; }
  // The API token of the user "admin" (an admin of the root unit, cleared for restricted
  // records) that Call sends unless the headers carry Authorization (empty: none) or a Cookie.
  const std::string& token() const { return token_; }
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    std::vector<std::pair<std::string, std::string>> headers = {}) const;

 private:
  void Start(http::ServerOptions options, http::Handler handler, http::AccessLog log,
             http::QuickTest quick);

  std::unique_ptr<http::Api> api_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::string token_;
};

// Path of a file in the source tree (tests run with the source root as working directory).
std::string SourcePath(const std::string& relative);

}  // namespace amity::testing
