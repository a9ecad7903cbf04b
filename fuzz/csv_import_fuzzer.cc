// CSV files → the CSV reader and its column mapping (io/csv.h) for every declared type, then,
// for a type whose header matched, Records::Import as a dry run on an SQLite database holding
// the demo data (so textual references resolve against real records), rolled back each time.
//
// Organisations are read with the Party Facts mapping of the README (mapped and ignored columns,
// labelled names, identifier schemes, constants), once keeping unknown countries in notes;
// every type also gets the custom fields in force as custom.NAME columns.
//
// With AMITY_FUZZ_CSV_SEEDS=DIR, initialisation first writes seeds there: each type's demo
// records as `amity export` writes them, a few kilobytes a file (fuzz/run.sh uses it).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "domain/registry.h"
#include "fuzz_support.h"
#include "io/csv.h"

namespace amity::fuzz {
namespace {

io::CsvMapping Mapping(const domain::EntityType& type, const std::vector<domain::Field>* custom,
                       bool to_notes) {
  io::CsvMapping m;
  m.custom = custom;
  m.unknown_country_to_notes = to_notes;
  if (type.name == "organisation") {
    m.columns = {{"partyfacts_id", "identifiers.partyfacts"}, {"name_short", "acronym"},
                 {"name_english", "names.en"},                {"name_other", "names"},
                 {"year_first", "founded_on"},                {"year_last", "dissolved_on"}};
    m.ignore = {"technical", "share", "share_year", "new", "wikipedia", "comment", "created", "modified"};
    m.constants = {{"kind", "political_party"}};
  }
  return m;
}

void NotInternal(const domain::EntityType& type, const Error& e, const char* what) {
  if (e.code == ErrorCode::kInternal || e.message.empty()) {
    Fail(type.name + " " + what + ": " + (e.message.empty() ? "an error without a message" : e.message));
  }
}

// The demo records of every type as CSV, cut at row ends into files of at most `max` bytes
// (at most 4 a type), each with the header.
void WriteSeeds(const std::string& dir, size_t max) {
  for (const domain::EntityType& type : domain::Registry::Get().types()) {
    if (type.reference_data) continue;
    std::ostringstream out;
    auto n = io::ExportRecords(*Demo().records, type, {}, out);
    if (!n) Fail("export of " + type.plural + ": " + n.error().message);
    const std::string csv = out.str();
    const size_t header_end = csv.find("\r\n") + 2;
    const std::string header = csv.substr(0, header_end);
    size_t start = header_end;
    for (int file = 0; file < 4 && start < csv.size(); ++file) {
      size_t end = start;
      while (true) {  // exported rows end with CRLF; a value's own newlines are LF
        const size_t next = csv.find("\r\n", end);
        if (next == std::string::npos || (next + 2 - start + header.size() > max && end > start)) break;
        end = next + 2;
      }
      if (end == start) break;  // one row larger than `max`
      std::ofstream(dir + "/" + type.plural + "-" + std::to_string(file) + ".csv", std::ios::binary)
          << header << csv.substr(start, end - start);
      start = end;
    }
  }
}

}  // namespace
}  // namespace amity::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("AMITY_FUZZ_CSV_SEEDS")) amity::fuzz::WriteSeeds(dir, 4000);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amity;
  using namespace amity::fuzz;
  const std::string text(reinterpret_cast<const char*>(data), size);
  store::Records& records = *Demo().records;
  auto custom = records.Custom();
  if (!custom) Fail("custom fields: " + custom.error().message);
  for (const domain::EntityType& type : domain::Registry::Get().types()) {
    if (type.reference_data) continue;
    const std::vector<domain::Field>* own = &(*custom)->Of(type.name);
    bool matched = false;
    for (const bool to_notes : {false, true}) {
      std::istringstream in(text);
      auto read = io::ReadCsv(in, type, Mapping(type, own, to_notes), Ref());
      if (!read) {
        NotInternal(type, read.error(), "read");
        break;  // the header or the file is refused, whatever becomes of unknown countries
      }
      for (const store::ImportProblem& p : read->problems) {
        if (p.reason.empty()) Fail(type.name + ": a problem on line " + std::to_string(p.line) + " without a reason");
      }
      matched = matched || !read->rows.empty();
    }
    if (!matched) continue;
    std::istringstream in(text);
    io::CsvSource rows(in, type, Mapping(type, own, false), Ref());
    auto report = records.Import(type, rows, /*dry_run=*/true, store::Actor{"fuzz"});
    if (!report) NotInternal(type, report.error(), "import");
  }
  return 0;
}
