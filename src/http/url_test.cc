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

TEST(PreferredLang, TakesTheFirstOfViAndEnTheHeaderPrefers) {
  EXPECT_EQ(PreferredLang(""), "en");
  EXPECT_EQ(PreferredLang("vi"), "vi");
  EXPECT_EQ(PreferredLang("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7"), "vi");
  EXPECT_EQ(PreferredLang("fr-FR, fr;q=0.9, vi;q=0.5, en;q=0.4"), "vi");
  EXPECT_EQ(PreferredLang("en;q=0.5, VI-vn;q=0.8"), "vi");  // by weight, not position
  EXPECT_EQ(PreferredLang("en, vi"), "en");                 // equal weights: the header's order
  EXPECT_EQ(PreferredLang("vi;q=0, en;q=0.1"), "en");       // q=0: not acceptable
  EXPECT_EQ(PreferredLang("vi;q=0"), "en");
  EXPECT_EQ(PreferredLang("fr, de;q=0.5"), "en");
  EXPECT_EQ(PreferredLang("*"), "en");
  EXPECT_EQ(PreferredLang("vi;q=2, en;q=0.3"), "en");       // a malformed weight counts as absent
  EXPECT_EQ(PreferredLang("vie, vietnamese"), "en");
  EXPECT_EQ(PreferredLang(" vi ; q=1.000 "), "vi");
}

TEST(SplitPath, IgnoresEmptySegments) {
  EXPECT_EQ(SplitPath("/api//v1/units/"), (std::vector<std::string>{"api", "v1", "units"}));
}

}  // namespace
}  // namespace amity::http
