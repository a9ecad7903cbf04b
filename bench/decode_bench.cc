// domain::DecodeInput on organisations: what every create, update and imported row pays before
// the store sees it. Run: build-bench/bench/amity_decode_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "domain/codec.h"
#include "domain/registry.h"
#include "io/iso_codes.h"

namespace {

using amity::domain::DecodeInput;
using amity::domain::DecodeMode;
using amity::domain::EntityType;
using amity::domain::Json;

const EntityType& Organisation() {
  static const EntityType* type = amity::domain::Registry::Get().ByName("organisation");
  if (!type) std::abort();
  return *type;
}

// What one imported partner row becomes (the fields of bench/amity-bench.sh's import).
Json Minimal() {
  return {{"name", "Deaninho Council 1"}, {"kind", "ngo"}, {"country", "ID"}, {"founded_on", "1918-05-24"}};
}

// A fuller record, as the web form sends it: several languages, identifiers, contact fields.
Json Typical() {
  return {{"name", "Communist Party of Vietnam"},
          {"names", {{"vi", "Đảng Cộng sản Việt Nam"}, {"en", "Communist Party of Vietnam"},
                     {"fr", "Parti communiste vietnamien"}}},
          {"acronym", "CPV"},
          {"kind", "political_party"},
          {"subkind", "ruling"},
          {"party_family", "communist"},
          {"country", "VN"},
          {"city", "Hà Nội"},
          {"founded_on", "1930-02-03"},
          {"status", "active"},
          {"tier", "traditional"},
          {"member_count", 5300000},
          {"member_count_as_of", "2021"},
          {"website", "https://dangcongsan.vn"},
          {"email", "contact@example.org"},
          {"phone", "+84 24 3823 0000"},
          {"identifiers", Json::array({{{"scheme", "partyfacts"}, {"value", "4898"}},
                                       {{"scheme", "wikidata"}, {"value", "Q213854"}}})},
          {"tags", Json::array({"asia", "ruling-party"})},
          {"description", "The founding and ruling party of the Socialist Republic of Vietnam."}};
}

void Decode(benchmark::State& state, const Json& input, DecodeMode mode) {
  const auto& ref = amity::io::SharedReferenceData();
  const EntityType& type = Organisation();
  if (auto first = DecodeInput(type, input, mode, ref); !first) {
    // The declaration changed under the benchmark: say which field, rather than time an error.
    static std::string why;
    why = "the input does not decode: " + first.error().message;
    for (const auto& v : first.error().fields) why += " [" + v.field + ": " + v.reason + "]";
    state.SkipWithError(why.c_str());
    return;
  }
  for (auto _ : state) {
    auto out = DecodeInput(type, input, mode, ref);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecodeOrganisationMinimal(benchmark::State& state) {
  Decode(state, Minimal(), DecodeMode::kCreate);
}
BENCHMARK(BM_DecodeOrganisationMinimal);

void BM_DecodeOrganisationTypical(benchmark::State& state) {
  Decode(state, Typical(), DecodeMode::kCreate);
}
BENCHMARK(BM_DecodeOrganisationTypical);

void BM_DecodeOrganisationPatch(benchmark::State& state) {
  Decode(state, Json{{"city", "Đà Nẵng"}, {"acronym", nullptr}, {"tier", "priority"}}, DecodeMode::kPatch);
}
BENCHMARK(BM_DecodeOrganisationPatch);

// The cost of reporting: a row with a problem in every other field.
void BM_DecodeOrganisationInvalid(benchmark::State& state) {
  const auto& ref = amity::io::SharedReferenceData();
  const Json input = {{"name", ""}, {"kind", "party"}, {"country", "XX"},
                      {"founded_on", "1930-13-40"}, {"website", "not a url"}, {"phone", "call me"}};
  for (auto _ : state) {
    auto out = DecodeInput(Organisation(), input, DecodeMode::kCreate, ref);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeOrganisationInvalid);

}  // namespace

BENCHMARK_MAIN();
