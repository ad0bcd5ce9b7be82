// The one place conf/ includes toml++.
#pragma once

#if defined(MCS_TOML_COMPILED_IN) && MCS_TOML_COMPILED_IN
// toml++ is compiled into mcs_conf (header-only; conf/CMakeLists.txt says why). Its
// debug assertions include preconditions that malformed input breaks ("[#x]":
// parse_key, fixed upstream in marzer/tomlplusplus PR #301; "n=[}": parse_value)
// although the code after them copes: release builds, Debian's libtomlplusplus
// included, report an ordinary parse error. NDEBUG builds drop the assertions as that
// library does. Builds without NDEBUG run the release path too: a failed toml++
// assertion is logged once per kind and execution goes on -- in the fuzz build, so
// ASan/UBSan judge what actually happens. (The fuzz build is not NDEBUG: with clang
// that turns the assertions into __builtin_assume, i.e. undefined behaviour on such
// input.)
namespace mcs::conf {
void tomlAssertFailed(const char* expr, const char* file, int line);
}
#define TOML_ASSERT(expr) \
    ((expr) ? static_cast<void>(0) : ::mcs::conf::tomlAssertFailed(#expr, __FILE__, __LINE__))
#endif

#include <toml++/toml.h>
