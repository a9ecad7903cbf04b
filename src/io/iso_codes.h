#pragma once
// Loads ISO 3166-1/-2/-3, 4217 and 639 from the iso-codes package's JSON, with Vietnamese names
// from its gettext catalogues (Boost.Locale reads the .mo files; no system locale needed).
#include <string>

#include "base/error.h"
#include "domain/reference.h"

namespace amity::io {

struct IsoCodesPaths {
  std::string json_dir = "/usr/share/iso-codes/json";
  std::string locale_dir = "/usr/share/locale";
};

Result<domain::ReferenceData> LoadIsoCodes(const IsoCodesPaths& paths = {});

// The process-wide reference data, loaded on first use (aborts with a clear message when the
// iso-codes package is missing: nothing can be validated without it).
const domain::ReferenceData& SharedReferenceData();

}  // namespace amity::io
