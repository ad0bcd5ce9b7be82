// Bounds-checked readers over libnl's attribute parser. Kernel messages are trusted
// more than packets, but a short attribute must still never be read past its end:
// every getter checks nla_len first and returns nullopt instead.
#pragma once

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>

namespace mcs::bridge::nl {

template <size_t MaxType>
using AttrTable = std::array<nlattr*, MaxType + 1>;

inline std::optional<uint8_t> u8(const nlattr* a) {
    if (!a || nla_len(a) < 1) return std::nullopt;
    return nla_get_u8(a);
}
inline std::optional<uint16_t> u16(const nlattr* a) {
    if (!a || nla_len(a) < 2) return std::nullopt;
    uint16_t v;
    std::memcpy(&v, nla_data(a), sizeof v);
    return v;
}
inline std::optional<uint32_t> u32(const nlattr* a) {
    if (!a || nla_len(a) < 4) return std::nullopt;
    return nla_get_u32(a);
}
inline std::optional<uint64_t> u64(const nlattr* a) {
    if (!a || nla_len(a) < 8) return std::nullopt;
    uint64_t v;
    std::memcpy(&v, nla_data(a), sizeof v);
    return v;
}
inline std::optional<std::string> str(const nlattr* a) {
    if (!a || nla_len(a) < 1) return std::nullopt;
    const auto* p = static_cast<const char*>(nla_data(a));
    return std::string(p, strnlen(p, static_cast<size_t>(nla_len(a))));
}
inline std::span<const uint8_t> bytes(const nlattr* a) {
    if (!a || nla_len(a) <= 0) return {};
    return {static_cast<const uint8_t*>(nla_data(a)), static_cast<size_t>(nla_len(a))};
}

// Parses the attributes of `nest` (no policy: lengths are checked by the getters).
template <size_t MaxType>
AttrTable<MaxType> parseNested(const nlattr* nest) {
    AttrTable<MaxType> tb{};
    if (nest) nla_parse_nested(tb.data(), static_cast<int>(MaxType), const_cast<nlattr*>(nest), nullptr);
    return tb;
}

// Parses a raw attribute stream [data, data+len).
template <size_t MaxType>
AttrTable<MaxType> parseStream(const void* data, int len) {
    AttrTable<MaxType> tb{};
    if (len > 0)
        nla_parse(tb.data(), static_cast<int>(MaxType),
                  static_cast<nlattr*>(const_cast<void*>(data)), len, nullptr);
    return tb;
}

// Parses the attributes after a fixed header of `hdrlen` bytes; returns false if the
// message is shorter than its header.
template <size_t MaxType>
bool parseMessage(const nlmsghdr& nlh, int hdrlen, AttrTable<MaxType>& tb) {
    tb = {};
    if (nlmsg_datalen(&nlh) < hdrlen) return false;
    nlmsg_parse(const_cast<nlmsghdr*>(&nlh), hdrlen, tb.data(), static_cast<int>(MaxType), nullptr);
    return true;
}

// Calls f(const nlattr&) for each attribute nested in `nest`, duplicates included.
template <typename F>
void forEachNested(const nlattr* nest, F&& f) {
    if (!nest) return;
    const nlattr* pos;
    int rem;
    nla_for_each_nested(pos, nest, rem) f(*pos);
}

inline int type(const nlattr& a) { return nla_type(&a); }

}  // namespace mcs::bridge::nl
