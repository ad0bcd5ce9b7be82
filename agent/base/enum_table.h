// Enums with string tables: one constexpr table per enum gives to_string and
// from_string, and the same strings appear in logs, D-Bus and JSON.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace mcs {

template <typename E, size_t N>
using EnumTable = std::array<std::pair<E, std::string_view>, N>;

template <typename E, size_t N>
constexpr std::string_view enumName(const EnumTable<E, N>& t, E v) {
    for (const auto& [e, s] : t)
        if (e == v) return s;
    return "unknown";
}

template <typename E, size_t N>
constexpr std::optional<E> enumFromName(const EnumTable<E, N>& t, std::string_view s) {
    for (const auto& [e, n] : t)
        if (n == s) return e;
    return std::nullopt;
}

}  // namespace mcs
