// Internal interface between the decoder layers (not part of the public API).
// Each layer validates its own header and hands the payload upwards.
#pragma once

#include <cstdint>
#include <span>

#include "agent/base/result.h"
#include "agent/wire/decode.h"

namespace mcs::wire {
class Reader;
}

namespace mcs::wire::detail {

using MsgResult = Result<Message, DropReason>;
using Bytes = std::span<const uint8_t>;

inline Unexpected<DropReason> drop(DropReason r) { return unexpected(r); }

// What the upper layers need from the IP header.
struct IpInfo {
    IpAddr src;
    IpAddr dst;
    uint8_t ttl = 0;
    bool routerAlert = false;
};

inline Decoded withIp(const IpInfo& ip, Message m) {
    Decoded d;
    d.src = ip.src;
    d.dst = ip.dst;
    d.ttl = ip.ttl;
    d.routerAlert = ip.routerAlert;
    d.msg = std::move(m);
    return d;
}

inline constexpr uint8_t kProtoIgmp = 2;
inline constexpr uint8_t kProtoPim = 103;
inline constexpr uint8_t kNextHeaderIcmpv6 = 58;

Result<Decoded, DropReason> decodeIpv4(Bytes packet, const DecodeOptions& opt);
Result<Decoded, DropReason> decodeIpv6(Bytes packet, const DecodeOptions& opt);

MsgResult decodeIgmp(const IpInfo& ip, Bytes msg, const DecodeOptions& opt);     // IP protocol 2
MsgResult decodeIcmpv6(const IpInfo& ip, Bytes msg, const DecodeOptions& opt);   // next header 58
MsgResult decodePim(const IpInfo& ip, Bytes msg);                                // protocol 103

// IGMPv3 / MLDv2 group records (RFC 9776 §4.2, RFC 9777 §5.2), `r` standing at
// the first record. Unknown record types are skipped and counted.
Result<Report, DropReason> decodeRecords(Reader& r, Family f, uint16_t count, Report report);

// RFC 4286: the MRD body after its type was recognised (IGMP 0x30-0x32 / ICMPv6 151-153),
// checksum already verified by the caller.
enum class MrdType : uint8_t { Advertisement, Solicitation, Termination };
MsgResult decodeMrd(const IpInfo& ip, MrdType type, Bytes msg);

// IEEE 802.1D §9.3: `bpdu` starts at the Protocol Identifier (after LLC 42 42 03).
MsgResult decodeBpdu(Bytes bpdu);

// Address sanity, rfc-conformance.md §1.12 C10 and source lists.
bool isReportableGroup(const IpAddr& g);   // report / leave / record group
bool isQueryGroup(const IpAddr& g);        // 0 / :: or a multicast group
bool isUnicastSource(const IpAddr& s);

// Well-known destinations (rfc-conformance.md §1.11).
IpAddr allHosts(Family f);        // 224.0.0.1 / ff02::1
IpAddr allRouters(Family f);      // 224.0.0.2 / ff02::2
IpAddr allV3Routers(Family f);    // 224.0.0.22 / ff02::16
IpAddr allPimRouters(Family f);   // 224.0.0.13 / ff02::d
IpAddr allSnoopers(Family f);     // 224.0.0.106 / ff02::6a

}  // namespace mcs::wire::detail
