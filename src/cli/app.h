#pragma once
// The amity command line: one function per subcommand, sharing how the data directory and the
// store are opened. Exit codes: 0 done, 1 the input was refused (nothing written),
// 2 wrong usage, 3 the environment failed (files, database).
#include <memory>
#include <string>

#include "store/records.h"

namespace amity::cli {

constexpr int kExitOk = 0;
constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr int kExitEnvironment = 3;

// Runs the program; `argv` as main's.
int Main(int argc, char** argv);

}  // namespace amity::cli
