#pragma once
// The demo data: demo/<plural>.jsonl, embedded in the binary in the order of the amity_demo list
// in src/CMakeLists.txt (the order in which their references resolve), each file imported like
// `amity import` imports it. `amity demo` and the tests' Fixture::LoadDemo both load it here.
#include <string>
#include <vector>

#include "store/records.h"

namespace amity::io {

struct DemoFile {
  std::string file;                     // "demo/delegations.jsonl"
  const domain::EntityType* type = nullptr;
  store::ImportReport report;           // with problems: nothing of this file was written
};

// Imports every demo file in order, as `actor`, and stops after the first file with problems
// (files before it stay loaded). An error (a demo file naming no entity type, a store failure)
// stops at once.
Result<std::vector<DemoFile>> LoadDemo(store::Records& records, const store::Actor& actor);

}  // namespace amity::io
