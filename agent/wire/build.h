// Frame builders: queries of every kind, MRD solicitations, query solicitations
// (global leave), reports (for tests, benchmarks and proxying), and re-tagging of
// received frames for forwarding out of another port. Output is a complete
// Ethernet frame with correct IP/IGMP/ICMPv6 checksums, TTL/hop limit 1 and
// Router Alert (RFC 2113 / RFC 2711).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "agent/base/types.h"
#include "agent/wire/message.h"

namespace mcs::wire {

using Frame = std::vector<uint8_t>;

struct L2 {
    MacAddr src;                   // our bridge/port MAC
    std::optional<VlanId> tag;     // insert an 802.1Q tag with this VID when set
};

struct QuerySpec {
    ProtoVersion version = ProtoVersion::IgmpV3;
    IpAddr src;                    // IPv4 source (0.0.0.0 allowed: proxy querier) / IPv6 link-local
    IpAddr group;                  // unspecified = general query
    std::vector<IpAddr> sources;   // group-and-source-specific when non-empty (v3/MLDv2 only)
    uint32_t maxRespMs = 10000;
    bool suppressRouterSide = false;
    uint8_t qrv = 2;               // sent as 0 when > 7 (RFC 9776 §4.1.6)
    uint32_t qqiSec = 125;
};
// Destination per rfc-conformance.md §1.11: general → 224.0.0.1 / ff02::1, else the group.
Frame buildQuery(const L2& l2, const QuerySpec& q);

struct ReportSpec {
    ProtoVersion version = ProtoVersion::IgmpV3;
    IpAddr src;
    std::vector<GroupRecord> records;   // v1/v2/MLDv1: exactly one record; its group is reported
};
Frame buildReport(const L2& l2, const ReportSpec& r);
Frame buildLeave(const L2& l2, ProtoVersion version, const IpAddr& src, const IpAddr& group);

// RFC 4541 §2.1.1 query solicitation: IGMPv2 leave for 0.0.0.0 to 224.0.0.2, or
// MLDv1 Done for :: to ff02::2.
Frame buildQuerySolicitation(const L2& l2, const IpAddr& src);

// RFC 4286 §5.1: to 224.0.0.2 / ff02::2.
Frame buildMrdSolicitation(const L2& l2, const IpAddr& src);
Frame buildMrdAdvertisement(const L2& l2, const IpAddr& src, const MrdAdvertisement& adv);
Frame buildMrdTermination(const L2& l2, const IpAddr& src);
Frame buildPimHello(const L2& l2, const IpAddr& src, uint16_t holdtimeSec);
Frame buildTcnBpdu(const MacAddr& src);
Frame buildConfigBpdu(const MacAddr& src, const Bpdu& b);

// A received frame (as the packet socket gave it) re-emitted on another port:
// strips any in-frame 802.1Q tag and inserts `tag` when set. Payload unchanged.
Frame retag(std::span<const uint8_t> frame, std::optional<VlanId> tag);

}  // namespace mcs::wire
