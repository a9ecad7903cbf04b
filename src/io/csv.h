#pragma once
// CSV and JSON-lines in and out for declared entities. Reading maps columns to fields
// (by header name, or as told), converts cells to JSON input for Records::Import, and reports
// every bad cell with its line number. Parsing is RFC 4180 (libcsv): quoted fields may hold
// commas, quotes and newlines.
#include <istream>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "domain/entity.h"
#include "domain/reference.h"
#include "store/records.h"

namespace amity::io {

struct CsvMapping {
  // Header → target: a field ("founded_on"), a language of a multilingual field ("names.en"),
  // or a scheme of identifiers ("identifiers.partyfacts").
  std::map<std::string, std::string> columns;
  std::set<std::string> ignore;        // headers to skip
  std::map<std::string, domain::Json> constants;  // field → value for every row
  // A country cell that names no ISO 3166 country: reject the row (default), or leave the
  // country empty and keep the cell's text in notes ("country in source: XKX").
  bool unknown_country_to_notes = false;
};

struct ReadResult {
  std::vector<store::ImportRow> rows;
  std::vector<store::ImportProblem> problems;
  int64_t notes_added = 0;  // rows whose unknown country went to notes
};

// Reads CSV with a header line. Problems in the header (unknown columns) stop the read.
Result<ReadResult> ReadCsv(std::istream& in, const domain::EntityType& type,
                           const CsvMapping& mapping, const domain::ReferenceData& ref);

// Reads JSON lines: one object per line, fields as in the API.
Result<ReadResult> ReadJsonLines(std::istream& in, const domain::EntityType& type);

// Every live record of `type`, as CSV (a header of field names; structured values as JSON) or
// JSON lines. Returns the number of records written.
Result<int64_t> ExportRecords(store::Records& records, const domain::EntityType& type,
                              const std::string& format, std::ostream& out);

}  // namespace amity::io
