#pragma once
// What the fuzz targets share: the reference data, a set of custom fields of every kind, and
// (for the targets that reach the store) an SQLite database with the demo data loaded. Built
// once per process, on first use; see fuzz/README.md.
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "domain/custom.h"
#include "domain/entity.h"
#include "domain/reference.h"
#include "store/records.h"

namespace amity::fuzz {

const domain::ReferenceData& Ref();

// The custom_field records the targets use: the demo's, and one of every custom type on
// organisations (so each kind of custom value reaches the decoder, filters and CSV cells).
const std::vector<domain::Json>& CustomFieldRecords();
// Those fields as a snapshot (the targets that need no store).
const domain::CustomFields& Custom();

// A store in a temporary directory (removed at exit) with the demo data and the custom fields
// above, and Records over it on a fixed clock.
struct Database {
  std::string dir;
  FixedClock clock{1'790'000'000'000};  // 2026-09-21, as the tests' Fixture
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::Records> records;
};
Database& Demo();

// Stops the run with a message: a broken invariant is a finding, as a crash is.
[[noreturn]] void Fail(const std::string& what);

}  // namespace amity::fuzz
