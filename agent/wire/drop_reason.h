// Why a received frame was not turned into a message. Every reason has a name
// and a counter slot; nothing the network sends can make the decoder throw.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

#include "agent/base/enum_table.h"

namespace mcs::wire {

// Keep kDropReasonNames in drop_reason.cc in the same order.
enum class DropReason : uint8_t {
    // Ethernet / VLAN
    TruncatedEthernet,
    NotIp,                   // ethertype is neither IPv4, IPv6 nor a BPDU LLC frame
    // IPv4 (RFC 791, RFC 4541 §2.1.2)
    TruncatedIpv4,
    BadIpv4Version,
    BadIpv4HeaderLength,
    BadIpv4Checksum,
    BadIpv4TotalLength,
    BadIpv4Options,          // malformed option TLVs
    Ipv4Fragment,
    // IPv6 (RFC 8200)
    TruncatedIpv6,
    BadIpv6Version,          // ethertype 0x86dd but version nibble not 6 (added by wire)
    BadIpv6PayloadLength,
    BadExtensionHeader,      // malformed or truncated extension header chain
    Ipv6Fragment,            // non-first fragment / fragmented MLD cannot be processed
    ExtensionChainTooLong,
    // Transport selection
    NotMulticastControl,     // IP protocol not IGMP/PIM, ICMPv6 type not MLD/MRD
    // IGMP (RFC 2236, RFC 9776)
    TruncatedIgmp,
    BadIgmpChecksum,
    BadQueryLength,          // RFC 9776 §7.1: length neither 8 nor >= 12
    TruncatedRecord,         // RFC 9776 §4.2: record does not fit in the payload
    BadGroupAddress,         // RFC 2236 §6 / RFC 2710 §5: group not multicast, or 224.0.0.1 / ff02::1
    BadSourceAddress,        // source in a record/query source list is not unicast
    UnknownIgmpType,         // RFC 9776 §4: silently ignored (but still flooded)
    // MLD (RFC 2710, RFC 9777)
    TruncatedMld,
    BadIcmpv6Checksum,
    BadMldLength,            // RFC 9777 §8.1: query length neither 24 nor >= 28
    MldHopLimitNot1,         // RFC 9777 §6.2/§7.4: dropped
    MldNoRouterAlert,        // RFC 9777 §7.4/§7.6: dropped
    MldSourceNotLinkLocal,   // RFC 9777 §5.1.14 / §5.2.14
    UnknownIcmpv6Type,
    // PIM (RFC 7761 §4.9)
    TruncatedPim,
    BadPimChecksum,
    BadPimVersion,
    NotPimHello,
    BadPimDestination,
    BadPimOption,
    // MRD (RFC 4286)
    TruncatedMrd,
    BadMrdDestination,
    BadMrdSource,
    // Strict-mode checks (SHOULD-level, rfc-conformance.md §1.12 C6/C7/C9)
    StrictTtlNot1,
    StrictNoRouterAlert,
    StrictBadQueryDestination,
    // BPDU (IEEE 802.1D §9, 802.1w)
    TruncatedBpdu,
    BadBpdu,
    Count_
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::Count_);

std::string_view to_string(DropReason r);

// Per-reason counters; plain integers (single-threaded daemon).
class DropCounters {
public:
    void count(DropReason r) { ++n_[static_cast<size_t>(r)]; }
    uint64_t get(DropReason r) const { return n_[static_cast<size_t>(r)]; }
    uint64_t total() const;
    const std::array<uint64_t, kDropReasonCount>& raw() const { return n_; }

private:
    std::array<uint64_t, kDropReasonCount> n_{};
};

}  // namespace mcs::wire
