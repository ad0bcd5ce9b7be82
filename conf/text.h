// Message text helpers of the parser and renderer.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace mcs::conf {

template <typename... A>
std::string cat(const A&... a) {
    std::ostringstream o;
    (o << ... << a);
    return o.str();
}

// User text in single quotes, control bytes escaped, long text cut: a diagnostic stays
// one readable line whatever the file holds.
std::string quoted(std::string_view s);

// " (did you mean 'x'?)" for the closest candidate within a small edit distance, else "".
std::string didYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

// TOML basic string literal, with quotes.
std::string tomlString(std::string_view s);

}  // namespace mcs::conf
