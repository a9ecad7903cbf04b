#include "support.h"
#include "postgres.h"

#include <unistd.h>

#include <cstdlib>
#include <random>
#include <sstream>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
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

HttpResponse HttpCall(uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace asio = boost::asio;
  namespace bhttp = boost::beast::http;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
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
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(socket, buffer, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& h : res) {
    std::string name(h.name_string().data(), h.name_string().size());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(h.value().data(), h.value().size());
  }
  out.body = std::move(res.body());
  boost::system::error_code ec;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

RunningServer::RunningServer(Fixture& fixture, http::ServerOptions options) {
  api_ = std::make_unique<http::Api>(*fixture.records,
                                     http::ApiOptions{"test", fixture.dir.File("files")});
  options.port = 0;
  if (!options.is_upload) options.is_upload = http::Api::IsUpload;
  http::Api* api = api_.get();
  server_ = std::make_unique<http::Server>(
      options, [api](const http::Request& r) { return api->Handle(r); }, nullptr,
      [api](const http::Request& r) { return api->IsQuick(r); });
  auto port = server_->Listen();
  if (!port) throw std::runtime_error(port.error().message);
  port_ = *port;
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
