// Minimal readers of captured frames for the packet tests (the real decoders live in
// agent/wire; these only find what a test waits for).
#pragma once

#include <cstdint>
#include <span>

#include "agent/base/types.h"

namespace mcs::bridge::test {

inline uint16_t be16(std::span<const uint8_t> f, size_t o) { return static_cast<uint16_t>(f[o] << 8 | f[o + 1]); }

// IPv4 protocol of an untagged frame, or -1.
inline int ipv4Proto(std::span<const uint8_t> f) {
    if (f.size() < 34 || be16(f, 12) != 0x0800) return -1;
    return f[23];
}

// Does this IGMPv3 report (type 0x22) carry a record for `group`?
inline bool igmpV3ReportHas(std::span<const uint8_t> f, const IpAddr& group) {
    if (ipv4Proto(f) != 2) return false;
    const size_t igmp = 14 + (f[14] & 0x0f) * 4u;
    if (f.size() < igmp + 8 || f[igmp] != 0x22) return false;
    size_t n = be16(f, igmp + 6), o = igmp + 8;
    while (n-- > 0 && f.size() >= o + 8) {
        const size_t nsrc = be16(f, o + 2), aux = f[o + 1];
        if (IpAddr::v4Bytes(&f[o + 4]) == group) return true;
        o += 8 + 4 * nsrc + 4 * aux;
    }
    return false;
}

// Offset of the ICMPv6 header (direct or behind one Hop-by-Hop header), or 0.
inline size_t icmp6Offset(std::span<const uint8_t> f) {
    if (f.size() < 58 || be16(f, 12) != 0x86dd) return 0;
    if (f[20] == 58) return 54;
    if (f[20] != 0) return 0;
    const size_t off = 54 + (f[55] + 1u) * 8u;
    return f[54] == 58 && f.size() >= off + 4 ? off : 0;
}

inline bool mldV2ReportHas(std::span<const uint8_t> f, const IpAddr& group) {
    const size_t icmp = icmp6Offset(f);
    if (!icmp || f.size() < icmp + 8 || f[icmp] != 143) return false;
    size_t n = be16(f, icmp + 6), o = icmp + 8;
    while (n-- > 0 && f.size() >= o + 20) {
        const size_t nsrc = be16(f, o + 2), aux = f[o + 1];
        if (IpAddr::v6Bytes(&f[o + 4]) == group) return true;
        o += 20 + 16 * nsrc + 4 * aux;
    }
    return false;
}

}  // namespace mcs::bridge::test
