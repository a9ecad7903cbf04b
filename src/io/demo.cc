#include "io/demo.h"

#include <sstream>

#include "domain/registry.h"
#include "embedded/amity_demo.h"
#include "io/csv.h"

namespace amity::io {

Result<std::vector<DemoFile>> LoadDemo(store::Records& records, const store::Actor& actor) {
  constexpr std::string_view kPrefix = "demo/", kSuffix = ".jsonl";
  std::vector<DemoFile> out;
  for (std::string_view name : amity_demo::Names()) {
    DemoFile f;
    f.file = std::string(name);
    if (name.starts_with(kPrefix) && name.ends_with(kSuffix)) {
      name.remove_prefix(kPrefix.size());
      name.remove_suffix(kSuffix.size());
      f.type = domain::Registry::Get().ByPlural(name);
    }
    if (!f.type) return Fail(ErrorCode::kInternal, f.file + " is not named demo/<entity plural>.jsonl");
    std::istringstream in{std::string(amity_demo::Get(f.file))};
    JsonLinesSource rows(in);
    ASSIGN_OR_RETURN(f.report, records.Import(*f.type, rows, false, actor));
    const bool failed = !f.report.problems.empty();
    out.push_back(std::move(f));
    if (failed) break;
  }
  return out;
}

}  // namespace amity::io
