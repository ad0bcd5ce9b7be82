// The one place conf/ includes toml++.
#pragma once

#if defined(MCS_TOML_COMPILED_IN) && MCS_TOML_COMPILED_IN
// Fuzz build: toml++ is compiled into mcs_conf (header-only) with its assertions on.
// toml++ 3.3 asserts a precondition of parse_key() that malformed table headers ("[#",
// "[[[1]]]") break, and then handles them correctly: release builds (Debian's
// libtomlplusplus included) report an ordinary parse error. Fixed upstream in
// marzer/tomlplusplus PR #301. That one assertion is ignored so fuzzing can go on; every
// other toml++ assertion still aborts.
namespace mcs::conf {
void tomlAssertFailed(const char* expr, const char* file, int line);
}
#define TOML_ASSERT(expr) ((expr) ? static_cast<void>(0) : ::mcs::conf::tomlAssertFailed(#expr, __FILE__, __LINE__))
#endif

#include <toml++/toml.h>
