// JSON request bodies → DecodeInput for every declared type, as a create and as a patch, and
// what a write does with a decoded record before the store: defaults, derived fields, the
// record's rules, the rules over other records (on a store that has nothing) and its links.
//
// Invariant beyond "no crash": a decoded create decodes again to itself (values are normalised
// once; a client that sends back what it read gets the same record).
#include <map>
#include <sstream>

#include "domain/codec.h"
#include "domain/links.h"
#include "domain/registry.h"
#include "embedded/amity_demo.h"
#include "fuzz_support.h"

namespace amity::fuzz {
namespace {

using domain::DecodeMode;
using domain::EntityType;
using domain::Json;

// Other records, as an empty store has them: none.
class NoRecords final : public domain::Lookup {
 public:
  Result<std::optional<Json>> Find(std::string_view, int64_t, bool) override { return std::nullopt; }
  Result<std::vector<int64_t>> Linked(std::string_view, std::string_view, std::string_view,
                                      std::string_view, std::string_view, int) override {
    return std::vector<int64_t>{};
  }
  Result<std::vector<int64_t>> Matching(std::string_view, const Json&, int) override {
    return std::vector<int64_t>{};
  }
};

// The record a patch applies to: the type's first demo record when it decodes on its own (its
// references may be names only an import resolves), else its defaults.
const Json& Stored(const EntityType& type) {
  static std::map<std::string, Json> stored;
  auto it = stored.find(type.name);
  if (it != stored.end()) return it->second;
  Json record = Json::object();
  std::istringstream demo{std::string(amity_demo::Get("demo/" + type.plural + ".jsonl"))};
  std::string line;
  if (std::getline(demo, line)) {
    auto d = domain::DecodeInput(type, Json::parse(line), DecodeMode::kCreate, Ref(),
                                 &Custom().Of(type.name));
    if (d) record = *d;
  }
  domain::ApplyDefaults(type, &record);
  if (type.derive) type.derive(&record);
  record["id"] = 1;
  record["version"] = 1;
  return stored.emplace(type.name, std::move(record)).first->second;
}

// What Records does with a record that passed the decoder; none of it may throw or crash.
void Write(const EntityType& type, Json record, std::optional<int64_t> id) {
  if (type.derive) type.derive(&record);
  if (!domain::CheckRecord(type, record)) return;
  NoRecords none;
  if (type.check_stored) (void)type.check_stored(record, id, none);
  std::vector<FieldViolation> warnings;
  if (type.warn) (void)type.warn(record, id, none, &warnings);
  (void)domain::LinksOf(type, record);
  if (type.derive_on_read) type.derive_on_read(&record, "2026-09-21");
  (void)record.dump();
}

void CheckError(const EntityType& type, const Error& e, const char* mode) {
  if (e.message.empty() && e.fields.empty()) Fail(type.name + " " + mode + ": an error that says nothing");
  for (const FieldViolation& v : e.fields) {
    if (v.reason.empty()) Fail(type.name + " " + mode + ": field \"" + v.field + "\" without a reason");
  }
}

}  // namespace
}  // namespace amity::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amity;
  using namespace amity::fuzz;
  // A body that is not JSON is refused at the HTTP edge before any of this (400).
  const domain::Json input = domain::Json::parse(data, data + size, nullptr, false);
  if (input.is_discarded()) return 0;
  for (const domain::EntityType& type : domain::Registry::Get().types()) {
    const std::vector<domain::Field>* custom = &Custom().Of(type.name);
    auto created = domain::DecodeInput(type, input, DecodeMode::kCreate, Ref(), custom);
    if (created) {
      auto again = domain::DecodeInput(type, *created, DecodeMode::kCreate, Ref(), custom);
      if (!again) Fail(type.name + ": " + created->dump() + " decodes, but not again: " + again.error().message);
      if (*again != *created) Fail(type.name + ": " + created->dump() + " decodes again to " + again->dump());
      Json record = *created;
      domain::ApplyDefaults(type, &record);
      Write(type, std::move(record), std::nullopt);
    } else {
      CheckError(type, created.error(), "create");
    }
    auto changes = domain::DecodeInput(type, input, DecodeMode::kPatch, Ref(), custom);
    if (changes) {
      Json merged = Stored(type);
      domain::ApplyChanges(*changes, &merged);
      Write(type, std::move(merged), 1);
    } else {
      CheckError(type, changes.error(), "patch");
    }
  }
  return 0;
}
