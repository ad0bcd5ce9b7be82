// Frame decoder: bytes in, a validated message or a named drop reason out.
// Pure; never throws, never reads out of bounds (fuzzed: tests/fuzz/).
#pragma once

#include <cstdint>
#include <span>

#include "agent/base/result.h"
#include "agent/wire/drop_reason.h"
#include "agent/wire/message.h"

namespace mcs::wire {

struct DecodeOptions {
    // SHOULD-level checks of rfc-conformance.md §1.12 (C6 TTL 1 for IGMP, C7 Router
    // Alert for IGMPv2/v3, C9 general-query destination). MUST checks always run.
    bool strict = false;
};

// `frame` starts at the Ethernet destination MAC. An in-frame 802.1Q/802.1ad tag
// is parsed and reported in Decoded::tagVid (packet sockets usually strip it into
// metadata instead). BPDUs are recognised by the 01:80:c2:00:00:00 destination
// and LLC 42 42 03.
Result<Decoded, DropReason> decodeFrame(std::span<const uint8_t> frame,
                                        const DecodeOptions& opt = {});

// Decoders for the layers below, exposed for tests and for callers that already
// stripped the Ethernet header. `ipPacket` starts at the IPv4/IPv6 header.
Result<Decoded, DropReason> decodeIp(std::span<const uint8_t> ipPacket,
                                     const DecodeOptions& opt = {});

// Max Resp Code / QQIC floating-point codes (RFC 9776 §4.1.1, §4.1.7; RFC 9777 §5.1.3).
uint32_t decodeCode8(uint8_t code);       // IGMPv3 MRC (1/10 s units) and QQIC (s)
uint8_t encodeCode8(uint32_t value);      // exact, else next lower representable (RFC 9776 §8.8)
uint32_t decodeCode16(uint16_t code);     // MLDv2 Maximum Response Code (ms)
uint16_t encodeCode16(uint32_t value);

// One's-complement checksums (RFC 1071). pseudoHeader variant per RFC 8200 §8.1.
uint16_t inetChecksum(std::span<const uint8_t> data);
uint16_t ipv6UpperChecksum(const IpAddr& src, const IpAddr& dst, uint8_t nextHeader,
                           std::span<const uint8_t> payload);

}  // namespace mcs::wire
