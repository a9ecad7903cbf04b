#include "fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "domain/registry.h"
#include "embedded/amity_demo.h"
#include "io/demo.h"
#include "io/iso_codes.h"

namespace amity::fuzz {

using domain::Json;

void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

const domain::ReferenceData& Ref() { return io::SharedReferenceData(); }

const std::vector<Json>& CustomFieldRecords() {
  static const std::vector<Json> records = [] {
    std::vector<Json> out;
    std::istringstream demo{std::string(amity_demo::Get("demo/custom-fields.jsonl"))};
    for (std::string line; std::getline(demo, line);) {
      if (!line.empty()) out.push_back(Json::parse(line));
    }
    for (const char* type : {"text", "integer", "decimal", "date", "boolean", "enum", "country",
                             "email", "url"}) {
      Json r = {{"entity", "organisation"},
                {"name", std::string("fz_") + type},
                {"type", type},
                {"label", {{"en", type}}}};
      if (std::string(type) == "enum") {
        r["values"] = Json::array({Json{{"value", "one"}}, Json{{"value", "two-2"}}});
      }
      out.push_back(std::move(r));
    }
    return out;
  }();
  return records;
}

const domain::CustomFields& Custom() {
  static const domain::CustomFields custom = [] {
    std::vector<Json> records = CustomFieldRecords();
    for (size_t i = 0; i < records.size(); ++i) records[i]["id"] = i + 1;
    return domain::CustomFields::From(0, records);
  }();
  return custom;
}

namespace {

std::string* database_dir = nullptr;

void RemoveDatabase() {
  std::error_code ec;
  if (database_dir) std::filesystem::remove_all(*database_dir, ec);
}

}  // namespace

Database& Demo() {
  static Database* db = [] {
    auto* d = new Database;  // lives until exit: the fuzz loop may still use it from atexit
    std::string dir = (std::filesystem::temp_directory_path() / "amity-fuzz-XXXXXX").string();
    if (!mkdtemp(dir.data())) Fail("cannot create a temporary directory");
    d->dir = dir;
    database_dir = &d->dir;
    std::atexit(RemoveDatabase);
    auto s = store::OpenStore(dir + "/amity.db");
    if (!s) Fail("cannot open the store: " + s.error().message);
    d->store = std::move(*s);
    d->records = std::make_unique<store::Records>(*d->store, Ref(), d->clock);
    if (auto st = d->records->LoadReferenceData(); !st) Fail(st.error().message);
    auto files = io::LoadDemo(*d->records, store::Actor{"demo"});
    if (!files) Fail("cannot load the demo data: " + files.error().message);
    for (const io::DemoFile& f : *files) {
      if (!f.report.problems.empty()) Fail(f.file + ": " + f.report.problems[0].reason);
    }
    // The demo has its own custom fields already; add the rest.
    const domain::EntityType& field = *domain::Registry::Get().ByName("custom_field");
    for (const Json& r : CustomFieldRecords()) {
      if (r["name"].get<std::string>().starts_with("fz_")) {
        auto created = d->records->Create(field, r, store::Actor{"fuzz"});
        if (!created) Fail("cannot add custom field " + r.dump() + ": " + created.error().message);
      }
    }
    return d;
  }();
  return *db;
}

}  // namespace amity::fuzz
