#include <gtest/gtest.h>

#include "http/url.h"

namespace amity::http {
namespace {

TEST(ParseTarget, DecodesPathAndQuery) {
  auto t = ParseTarget("/api/v1/organisations?name.contains=%C4%90%E1%BA%A3ng+C%E1%BB%99ng&country=VN&&x");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/api/v1/organisations");
  ASSERT_EQ(t->params.size(), 3u);
  EXPECT_EQ(t->params[0], (std::pair<std::string, std::string>{"name.contains", "Đảng Cộng"}));
  EXPECT_EQ(t->params[1].second, "VN");
  EXPECT_EQ(t->params[2], (std::pair<std::string, std::string>{"x", ""}));
}

TEST(ParseTarget, RejectsMalformedEscapes) {
  EXPECT_EQ(ParseTarget("/a?q=%4").error().fields[0], (FieldViolation{"q", "malformed percent-encoding"}));
  EXPECT_EQ(ParseTarget("/a%zz").error().fields[0].field, "path");
}

TEST(ParseTarget, AllowsAHundredParametersAndNoMore) {
  std::string target = "/a?";
  for (int i = 0; i < 100; ++i) target += "p" + std::to_string(i) + "=1&";
  ASSERT_TRUE(ParseTarget(target).has_value());
  EXPECT_EQ(ParseTarget(target).value().params.size(), 100u);
  EXPECT_EQ(ParseTarget(target + "&&").value().params.size(), 100u);  // empty pairs are no parameters
  const Error e = ParseTarget(target + "one=more").error();
  EXPECT_EQ(e.message, "query: has more than 100 parameters");
  EXPECT_EQ(e.fields, (std::vector<FieldViolation>{{"query", "has more than 100 parameters"}}));
}

TEST(SplitPath, IgnoresEmptySegments) {
  EXPECT_EQ(SplitPath("/api//v1/units/"), (std::vector<std::string>{"api", "v1", "units"}));
}

}  // namespace
}  // namespace amity::http
