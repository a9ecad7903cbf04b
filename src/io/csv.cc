#include "io/csv.h"

#include <csv.h>

#include <charconv>
#include <deque>
#include <map>

#include "base/text.h"
#include "domain/custom.h"
#include "domain/links.h"
#include "domain/registry.h"

namespace amity::io {
namespace {

using domain::Field;
using domain::FieldType;
using domain::Json;

}  // namespace

struct CsvSource::Target {
  const Field* field = nullptr;
  std::string sub;  // language or identifier scheme
  bool ignored = false;
  // The name problems give the column's field by: the field's, or custom.NAME.
  std::string Name() const { return field->custom ? "custom." + field->name : field->name; }
};
using Target = CsvSource::Target;

// Collects records from libcsv callbacks with the line each record starts on.
struct CsvSource::Collector {
  std::vector<std::string> fields;
  std::deque<std::pair<int64_t, std::vector<std::string>>> records;
  int64_t line = 1;        // the physical line being fed
  int64_t start_line = 1;  // where the current record began
  static void OnField(void* data, size_t len, void* self) {
    auto* c = static_cast<Collector*>(self);
    if (data == nullptr) c->fields.emplace_back();
    else c->fields.emplace_back(static_cast<char*>(data), len);
  }
  static void OnRow(int, void* self) {
    auto* c = static_cast<Collector*>(self);
    c->records.emplace_back(c->start_line, std::move(c->fields));
    c->fields.clear();
    c->start_line = c->line + 1;
  }
};
using Collector = CsvSource::Collector;

namespace {

// "Vietnamese: Đảng Cộng sản Việt Nam; Arabic: …" → {"vi": "…", "ar": "…"}.
Json ParseLabelledNames(const std::string& cell, const domain::ReferenceData& ref) {
  Json out = Json::object();
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find_first_of(";\n", start);
    if (end == std::string::npos) end = cell.size();
    std::string part(Trim(std::string_view(cell).substr(start, end - start)));
    // Drop the trailing commas and left-to-right marks that copy-pasted names carry.
    while (!part.empty() && (part.back() == ',' || part.ends_with("\u200e"))) {
      part.resize(part.back() == ',' ? part.size() - 1 : part.size() - 3);
      part = std::string(Trim(part));
    }
    if (!part.empty()) {
      std::string lang = "und";
      const size_t colon = part.find(':');
      if (colon != std::string::npos && colon < 40) {
        if (auto code = ref.LanguageByName(part.substr(0, colon))) {
          lang = *code;
          part = std::string(Trim(std::string_view(part).substr(colon + 1)));
        }
      }
      if (!part.empty() && !out.contains(lang)) out[lang] = part;
    }
    start = end + 1;
  }
  return out;
}

// Whether `whole`, what a column of the whole field (custom, names, identifiers) may have put in
// the row, can take the cell of a column for one part of it (custom.NAME, names.en,
// identifiers.partyfacts): nothing yet, or an object (`object`) or a list; else a problem.
bool Fits(const Json& whole, bool object, const std::string& name, const Target& t, int64_t line,
          std::vector<store::ImportProblem>* problems) {
  if (whole.is_null() || (object ? whole.is_object() : whole.is_array())) return true;
  const std::string kind = whole.type_name();
  problems->push_back({line, t.Name(),
                       "cannot be added to " + name + ": its column gives " +
                           (kind.starts_with('a') || kind.starts_with('o') ? "an " : "a ") + kind +
                           ", not " + (object ? "an object" : "a list")});
  return false;
}

std::vector<std::string> SplitList(const std::string& cell) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find(';', start);
    if (end == std::string::npos) end = cell.size();
    std::string part(Trim(std::string_view(cell).substr(start, end - start)));
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

// JSON from a file: a cell holding a list or an object, or a line of JSON lines. Records nest a
// few levels at most (an item's parts); deeper values are refused here, because copying or
// printing JSON recurses once per level and one nested hundreds of thousands deep would overflow
// the stack.
tl::expected<Json, std::string> ParseJson(const std::string& text) {
  constexpr int kMaxDepth = 32;
  bool too_deep = false;
  Json j = Json::parse(
      text,
      [&](int depth, Json::parse_event_t, Json&) {
        // Returning false discards the value, so what is kept stays shallow.
        if (depth > kMaxDepth) too_deep = true;
        return !too_deep;
      },
      false);
  if (j.is_discarded()) return tl::unexpected(std::string("is not valid JSON"));
  if (too_deep) return tl::unexpected("is nested more than " + std::to_string(kMaxDepth) + " levels deep");
  return j;
}

// Converts one cell to the JSON input for its target; on failure, the reason.
tl::expected<Json, std::string> CellValue(const Target& t, const std::string& cell,
                                          const domain::ReferenceData& ref) {
  const Field& f = *t.field;
  const std::string text(Trim(cell));
  if (!t.sub.empty()) return Json(text);  // names.en, identifiers.partyfacts: plain text
  const bool json_like = (text.starts_with('{') || text.starts_with('['));
  switch (f.type) {
    case FieldType::kInteger:
    case FieldType::kRef: {
      if (f.type == FieldType::kRef) return Json(text);  // ids, keys and names resolve later
      int64_t n = 0;
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || p != text.data() + text.size()) {
        return tl::unexpected("expected an integer, got \"" + text + "\"");
      }
      return Json(n);
    }
    case FieldType::kBoolean: {
      const std::string v = AsciiLower(text);
      if (v == "true" || v == "yes" || v == "1") return Json(true);
      if (v == "false" || v == "no" || v == "0") return Json(false);
      return tl::unexpected("expected true or false, got \"" + text + "\"");
    }
    case FieldType::kMultilingualText:
      if (json_like) return ParseJson(text);
      return ParseLabelledNames(text, ref);
    case FieldType::kTextList:
    case FieldType::kRefList:
    case FieldType::kIdentifiers:
    case FieldType::kObjects:
    case FieldType::kCustom:
    case FieldType::kMoney: {
      if (json_like || f.type == FieldType::kMoney || f.type == FieldType::kObjects ||
          f.type == FieldType::kCustom) {
        return ParseJson(text);
      }
      Json arr = Json::array();
      for (const std::string& part : SplitList(text)) {
        if (f.type == FieldType::kIdentifiers) {
          const size_t colon = part.find(':');
          if (colon == std::string::npos) {
            return tl::unexpected("expected scheme:value, got \"" + part + "\"");
          }
          arr.push_back({{"scheme", part.substr(0, colon)}, {"value", part.substr(colon + 1)}});
        } else {
          arr.push_back(part);
        }
      }
      return arr;
    }
    default:
      return Json(text);
  }
}

}  // namespace

CsvSource::CsvSource(std::istream& in, const domain::EntityType& type, CsvMapping mapping,
                     const domain::ReferenceData& ref)
    : in_(in), type_(type), mapping_(std::move(mapping)), ref_(ref),
      collector_(std::make_unique<Collector>()) {
  parser_ = std::make_unique<csv_parser>();
  ready_ = csv_init(parser_.get(), CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) == 0;
  csv_set_realloc_func(parser_.get(), realloc);
  csv_set_free_func(parser_.get(), free);
}

CsvSource::~CsvSource() {
  if (ready_) csv_free(parser_.get());
}

Status CsvSource::ReadHeader(const std::vector<std::string>& cells) {
  header_size_ = cells.size();
  std::vector<FieldViolation> bad;
  for (const std::string& h : cells) {
    const std::string name(Trim(h));
    Target t;
    if (mapping_.ignore.contains(name)) {
      t.ignored = true;
      targets_.push_back(t);
      continue;
    }
    auto m = mapping_.columns.find(name);
    const std::string target = m == mapping_.columns.end() ? name : m->second;
    const size_t dot = target.find('.');
    if (target.starts_with("custom.")) {
      t.field = domain::FindCustom(mapping_.custom, target.substr(dot + 1));
    } else {
      t.field = type_.Find(target.substr(0, dot));
      if (dot != std::string::npos) t.sub = target.substr(dot + 1);
    }
    // An export's columns of fields Amity maintains are skipped, but its uuid is kept (see
    // Records::Import).
    if (t.field && t.field->read_only && t.sub.empty() && t.field->name != "uuid") {
      t.ignored = true;
      targets_.push_back(t);
      continue;
    }
    if (!t.field && target.starts_with("custom.")) {
      bad.push_back({"column \"" + name + "\"",
                     "names no custom field of " + type_.name + " (see amity field list " + type_.name + ")"});
    } else if (!t.field || (t.field->read_only && t.field->name != "uuid") ||
        (!t.sub.empty() && t.field->type != FieldType::kMultilingualText &&
         t.field->type != FieldType::kIdentifiers)) {
      bad.push_back({"column \"" + name + "\"",
                     "maps to no writable field of " + type_.name +
                         " (map it with --map COLUMN=FIELD or skip it with --ignore COLUMN)"});
    }
    targets_.push_back(t);
  }
  if (!bad.empty()) {
    std::string message = "line 1: " + bad[0].field + " " + bad[0].reason;
    return Fail(ErrorCode::kInvalidArgument, std::move(message), std::move(bad));
  }
  return {};
}

bool CsvSource::MakeRow(int64_t start, const std::vector<std::string>& cells, store::ImportRow* row,
                        std::vector<store::ImportProblem>* problems) {
  row->line = start;
  row->values = Json::object();
  for (const auto& [k, v] : mapping_.constants) row->values[k] = v;
  if (cells.size() != header_size_) {
    problems->push_back({start, "", "has " + std::to_string(cells.size()) + " cells; the header has " +
                                        std::to_string(header_size_)});
    return false;
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    const Target& t = targets_[i];
    if (t.ignored || Trim(cells[i]).empty()) continue;
    if (!IsValidUtf8(cells[i])) {
      problems->push_back({start, t.Name(), "is not valid UTF-8"});
      return false;
    }
    // A custom field's cell goes into the row's `custom` object.
    Json& holder = t.field->custom ? row->values["custom"] : row->values;
    if (t.field->custom && !Fits(holder, true, "custom", t, start, problems)) return false;
    if (t.field->type == FieldType::kCountry) {
      const std::string code(Trim(cells[i]));
      if (auto alpha2 = ref_.ResolveCountry(code)) {
        holder[t.field->name] = *alpha2;
      } else if (mapping_.unknown_country_to_notes) {
        std::string notes = row->values.value("notes", "");
        if (!notes.empty()) notes.push_back('\n');
        notes.append("country in source: ").append(code);
        row->values["notes"] = notes;
        ++notes_added_;
      } else {
        problems->push_back({start, t.Name(), "\"" + code + "\" is not an ISO 3166 country code"});
        return false;
      }
      if (holder.is_null()) row->values.erase("custom");
      continue;
    }
    auto v = CellValue(t, cells[i], ref_);
    if (!v) {
      problems->push_back({start, t.Name(), v.error()});
      return false;
    }
    Json& slot = holder[t.field->name];
    if (!t.sub.empty() && !Fits(slot, t.field->type == FieldType::kMultilingualText, t.field->name, t,
                                start, problems)) {
      return false;
    }
    if (t.field->type == FieldType::kIdentifiers && !t.sub.empty()) {
      slot.push_back({{"scheme", t.sub}, {"value", *v}});
    } else if (!t.sub.empty()) {
      slot[t.sub] = *v;  // a column for one language wins over a column of labelled names
    } else if (t.field->type == FieldType::kMultilingualText && slot.is_object() && v->is_object()) {
      for (const auto& [lang, text] : v->items()) {
        if (!slot.contains(lang)) slot[lang] = text;
      }
    } else {
      slot = *v;
    }
  }
  return true;
}

Result<bool> CsvSource::Next(store::ImportRow* row, std::vector<store::ImportProblem>* problems) {
  if (!ready_) return Fail(ErrorCode::kInternal, "cannot start the CSV parser");
  auto malformed = [&](std::string why) {
    return Fail(ErrorCode::kInvalidArgument, "line " + std::to_string(collector_->line) + ": " + why,
                {{"line " + std::to_string(collector_->line), why}});
  };
  while (true) {
    while (!collector_->records.empty()) {
      auto [start, cells] = std::move(collector_->records.front());
      collector_->records.pop_front();
      if (!header_read_) {
        header_read_ = true;
        RETURN_IF_ERROR(ReadHeader(cells));
        continue;
      }
      if (cells.size() == 1 && cells[0].empty() && header_size_ > 1) continue;  // a blank line
      if (MakeRow(start, cells, row, problems)) return true;
    }
    if (finished_) {
      if (!header_read_) return Fail(ErrorCode::kInvalidArgument, "the file is empty: expected a header line");
      return false;
    }
    if (std::getline(in_, line_)) {
      if (collector_->line == 1 && line_.starts_with("\xEF\xBB\xBF")) line_.erase(0, 3);
      line_.push_back('\n');
      if (csv_parse(parser_.get(), line_.data(), line_.size(), Collector::OnField, Collector::OnRow,
                    collector_.get()) != line_.size()) {
        return malformed(std::string("malformed CSV: ") + csv_strerror(csv_error(parser_.get())) +
                         " (a quote inside a quoted field must be doubled)");
      }
      ++collector_->line;
    } else {
      finished_ = true;
      if (csv_fini(parser_.get(), Collector::OnField, Collector::OnRow, collector_.get()) != 0) {
        --collector_->line;
        return malformed("malformed CSV at the end of the file: a quoted field is not closed (it began on line " +
                         std::to_string(collector_->start_line) + ")");
      }
    }
  }
}

Result<bool> JsonLinesSource::Next(store::ImportRow* row, std::vector<store::ImportProblem>* problems) {
  std::string text;
  while (std::getline(in_, text)) {
    ++line_;
    if (Trim(text).empty()) continue;
    auto j = ParseJson(text);
    if (!j) {
      problems->push_back({line_, "", IsValidUtf8(text) ? j.error() : "is not valid UTF-8"});
      continue;
    }
    if (!j->is_object()) {
      problems->push_back({line_, "", "expected a JSON object"});
      continue;
    }
    *row = store::ImportRow{line_, std::move(*j)};
    return true;
  }
  return false;
}

Result<ReadResult> ReadAll(store::RowSource& source) {
  ReadResult result;
  store::ImportRow row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, source.Next(&row, &result.problems));
    if (!more) break;
    result.rows.push_back(std::move(row));
  }
  return result;
}

Result<ReadResult> ReadCsv(std::istream& in, const domain::EntityType& type,
                           const CsvMapping& mapping, const domain::ReferenceData& ref) {
  CsvSource source(in, type, mapping, ref);
  ASSIGN_OR_RETURN(ReadResult result, ReadAll(source));
  result.notes_added = source.notes_added();
  return result;
}

Result<int64_t> ExportRecords(store::Records& records, const domain::EntityType& type,
                              const ExportOptions& options, std::ostream& out) {
  const std::string& format = options.format;
  if (format != "csv" && format != "jsonl" && format != "json") {
    return Invalid("format", "expected csv or jsonl, got \"" + format + "\"");
  }
  if (options.refs != "id" && options.refs != "uuid") {
    return Invalid("refs", "expected id or uuid, got \"" + options.refs + "\"");
  }
  // In CSV, each custom field in force is a column of its own (custom.NAME), after the others.
  ASSIGN_OR_RETURN(std::shared_ptr<const domain::CustomFields> custom, records.Custom());
  std::vector<const Field*> fields;
  for (const Field& f : domain::CommonFields()) {
    if (format != "csv" || f.type != FieldType::kCustom) fields.push_back(&f);
  }
  for (const Field& f : type.fields) fields.push_back(&f);
  if (format == "csv") {
    for (const Field& f : custom->Of(type.name)) fields.push_back(&f);
  }
  auto csv_cell = [&](const std::string& s) {
    std::string q(s.size() * 2 + 2, '\0');
    q.resize(csv_write(q.data(), q.size(), s.data(), s.size()));
    out << q;
  };
  if (format == "csv") {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out << ',';
      csv_cell(fields[i]->custom ? "custom." + fields[i]->name : fields[i]->name);
    }
    out << "\r\n";
  }
  // The uuid of each referenced record, looked up once.
  std::map<std::pair<std::string, int64_t>, Json> uuids;
  Status lookup_error;
  auto to_uuid = [&](const Field& f, Json* v) {
    if (!lookup_error || !v->is_number_integer()) return;
    const domain::EntityType* target = domain::Registry::Get().ByName(f.ref);
    if (!target) return;
    const auto key = std::make_pair(f.ref, v->get<int64_t>());
    auto it = uuids.find(key);
    if (it == uuids.end()) {
      auto r = records.store().Get(*target, key.second);
      if (!r) {
        lookup_error = tl::unexpected(r.error());
        return;
      }
      it = uuids.emplace(key, *r ? (**r)["uuid"] : *v).first;  // a dangling id stays an id
    }
    *v = it->second;
  };
  int64_t n = 0;
  for (const bool deleted : {false, true}) {
    if (deleted && !options.as_stored) break;
    domain::Query q;
    q.limit = 500;
    q.deleted = deleted;
    while (true) {
      ASSIGN_OR_RETURN(store::Page page, options.as_stored ? records.store().List(type, q)
                                                           : records.List(type, q));
      for (Json& r : page.items) {
        if (options.refs == "uuid") {
          domain::MapRefs(type, &r, to_uuid);
          RETURN_IF_ERROR(lookup_error);
        }
        if (format == "csv") {
          for (size_t i = 0; i < fields.size(); ++i) {
            if (i) out << ',';
            const Json& holder = fields[i]->custom ? r.value("custom", Json()) : r;
            const Json v = holder.is_object() ? holder.value(fields[i]->name, Json()) : Json();
            if (v.is_null()) continue;
            csv_cell(v.is_string() ? v.get<std::string>() : v.dump());
          }
          out << "\r\n";
        } else {
          out << r.dump() << '\n';
        }
        ++n;
        if (options.live_written && !deleted) ++*options.live_written;
      }
      if (page.next_cursor.empty()) break;
      q.after = domain::Cursor{Json(), page.items.back()["id"].get<int64_t>()};
    }
  }
  return n;
}

}  // namespace amity::io
