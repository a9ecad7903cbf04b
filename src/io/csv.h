#pragma once
// CSV and JSON-lines in and out for declared entities. Reading maps columns to fields
// (by header name, or as told), converts cells to JSON input for Records::Import, and reports
// every bad cell with its line number. Parsing is RFC 4180 (libcsv): quoted fields may hold
// commas, quotes and newlines.
#include <istream>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "domain/entity.h"
#include "domain/reference.h"
#include "store/records.h"

struct csv_parser;  // libcsv

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
  // The type's custom fields in force (CustomFields::Of), which columns name as custom.NAME;
  // null: none. Must outlive the source.
  const std::vector<domain::Field>* custom = nullptr;
};

struct ReadResult {
  std::vector<store::ImportRow> rows;
  std::vector<store::ImportProblem> problems;
  int64_t notes_added = 0;  // rows whose unknown country went to notes
};

// Streams CSV rows with a header line. A header naming no field (unless mapped or ignored) or a
// malformed file is an error; a bad cell is a problem of its row.
class CsvSource final : public store::RowSource {
 public:
  CsvSource(std::istream& in, const domain::EntityType& type, CsvMapping mapping,
            const domain::ReferenceData& ref);
  ~CsvSource() override;
  Result<bool> Next(store::ImportRow* row, std::vector<store::ImportProblem>* problems) override;
  int64_t notes_added() const { return notes_added_; }

  struct Target;
  struct Collector;

 private:
  Status ReadHeader(const std::vector<std::string>& cells);
  bool MakeRow(int64_t start, const std::vector<std::string>& cells, store::ImportRow* row,
               std::vector<store::ImportProblem>* problems);

  std::istream& in_;
  const domain::EntityType& type_;
  CsvMapping mapping_;
  const domain::ReferenceData& ref_;
  std::unique_ptr<::csv_parser> parser_;
  std::unique_ptr<Collector> collector_;
  std::vector<Target> targets_;
  size_t header_size_ = 0;
  bool ready_ = false, header_read_ = false, finished_ = false;
  std::string line_;
  int64_t notes_added_ = 0;
};

// Streams JSON lines: one object per line, fields as in the API.
class JsonLinesSource final : public store::RowSource {
 public:
  explicit JsonLinesSource(std::istream& in) : in_(in) {}
  Result<bool> Next(store::ImportRow* row, std::vector<store::ImportProblem>* problems) override;

 private:
  std::istream& in_;
  int64_t line_ = 0;
};

// Every row of a source, in memory (for tests and small files).
Result<ReadResult> ReadAll(store::RowSource& source);
Result<ReadResult> ReadCsv(std::istream& in, const domain::EntityType& type,
                           const CsvMapping& mapping, const domain::ReferenceData& ref);

struct ExportOptions {
  std::string format = "csv";  // csv, or json / jsonl (JSON lines)
  // How references are written (top-level, in lists and inside items): "id", or "uuid" (the
  // target's uuid, which an import into another database resolves).
  std::string refs = "id";
  // Every record as stored, the trash too (live ones first, each part by id), without the
  // fields derived when read: what a dump holds.
  bool as_stored = false;
  int64_t* live_written = nullptr;  // when set, receives how many written records are live
};

// Every live record of `type`, as CSV (a header of field names; structured values as JSON; one
// custom.NAME column per custom field in force instead of `custom`) or JSON lines; every field,
// common ones included. Returns the number of records written.
Result<int64_t> ExportRecords(store::Records& records, const domain::EntityType& type,
                              const ExportOptions& options, std::ostream& out);

}  // namespace amity::io
