#include "conf/text.h"

#include <algorithm>
#include <cstdio>

namespace mcs::conf {

namespace {

constexpr size_t kShownMax = 64;
constexpr size_t kSuggestMax = 64;  // longer words are no typo of a key

size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string quoted(std::string_view s) {
    std::string out = "'";
    size_t shown = 0;
    for (char c : s) {
        if (++shown > kShownMax) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\'' || c == '\\') {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "'";
}

std::string didYouMean(std::string_view word, const std::vector<std::string_view>& candidates) {
    if (word.size() > kSuggestMax) return {};
    // Short words allow fewer edits, or everything would be "near" everything.
    const size_t maxDist = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
    std::string_view best;
    size_t bestDist = maxDist + 1;
    for (std::string_view c : candidates) {
        const size_t d = editDistance(word, c);
        if (d < bestDist) {
            bestDist = d;
            best = c;
        }
    }
    if (best.empty()) return {};
    return " (did you mean '" + std::string(best) + "'?)";
}

std::string tomlString(std::string_view s) {
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace mcs::conf
