#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/dates.h"
#include "base/fold.h"
#include "base/text.h"

namespace amity {
namespace {

TEST(ParseDate, AcceptsRealDaysOnly) {
  EXPECT_EQ(ParseDate("2024-02-29"), "2024-02-29");
  EXPECT_EQ(ParseDate("2023-02-29"), std::nullopt);
  EXPECT_EQ(ParseDate("2023-13-01"), std::nullopt);
  EXPECT_EQ(ParseDate("0000-01-01"), std::nullopt);
  EXPECT_EQ(ParseDate("2023-1-01"), std::nullopt);
  EXPECT_EQ(ParseDate("2023-01-01x"), std::nullopt);
}

TEST(ParsePartialDate, TakesYearYearMonthOrDay) {
  EXPECT_EQ(ParsePartialDate("1930"), "1930");
  EXPECT_EQ(ParsePartialDate("1930-02"), "1930-02");
  EXPECT_EQ(ParsePartialDate("1930-02-03"), "1930-02-03");
  EXPECT_EQ(ParsePartialDate("1930-00"), std::nullopt);
  EXPECT_EQ(ParsePartialDate("930"), std::nullopt);
  EXPECT_EQ(ParsePartialDate("1930-2"), std::nullopt);
  EXPECT_EQ(ParsePartialDate(""), std::nullopt);
  // Text order is chronological order by first day.
  EXPECT_LT(std::string("1929-12"), std::string("1930"));
  EXPECT_LT(std::string("1930"), std::string("1930-01"));
}

TEST(ParseDateTime, NormalisesToUtcMillis) {
  EXPECT_EQ(ParseDateTime("2026-01-02T03:04:05Z"), "2026-01-02T03:04:05.000Z");
  EXPECT_EQ(ParseDateTime("2026-01-02T03:04:05.5+07:00"), "2026-01-01T20:04:05.500Z");
  EXPECT_EQ(ParseDateTime("2026-01-01T23:30:00-01:00"), "2026-01-02T00:30:00.000Z");
  EXPECT_EQ(ParseDateTime("2026-01-02T03:04:05"), std::nullopt);  // a zone is required
  EXPECT_EQ(ParseDateTime("2026-01-02T24:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseDateTime("2026-01-02T03:04:05.Z"), std::nullopt);
}

TEST(Clock, FormatsAndMakesVersion7Uuids) {
  FixedClock clock(1'790'000'000'123);
  EXPECT_EQ(clock.NowRfc3339(), "2026-09-21T14:13:20.123Z");
  const std::string a = NewUuid(clock), b = NewUuid(clock);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a.substr(0, 13), "01a0c450-6c7b");  // the millisecond timestamp, big-endian
  EXPECT_EQ(a[14], '7');
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

TEST(Text, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("Đảng Cộng sản Việt Nam"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_EQ(CodePointCount("Việt"), 4u);
}

TEST(Text, ChecksEmailAndUrl) {
  EXPECT_TRUE(IsEmail("desk@vufo.org.vn"));
  EXPECT_FALSE(IsEmail("desk@vufo"));
  EXPECT_FALSE(IsEmail("a b@c.de"));
  EXPECT_FALSE(IsEmail("@c.de"));
  EXPECT_TRUE(IsHttpUrl("https://dangcongsan.vn/path?q=1"));
  EXPECT_FALSE(IsHttpUrl("javascript:alert(1)"));
  EXPECT_FALSE(IsHttpUrl("https://"));
  EXPECT_FALSE(IsHttpUrl("https://user@host"));
}

TEST(Text, Base64UrlRoundTrips) {
  std::string out;
  EXPECT_EQ(Base64UrlEncode("{\"i\":1}"), "eyJpIjoxfQ");
  ASSERT_TRUE(Base64UrlDecode("eyJpIjoxfQ", &out));
  EXPECT_EQ(out, "{\"i\":1}");
  EXPECT_FALSE(Base64UrlDecode("not base64!", &out));
}

TEST(Dates, EndsBeforeStartComparesOnTheCommonPrecision) {
  EXPECT_TRUE(EndsBeforeStart("1990", "1989-12"));
  EXPECT_TRUE(EndsBeforeStart("2024-05-10", "2024-05-09"));
  EXPECT_FALSE(EndsBeforeStart("1990-05", "1990"));
  EXPECT_FALSE(EndsBeforeStart("1990", "1990-01-01"));
  EXPECT_FALSE(EndsBeforeStart("2024-05-10", "2024-05-10"));
  EXPECT_FALSE(EndsBeforeStart("", "1990"));
  EXPECT_FALSE(EndsBeforeStart("1990", ""));
}

}  // namespace
}  // namespace amity

namespace amity {

TEST(Fold, MeetsWhatUsersTypeWithoutDiacritics) {
  EXPECT_EQ(FoldForSearch("Việt Nam"), "viet nam");
  EXPECT_EQ(FoldForSearch("Phan Anh Sơn"), "phan anh son");
  EXPECT_EQ(FoldForSearch("Đảng Cộng sản"), "dang cong san");
  EXPECT_EQ(FoldForSearch("ĐẢNG CỘNG SẢN"), "dang cong san");
  EXPECT_EQ(FoldForSearch("Nguyễn Thị Ứng"), "nguyen thi ung");
  // Other Latin diacritics, and letters with no decomposition.
  EXPECT_EQ(FoldForSearch("Líder Österreich Ñandú"), "lider osterreich nandu");
  EXPECT_EQ(FoldForSearch("Łódź Søren Straße Œuvre"), "lodz soren strasse oeuvre");
  // Full-width forms (NFKC) and case.
  EXPECT_EQ(FoldForSearch("ＳＰＤ Ｆａｎ"), "spd fan");
  // Punctuation and dashes separate words.
  EXPECT_EQ(FoldForSearch("Viet Nam – China forum (2025)"), "viet nam china forum 2025");
  EXPECT_EQ(FoldForSearch("CPV–SPD"), "cpv spd");
  EXPECT_EQ(FoldForSearch("  ,;  "), "");
}

TEST(Fold, KeepsOtherScriptsAsThemselves) {
  EXPECT_EQ(FoldForSearch("Κομμουνιστικό Κόμμα Ελλάδας"), "κομμουνιστικο κομμα ελλαδασ");
  EXPECT_EQ(FoldForSearch("Коммунистическая партия"), "коммунистическая партия");
  EXPECT_EQ(FoldForSearch("حزب البعث"), "حزب البعث");
  // Han, Hiragana and Katakana: one token per character.
  EXPECT_EQ(SearchTokens("中国共产党"), (std::vector<std::string>{"中", "国", "共", "产", "党"}));
  EXPECT_EQ(FoldForSearch("日本共産党 JCP"), "日 本 共 産 党 jcp");
  // Hangul keeps its syllables (decomposed for the marks, composed again).
  EXPECT_EQ(FoldForSearch("조선로동당"), "조선로동당");
}

TEST(Text, CutsUtf8BeforeACharacter) {
  EXPECT_EQ(Utf8Prefix("Việt", 10), "Việt");
  EXPECT_EQ(Utf8Prefix("Việt", 5), "Việ");
  EXPECT_EQ(Utf8Prefix("Việt", 4), "Vi");
  EXPECT_EQ(Utf8Prefix("Việt", 3), "Vi");
  EXPECT_EQ(Utf8Prefix("Việt", 2), "Vi");
  EXPECT_EQ(Utf8Prefix("Việt", 0), "");
}

TEST(Fold, LeavesOutRunsTooLongToBeWords) {
  const std::string long_run(300, 'a');
  EXPECT_EQ(FoldForSearch("before " + long_run + " after"), "before after");
  EXPECT_EQ(FoldForSearch("trước " + long_run + " sau"), "truoc sau");
}

namespace {
// The marked pieces as one string, matches in [brackets].
std::string Show(const std::vector<Marked>& pieces) {
  std::string out;
  for (const Marked& m : pieces) out += m.match ? "[" + m.text + "]" : m.text;
  return out;
}
}  // namespace

TEST(Fold, MarksMatchesInTheTextAsWritten) {
  EXPECT_EQ(Show(MarkMatches("Đảng Cộng sản Việt Nam", {"dang", "cong"}, "sa", 160)),
            "[Đảng] [Cộng] [sản] Việt Nam");
  EXPECT_EQ(Show(MarkMatches("Communist Party of Viet Nam", {}, "vi", 160)), "Communist Party of [Viet] Nam");
  EXPECT_EQ(Show(MarkMatches("中国共产党", {"共", "产"}, "党", 160)), "中国[共产党]");
  EXPECT_TRUE(MarkMatches("Communist Party", {"spd"}, "", 160).empty());
  // A long text: a window around the first match, cut at words, "…" where it was cut.
  std::string text;
  for (int i = 0; i < 40; ++i) text += "word" + std::to_string(i) + " ";
  text += "Hà Nội";
  for (int i = 40; i < 80; ++i) text += " word" + std::to_string(i);
  EXPECT_EQ(Show(MarkMatches(text, {"ha"}, "noi", 40)), "…word39 [Hà] [Nội] word40 word41 word42…");
}

}  // namespace amity
