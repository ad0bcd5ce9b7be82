// Message text helpers of the parser and renderer.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mcs::conf {

// One argument of cat(), written as `std::ostream <<` would (bool as 0/1, char types as
// characters, floating point as %g) but without a stream: the daemon diffs and renders
// configurations on reload, and the first stream would pull in libstdc++'s locale
// set-up for good (see agent/daemon/main.cc).
template <typename T>
void catOne(std::string& out, const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        out += v ? '1' : '0';
    } else if constexpr (std::is_same_v<T, char> || std::is_same_v<T, signed char> ||
                         std::is_same_v<T, unsigned char>) {
        out += static_cast<char>(v);
    } else if constexpr (std::is_integral_v<T>) {
        out += std::to_string(v);
    } else if constexpr (std::is_floating_point_v<T>) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
        out += buf;
    } else {
        out += std::string_view(v);
    }
}

template <typename... A>
std::string cat(const A&... a) {
    std::string out;
    (catOne(out, a), ...);
    return out;
}

// User text in single quotes, control bytes escaped, long text cut: a diagnostic stays
// one readable line whatever the file holds.
std::string quoted(std::string_view s);

// " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".
std::string didYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

// TOML basic string literal, with quotes.
std::string tomlString(std::string_view s);

}  // namespace mcs::conf
