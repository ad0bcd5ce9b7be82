// Test support: annotated hex in, frames out. The wrappers compute only the
// IP-layer headers; message bytes (checksums included) come from the vectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/types.h"

namespace mcs::wire::test {

using Bytes = std::vector<uint8_t>;

// Hex digits; spaces, newlines and ':' separate bytes and are ignored.
Bytes hex(std::string_view s);
std::string toHex(const Bytes& b);
IpAddr ip(std::string_view text);   // aborts on a typo in a test
Bytes operator+(Bytes a, const Bytes& b);

// Fill the 16-bit checksum at offset 2 of a message: plain (IGMP, PIM over IPv4)
// or with the IPv6 pseudo-header (ICMPv6, PIM over IPv6).
Bytes withChecksum(Bytes msg);
Bytes withChecksum6(std::string_view src, std::string_view dst, Bytes msg, uint8_t nh = 58);

// Ethernet (dst = MacAddr::forGroup(dst), src 02:00:00:00:00:01, untagged) + IPv4
// with TOS 0xc0, DF and a correct header checksum.
struct V4 {
    uint8_t ttl = 1;
    bool ra = true;      // IHL 6 with Router Alert 94 04 00 00
    uint8_t proto = 2;   // IGMP
};
Bytes frame4(std::string_view src, std::string_view dst, const Bytes& payload, V4 o = V4{});

// Ethernet + IPv6 (+ the canonical Hop-by-Hop Router Alert header 3a 00 05 02 00 00 01 00).
struct V6 {
    uint8_t hopLimit = 1;
    bool ra = true;
    uint8_t nh = 58;   // ICMPv6
};
Bytes frame6(std::string_view src, std::string_view dst, const Bytes& payload, V6 o = V6{});

// Byte-level edits for negative tests.
Bytes patched(Bytes b, size_t offset, std::initializer_list<uint8_t> bytes);
Bytes ipPart(const Bytes& frame);     // drops the 14-byte untagged Ethernet header
Bytes fixIpv4Checksum(Bytes frame);   // recomputes the header checksum after an edit

}  // namespace mcs::wire::test
