#include <sstream>

#include <gtest/gtest.h>

#include "domain/custom.h"
#include "domain/registry.h"
#include "io/csv.h"
#include "io/iso_codes.h"

namespace amity::io {
namespace {

using domain::Json;

const domain::EntityType& Org() { return *domain::Registry::Get().ByName("organisation"); }

Result<ReadResult> Read(const std::string& text, const CsvMapping& mapping = {}) {
  std::istringstream in(text);
  return ReadCsv(in, Org(), mapping, SharedReferenceData());
}

TEST(ReadCsv, MapsHeadersQuotesAndEmbeddedNewlines) {
  auto r = Read("name,kind,country,founded_on\n"
                "\"Partido \"\"Comunista\"\"\",political_party,CUB,1965\n"
                "\"Two\nlines\",ngo,,\n"
                "Third,ngo,la,1990-05\n");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->problems.empty());
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(r->rows[0].line, 2);
  EXPECT_EQ(r->rows[0].values, Json({{"name", "Partido \"Comunista\""}, {"kind", "political_party"},
                                     {"country", "CU"}, {"founded_on", "1965"}}));
  EXPECT_EQ(r->rows[1].line, 3);
  EXPECT_EQ(r->rows[1].values["name"], "Two\nlines");
  EXPECT_FALSE(r->rows[1].values.contains("country"));
  EXPECT_EQ(r->rows[2].line, 5);  // the quoted newline took a line
  EXPECT_EQ(r->rows[2].values["country"], "LA");
}

TEST(ReadCsv, MapsColumnsToLanguagesAndIdentifierSchemes) {
  CsvMapping m;
  m.columns = {{"pf", "identifiers.partyfacts"}, {"english", "names.en"}, {"other", "names"}};
  m.ignore = {"junk"};
  m.constants = {{"kind", "political_party"}};
  auto r = Read("name,pf,english,other,junk\n"
                "Dang Cong san Viet Nam,4898,Communist Party of Vietnam,Vietnamese: Đảng Cộng sản Việt Nam,x\n"
                "Afğān Millat,6641,,\"Pashto: افغان ملت ګوند\u200e; Dari: حزب\",y\n",
                m);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].values,
            Json({{"name", "Dang Cong san Viet Nam"}, {"kind", "political_party"},
                  {"identifiers", {{{"scheme", "partyfacts"}, {"value", "4898"}}}},
                  {"names", {{"en", "Communist Party of Vietnam"}, {"vi", "Đảng Cộng sản Việt Nam"}}}}));
  EXPECT_EQ(r->rows[1].values["names"], Json({{"ps", "افغان ملت ګوند"}, {"prs", "حزب"}}));
}

TEST(ReadCsv, ReportsBadCellsWithLineAndField) {
  auto r = Read("name,kind,country,member_count\n"
                "A,ngo,VN,12\n"
                "B,ngo,ZZZ,1\n"
                "C,ngo,VN,many\n"
                "D,ngo\n");
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->problems.size(), 3u);
  EXPECT_EQ(r->problems[0].line, 3);
  EXPECT_EQ(r->problems[0].field, "country");
  EXPECT_EQ(r->problems[0].reason, "\"ZZZ\" is not an ISO 3166 country code");
  EXPECT_EQ(r->problems[1].line, 4);
  EXPECT_EQ(r->problems[1].reason, "expected an integer, got \"many\"");
  EXPECT_EQ(r->problems[2].line, 5);
  EXPECT_EQ(r->problems[2].reason, "has 2 cells; the header has 4");
  EXPECT_EQ(r->rows.size(), 1u);
}

TEST(ReadCsv, UnknownCountryCanGoToNotes) {
  CsvMapping m;
  m.unknown_country_to_notes = true;
  auto r = Read("name,kind,country\nLDK,political_party,XKX\n", m);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->rows[0].values, Json({{"name", "LDK"}, {"kind", "political_party"},
                                     {"notes", "country in source: XKX"}}));
  EXPECT_EQ(r->notes_added, 1);
}

TEST(ReadCsv, RefusesUnknownColumnsAndMalformedQuotes) {
  auto unknown = Read("name,kind,colour\nA,ngo,red\n");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().message,
            "line 1: column \"colour\" maps to no writable field of organisation (map it with --map "
            "COLUMN=FIELD or skip it with --ignore COLUMN)");
  auto open_quote = Read("name,kind\nA,ngo\n\"B,ngo\nC,ngo\n");
  ASSERT_FALSE(open_quote.has_value());
  EXPECT_EQ(open_quote.error().message,
            "line 4: malformed CSV at the end of the file: a quoted field is not closed (it began on line 3)");
  auto stray = Read("name,kind\nA\"x\",ngo\n");
  ASSERT_FALSE(stray.has_value());
  EXPECT_EQ(stray.error().fields[0].field, "line 2");
  EXPECT_FALSE(Read("").has_value());
}

// Seen while writing fuzz_csv_import (which reproduces it): a column of the whole field (custom,
// names, identifiers) giving a value of another kind than its part columns need threw out of the
// reader.
TEST(ReadCsv, RefusesAPartColumnWhoseWholeFieldColumnIsOfAnotherKind) {
  const std::vector<domain::Field> custom = {domain::CustomFieldOf(
      {{"entity", "organisation"}, {"name", "tet_greeting"}, {"type", "boolean"}, {"label", {{"en", "Tết"}}}})};
  CsvMapping m;
  m.custom = &custom;
  auto r = Read("name,kind,custom,custom.tet_greeting\nA,ngo,5,yes\n", m);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->rows.empty());
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].line, 2);
  EXPECT_EQ(r->problems[0].field, "custom.tet_greeting");
  EXPECT_EQ(r->problems[0].reason, "cannot be added to custom: its column gives a number, not an object");

  r = Read("name,kind,names,names.en\nA,ngo,[1],B\n");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].field, "names");
  EXPECT_EQ(r->problems[0].reason, "cannot be added to names: its column gives an array, not an object");

  r = Read("name,kind,identifiers,identifiers.partyfacts\nA,ngo,\"{\"\"a\"\": 1}\",4898\n");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].field, "identifiers");
  EXPECT_EQ(r->problems[0].reason, "cannot be added to identifiers: its column gives an object, not a list");
}

// Copying JSON recurses once per level: a cell nested a million deep overflowed the stack.
TEST(ReadCsv, RefusesJsonCellsNestedTooDeep) {
  const int depth = 1'000'000;
  auto r = Read("name,kind,tags\nA,ngo," + std::string(depth, '[') + std::string(depth, ']') + "\n");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->rows.empty());
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].line, 2);
  EXPECT_EQ(r->problems[0].field, "tags");
  EXPECT_EQ(r->problems[0].reason, "is nested more than 32 levels deep");
  auto ok = Read("name,kind,tags\nA,ngo,\"[\"\"a\"\"]\"\n");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->rows[0].values["tags"], Json({"a"}));
}

// The same for JSON lines: a deeply nested value (the uuid, which Records::Import copies)
// overflowed the stack.
TEST(JsonLinesSource, RefusesLinesNestedTooDeep) {
  const int depth = 1'000'000;
  std::istringstream in("{\"name\": \"A\", \"uuid\": " + std::string(depth, '[') + std::string(depth, ']') +
                        "}\n{\"name\": \"B\"}\n");
  JsonLinesSource source(in);
  auto r = ReadAll(source);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].line, 1);
  EXPECT_EQ(r->problems[0].field, "");
  EXPECT_EQ(r->problems[0].reason, "is nested more than 32 levels deep");
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(r->rows[0].values, Json({{"name", "B"}}));
}

}  // namespace
}  // namespace amity::io
