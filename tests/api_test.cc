// API tests: the real server on a loopback port, spoken to over HTTP. Most cases are transcript
// files in tests/api/*.test (request, then expected status, headers and a JSON subset); the
// rest need bytes a transcript cannot hold, or control over the server.
#include <array>
#include <filesystem>
#include <utility>  // before Boost.Asio 1.74, which needs std::exchange
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include "support.h"

namespace amity::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Whether `actual` holds `expected`: objects by their keys, arrays element by element (same
// length), scalars equal; the string "*" matches any present value.
bool Holds(const json& actual, const json& expected, const std::string& at, std::string* why) {
  if (expected.is_string() && expected.get<std::string>() == "*") return true;
  if (expected.is_object()) {
    if (!actual.is_object()) {
      *why = at + ": expected an object, got " + actual.dump();
      return false;
    }
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        *why = at + "." + k + ": missing";
        return false;
      }
      if (!Holds(actual[k], v, at + "." + k, why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      *why = at + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!Holds(actual[i], expected[i], at + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (actual != expected) {
    *why = at + ": expected " + expected.dump() + ", got " + actual.dump();
    return false;
  }
  return true;
}

struct Exchange {
  std::string title;
  int line = 0;
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> expect_headers;
  std::string expect_body;
  // What runs after the exchange, in order: {"save", VAR, FIELD}, {"save-header", VAR, NAME},
  // {"clock", SECONDS, ""}.
  std::vector<std::array<std::string, 3>> after;
};

// A transcript: `# comment` lines; `@demo` (load the demo data first); then exchanges, each a
// `### title`, a request (`METHOD /path`, headers, body), `=> STATUS`, expected headers and a
// JSON the response must hold (see Holds). {{engine}} is the engine the transcript runs on
// ("sqlite", "postgresql"). After an exchange, in the order written:
//   @save VAR FIELD          a top-level field of the response, later used as {{VAR}}
//   @save-header VAR NAME    a response header's value up to its first ';' (a Set-Cookie's
//                            "amity_session=…" part, an ETag), later used as {{VAR}}
//   @clock +SECONDS          moves the server's clock (the fixture's FixedClock) forward, for
//                            session expiry and login throttling windows without sleeping
// In an expected header's value, {{*}} matches any run of characters (a cookie's secret).
// A request header with an empty value (`Authorization: `) sends none of the harness's own:
// the request is anonymous.
struct Transcript {
  bool demo = false;
  std::vector<Exchange> exchanges;
};

Transcript ParseTranscript(const std::string& path) {
  std::ifstream in(path);
  Transcript t;
  std::string line;
  int n = 0;
  enum { kNone, kRequest, kBody, kResponse, kExpectBody } state = kNone;
  const std::regex header_re("([A-Za-z][A-Za-z0-9-]*): ?(.*)");
  std::smatch m;
  // Request and response sections alike: headers, then a body that runs to the next marker.
  auto header_or_body = [&](const std::string& line, std::vector<std::pair<std::string, std::string>>* headers,
                            std::string* body, decltype(state) body_state) {
    if (std::regex_match(line, m, header_re)) {
      headers->emplace_back(m[1], m[2]);
    } else if (!line.empty()) {
      *body += line + "\n";
      state = body_state;
    }
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.starts_with("# ") || line == "#") continue;
    if (line == "@demo") {
      t.demo = true;
      continue;
    }
    if (line.starts_with("### ")) {
      t.exchanges.push_back({});
      t.exchanges.back().title = line.substr(4);
      t.exchanges.back().line = n;
      state = kRequest;
      continue;
    }
    if (t.exchanges.empty()) continue;
    Exchange& e = t.exchanges.back();
    if (line.starts_with("=> ")) {
      e.status = std::stoi(line.substr(3));
      state = kResponse;
      continue;
    }
    if (line.starts_with("@save ") || line.starts_with("@save-header ") || line.starts_with("@clock ")) {
      std::istringstream words(line.substr(1));
      std::string what, a, b;
      words >> what >> a >> b;
      if (what == "clock" && !std::regex_match(a, std::regex("\\+[0-9]+"))) {
        throw std::runtime_error(path + ":" + std::to_string(n) + ": expected @clock +SECONDS");
      }
      if (what != "clock" && b.empty()) {
        throw std::runtime_error(path + ":" + std::to_string(n) + ": expected @" + what + " VAR NAME");
      }
      e.after.push_back({what, a, b});
      continue;
    }
    switch (state) {
      case kRequest:
        if (e.method.empty()) {
          const size_t sp = line.find(' ');
          e.method = line.substr(0, sp);
          e.target = line.substr(sp + 1);
        } else {
          header_or_body(line, &e.headers, &e.body, kBody);
        }
        break;
      case kBody:
        e.body += line + "\n";
        break;
      case kResponse:
        header_or_body(line, &e.expect_headers, &e.expect_body, kExpectBody);
        break;
      case kExpectBody:
        e.expect_body += line + "\n";
        break;
      case kNone:
        break;
    }
  }
  return t;
}

// Whether `actual` is `pattern`, where {{*}} in the pattern matches any run of characters.
bool HeaderMatches(const std::string& actual, const std::string& pattern) {
  std::string re;
  for (size_t at = 0; at < pattern.size();) {
    if (pattern.compare(at, 5, "{{*}}") == 0) {
      re += ".*";
      at += 5;
      continue;
    }
    if (std::string("\\^$.|?*+()[]{}").find(pattern[at]) != std::string::npos) re += '\\';
    re += pattern[at++];
  }
  return std::regex_match(actual, std::regex(re));
}

std::string Substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    const std::string key = "{{" + k + "}}";
    for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), v);
  }
  return s;
}

// Every transcript runs on every engine.
class Transcripts : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(Transcripts, Pass) {
  const std::string& file = std::get<0>(GetParam());
  const Transcript t = ParseTranscript(file);
  ASSERT_FALSE(t.exchanges.empty()) << "no exchanges in " << file;
  Fixture fixture(std::get<1>(GetParam()));
  if (t.demo) fixture.LoadDemo();
  RunningServer server(fixture);
  std::map<std::string, std::string> vars = {{"engine", std::get<1>(GetParam())}};
  for (const Exchange& e : t.exchanges) {
    SCOPED_TRACE(file + ":" + std::to_string(e.line) + ": " + e.title);
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [k, v] : e.headers) headers.emplace_back(k, Substitute(v, vars));
    const HttpResponse r = server.Call(e.method, Substitute(e.target, vars),
                                       Substitute(e.body, vars), headers);
    ASSERT_EQ(r.status, e.status) << r.body;
    for (const auto& [k, v] : e.expect_headers) {
      std::string name = k;
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const std::string expected = Substitute(v, vars);
      EXPECT_TRUE(HeaderMatches(r.Header(name), expected))
          << "header " << k << ": expected " << expected << ", got " << r.Header(name);
    }
    if (!e.expect_body.empty()) {
      const json expected = json::parse(Substitute(e.expect_body, vars), nullptr, false);
      ASSERT_FALSE(expected.is_discarded()) << "the expected body is not JSON";
      const json actual = r.Json();
      ASSERT_FALSE(actual.is_discarded()) << "the response is not JSON: " << r.body;
      std::string why;
      EXPECT_TRUE(Holds(actual, expected, "body", &why)) << why << "\nwhole body: " << r.body;
    }
    for (const auto& [what, a, b] : e.after) {
      if (what == "save") {
        const json body = r.Json();
        ASSERT_TRUE(body.is_object() && body.contains(b)) << "cannot save " << b;
        vars[a] = body[b].is_string() ? body[b].get<std::string>() : body[b].dump();
      } else if (what == "save-header") {
        std::string name = b;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ASSERT_FALSE(r.Header(name).empty()) << "cannot save header " << b;
        vars[a] = r.Header(name).substr(0, r.Header(name).find(';'));
      } else {
        fixture.clock.Advance(std::stoll(a.substr(1)) * 1000);
      }
    }
  }
}

std::vector<std::string> TranscriptFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(SourcePath("tests/api"))) {
    if (entry.path().extension() == ".test") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Api, Transcripts,
                         ::testing::Combine(::testing::ValuesIn(TranscriptFiles()), ::testing::ValuesIn(Engines())),
                         [](const ::testing::TestParamInfo<std::tuple<std::string, std::string>>& info) {
                           std::string name = fs::path(std::get<0>(info.param)).stem().string() + "_" +
                                              std::get<1>(info.param);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

// On every engine.
class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  Fixture fixture{GetParam()};
};

TEST_P(ApiTest, RejectsInvalidUtf8InBodyWithoutWriting) {
  RunningServer server(fixture);
  const HttpResponse r = server.Call("POST", "/api/v1/organisations",
                                     "{\"name\": \"Partei \xff\", \"kind\": \"ngo\"}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_NE(r.Json()["detail"].get<std::string>().find("ill-formed UTF-8"), std::string::npos);
  EXPECT_EQ(server.Call("GET", "/api/v1/organisations?total=true").Json()["total"], 0);
}

TEST_P(ApiTest, RejectsOversizeBodyWith413) {
  http::ServerOptions options;
  options.max_body_bytes = 4096;
  RunningServer server(fixture, options);
  const std::string big = "{\"name\": \"" + std::string(5000, 'a') + "\", \"kind\": \"ngo\"}";
  const HttpResponse r = server.Call("POST", "/api/v1/organisations", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.Json()["detail"], "the body is larger than 4096 bytes");
  EXPECT_EQ(server.Call("GET", "/api/v1/organisations?total=true").Json()["total"], 0);
}

TEST_P(ApiTest, KeepsUploadedFilesByContentWithTheirSniffedType) {
  http::ServerOptions options;
  options.max_body_bytes = 4096;
  options.max_upload_bytes = 64 << 10;
  RunningServer server(fixture, options);
  ASSERT_EQ(server.Call("POST", "/api/v1/documents", R"({"title": "Photo of the forum", "kind": "photo"})").status, 201);
  ASSERT_EQ(server.Call("POST", "/api/v1/documents", R"({"title": "The same photo"})").status, 201);
  // A PNG larger than the ordinary body limit, sent as if it were HTML.
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde", 33);
  png += std::string(10000, '\0');
  const HttpResponse up = server.Call("PUT", "/api/v1/documents/1/file?filename=forum.html", png,
                                      {{"If-Match", "1"}, {"Content-Type", "text/html"}});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.Json()["file_type"], "image/png");
  EXPECT_EQ(up.Json()["file_size"], 10033);
  EXPECT_EQ(up.Json()["text"], nullptr);
  const HttpResponse down = server.Call("GET", "/api/v1/documents/1/file");
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, png);
  EXPECT_EQ(down.Header("content-type"), "image/png");
  EXPECT_EQ(down.Header("content-disposition"), "attachment; filename=\"forum.html\"; filename*=UTF-8''forum.html");
  EXPECT_EQ(down.Header("x-content-type-options"), "nosniff");
  // The same bytes for another document are stored once.
  ASSERT_EQ(server.Call("PUT", "/api/v1/documents/2/file", png, {{"If-Match", "1"}}).status, 200);
  int files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(fixture.dir.File("files"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 1);
  // Past the upload limit: 413 and nothing changes.
  const HttpResponse big = server.Call("PUT", "/api/v1/documents/2/file", std::string(70000, 'x'), {{"If-Match", "2"}});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.Json()["detail"], "the body is larger than 65536 bytes");
  EXPECT_EQ(server.Call("GET", "/api/v1/documents/2").Json()["version"], 2);
  // The ordinary limit still holds for everything else.
  EXPECT_EQ(server.Call("POST", "/api/v1/documents", "{\"title\": \"" + std::string(5000, 'a') + "\"}").status, 413);
}

// A token's secret is shown once, in the answer that makes it; the database keeps its SHA-256
// only, and no list, session or audit entry carries it.
TEST_P(ApiTest, ShowsATokensSecretOnceAndNeverAgain) {
  RunningServer server(fixture);
  ASSERT_EQ(server.Call("POST", "/api/v1/users", R"({"name": "mai", "password": "correct horse battery", "role": "editor"})").status, 201);
  const HttpResponse made = server.Call("POST", "/api/v1/tokens", R"({"user": "mai", "label": "reports"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string secret = made.Json()["token"].get<std::string>();
  EXPECT_TRUE(secret.starts_with("amity_")) << secret;
  EXPECT_EQ(secret.size(), 6u + 43u);  // 32 random bytes, base64url
  const std::vector<std::pair<std::string, std::string>> as_mai = {{"Authorization", "Bearer " + secret}};
  ASSERT_EQ(server.Call("GET", "/api/v1/organisations", "", as_mai).status, 200);
  for (const HttpResponse& r : {server.Call("GET", "/api/v1/tokens?user=mai"), server.Call("GET", "/api/v1/tokens", "", as_mai),
                                server.Call("GET", "/api/v1/auth/session", "", as_mai)}) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find(secret.substr(6)), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("\"token\":"), std::string::npos) << r.body;
  }
  auto rows = fixture.store->Rows("SELECT hash FROM credential WHERE label = 'reports'", {});
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0].get<std::string>().find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ((*rows)[0][0].get<std::string>().size(), 64u);
  auto audit = fixture.store->Rows("SELECT detail FROM audit", {});
  ASSERT_TRUE(audit.has_value());
  for (const json& row : *audit) EXPECT_EQ(row[0].get<std::string>().find(secret.substr(6)), std::string::npos);
}

TEST_P(ApiTest, RejectsDeeplyNestedJson) {
  RunningServer server(fixture);
  const std::string deep = "{\"name\": " + std::string(40, '[') + std::string(40, ']') + "}";
  const HttpResponse r = server.Call("POST", "/api/v1/organisations", deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["detail"], "the body nests deeper than 32 levels");
}

TEST(ApiLimits, RejectsAJsonStringOver100000CharactersNamingItsPath) {
  Fixture fixture;
  RunningServer server(fixture);
  std::string longest;
  for (int i = 0; i < 100000; ++i) longest += "\u00e9";  // 200,000 bytes: characters count
  const std::string org = R"({"name": "Partei", "kind": "ngo", )";
  // At the limit the string reaches the record's rules.
  const HttpResponse at = server.Call("POST", "/api/v1/organisations", org + R"("zzz": ")" + longest + "\"}");
  EXPECT_EQ(at.status, 400);
  EXPECT_EQ(at.Json()["errors"], json::parse(R"([{"field": "zzz", "reason": "unknown field"}])"));
  const HttpResponse over = server.Call("POST", "/api/v1/organisations",
                                        org + R"("names": {"en": "a)" + longest + "\"}}");
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.Header("content-type"), "application/problem+json");
  EXPECT_EQ(over.Json()["detail"], "names.en: is longer than 100000 characters");
  EXPECT_EQ(over.Json()["errors"], json::parse(R"([{"field": "names.en", "reason": "is longer than 100000 characters"}])"));
  const HttpResponse in_array = server.Call("POST", "/api/v1/organisations",
                                            org + R"("x": [1, {"y": "a)" + longest + "\"}]}");
  EXPECT_EQ(in_array.Json()["errors"], json::parse(R"([{"field": "x[1].y", "reason": "is longer than 100000 characters"}])"));
  const HttpResponse key = server.Call("POST", "/api/v1/organisations",
                                       org + R"("x": {"a)" + longest + "\": 1}}");
  EXPECT_EQ(key.Json()["errors"], json::parse(R"([{"field": "x", "reason": "has a member name that is longer than 100000 characters"}])"));
  EXPECT_EQ(server.Call("GET", "/api/v1/organisations?total=true").Json()["total"], 0);
}

TEST(ApiLimits, RejectsMoreThan100QueryParameters) {
  Fixture fixture;
  RunningServer server(fixture);
  std::string query;
  for (int i = 0; i < 100; ++i) query += "&kind=ngo";
  EXPECT_EQ(server.Call("GET", "/api/v1/organisations?" + query.substr(1)).status, 200);
  const HttpResponse r = server.Call("GET", "/api/v1/organisations?" + query.substr(1) + "&kind=ngo");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("content-type"), "application/problem+json");
  EXPECT_EQ(r.Json()["errors"], json::parse(R"([{"field": "query", "reason": "has more than 100 parameters"}])"));
}

// Every response, the API's and those the server gives before any handler runs, carries the
// headers that keep browsers from sniffing, framing or leaking; HSTS only over HTTPS.
TEST(ApiLimits, EveryResponseCarriesTheSecurityHeaders) {
  Fixture fixture;
  http::ServerOptions options;
  options.max_body_bytes = 4096;
  RunningServer server(fixture, options);
  const std::vector<HttpResponse> responses = {
      server.Call("GET", "/api/v1/health"),
      server.Call("GET", "/"),
      server.Call("GET", "/api/v1/nothing"),
      server.Call("DELETE", "/api/v1/health"),
      server.Call("POST", "/api/v1/organisations", std::string(5000, ' ')),
      server.Call("GET", "/", "", {{"X-Big", std::string(16 << 10, 'b')}}),
      server.Call("GET", "/" + std::string(9000, 'a')),
  };
  std::vector<int> statuses;
  for (const HttpResponse& r : responses) {
    statuses.push_back(r.status);
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << r.status;
    EXPECT_EQ(r.Header("x-frame-options"), "DENY") << r.status;
    EXPECT_EQ(r.Header("referrer-policy"), "no-referrer") << r.status;
    EXPECT_EQ(r.Header("content-security-policy"), "default-src 'self'; frame-ancestors 'none'; base-uri 'none'")
        << r.status;
    EXPECT_EQ(r.Header("strict-transport-security"), "") << r.status;
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 404, 405, 413, 431, 414}));
}

TEST_P(ApiTest, MalformedHttpGets400) {
  RunningServer server(fixture);
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  asio::write(socket, asio::buffer(std::string("GARBAGE\r\n\r\n")));
  std::string reply;
  boost::system::error_code ec;
  char buf[4096];
  for (size_t n; (n = socket.read_some(asio::buffer(buf), ec)) > 0 && !ec;) reply.append(buf, n);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400 Bad Request")) << reply;
}

TEST_P(ApiTest, ServesTheFirstPageAndHashedAssetsWithCacheHeaders) {
  RunningServer server(fixture);
  const HttpResponse page = server.Call("GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.Header("cache-control"), "no-cache");
  // Vite's content-hashed names (web/vite.config.ts).
  const std::regex asset_re("/assets/index-[A-Za-z0-9_-]{8}\\.js");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, asset_re)) << page.body;
  const HttpResponse js = server.Call("GET", m.str());
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.Header("x-content-type-options"), "nosniff");
  EXPECT_NE(js.body.find("/api/v1"), std::string::npos);
  const std::regex css_re("/assets/index-[A-Za-z0-9_-]{8}\\.css");
  ASSERT_TRUE(std::regex_search(page.body, m, css_re));
  EXPECT_EQ(server.Call("GET", m.str()).Header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(server.Call("GET", "/assets/index-00000000.js").status, 404);
  EXPECT_EQ(server.Call("GET", "/favicon.svg").Header("cache-control"), "no-cache");
  // A screen of the UI is the same page, which routes it in the browser; a missing file is a 404.
  const HttpResponse screen = server.Call("GET", "/organisations/12/edit");
  EXPECT_EQ(screen.status, 200);
  EXPECT_EQ(screen.body, page.body);
  EXPECT_EQ(screen.Header("cache-control"), "no-cache");
  EXPECT_EQ(server.Call("GET", "/robots.txt").status, 404);
  EXPECT_EQ(server.Call("POST", "/organisations").status, 405);
  const HttpResponse head = server.Call("HEAD", "/");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(page.body.size()));
}

TEST_P(ApiTest, KeepsConnectionsAlive) {
  RunningServer server(fixture);
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  const std::string req = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(socket, asio::buffer(req + req));
  std::string reply;
  char buf[4096];
  while (reply.find("\"status\":\"ok\"", reply.find("\"status\":\"ok\"") + 1) == std::string::npos) {
    reply.append(buf, socket.read_some(asio::buffer(buf)));
  }
  EXPECT_EQ(reply.find("Connection: close"), std::string::npos) << reply;
  size_t responses = 0;
  for (size_t at = 0; (at = reply.find("HTTP/1.1 200 OK", at)) != std::string::npos; ++at) ++responses;
  EXPECT_EQ(responses, 2u);
}

// A request in flight when the stop begins is answered in full; then Run() returns.
INSTANTIATE_TEST_SUITE_P(Engines, ApiTest, ::testing::ValuesIn(Engines()));

TEST(ServerStop, AnswersRequestsInFlightThenReturns) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  http::ServerOptions options;
  options.port = 0;
  http::Server server(options,
                      [&](const http::Request&) {
                        std::unique_lock lock(mu);
                        entered = true;
                        cv.notify_all();
                        cv.wait(lock, [&] { return release; });
                        http::Response r;
                        r.body = "{\"done\":true}";
                        return r;
                      },
                      nullptr);
  auto port = server.Listen();
  ASSERT_TRUE(port.has_value());
  std::thread runner([&] { server.Run(false); });
  HttpResponse response;
  std::thread client([&] { response = HttpCall(*port, "GET", "/slow"); });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  server.Stop();
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  client.join();
  runner.join();  // returns only after the answer went out
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"done\":true}");
  EXPECT_EQ(response.Header("connection"), "close");
  EXPECT_THROW(HttpCall(*port, "GET", "/after"), boost::system::system_error);
}

}  // namespace
}  // namespace amity::testing
