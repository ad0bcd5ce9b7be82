// Internet checksum (RFC 1071) and the IPv6 upper-layer variant (RFC 8200 §8.1).
#include "agent/wire/decode.h"

namespace mcs::wire {
namespace {

// Sum of big-endian 16-bit words; an odd trailing byte is padded with zero.
uint64_t sumWords(std::span<const uint8_t> d, uint64_t acc = 0) {
    size_t i = 0;
    for (; i + 1 < d.size(); i += 2) acc += static_cast<uint32_t>((d[i] << 8) | d[i + 1]);
    if (i < d.size()) acc += static_cast<uint32_t>(d[i] << 8);
    return acc;
}

uint16_t fold(uint64_t acc) {
    while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<uint16_t>(~acc & 0xffff);
}

}  // namespace

uint16_t inetChecksum(std::span<const uint8_t> data) { return fold(sumWords(data)); }

uint16_t ipv6UpperChecksum(const IpAddr& src, const IpAddr& dst, uint8_t nextHeader,
                           std::span<const uint8_t> payload) {
    // Pseudo-header: src(16) dst(16) upper-layer length(4) zero(3) next header(1).
    uint64_t acc = sumWords({src.data(), 16});
    acc = sumWords({dst.data(), 16}, acc);
    acc += payload.size() >> 16;
    acc += payload.size() & 0xffff;
    acc += nextHeader;
    return fold(sumWords(payload, acc));
}

}  // namespace mcs::wire
