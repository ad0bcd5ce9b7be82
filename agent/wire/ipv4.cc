// IPv4 header (RFC 791) with option parsing for Router Alert (RFC 2113).
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

constexpr size_t kMinHeader = 20;
constexpr uint8_t kOptEol = 0x00;
constexpr uint8_t kOptNop = 0x01;
constexpr uint8_t kOptRouterAlert = 0x94;   // copied, class 0, number 20

// Walks the option TLVs; the Router Alert may sit anywhere in the list.
// Returns false when an option overruns the header or has an impossible length.
bool parseOptions(Bytes opts, bool& routerAlert) {
    Reader r(opts);
    while (r.remaining() > 0) {
        uint8_t type = r.u8();
        if (type == kOptEol) break;
        if (type == kOptNop) continue;
        uint8_t len = r.u8();
        if (!r.ok() || len < 2) return false;
        auto value = r.take(len - 2u);
        if (!r.ok()) return false;
        if (type == kOptRouterAlert) {
            if (len != 4) return false;
            // RFC 2113 §2.1: only value 0 means "router shall examine packet".
            routerAlert = routerAlert || (value[0] == 0 && value[1] == 0);
        }
    }
    return true;
}

}  // namespace

Result<Decoded, DropReason> decodeIpv4(Bytes packet, const DecodeOptions& opt) {
    if (packet.size() < kMinHeader) return drop(DropReason::TruncatedIpv4);
    Reader r(packet);
    uint8_t verIhl = r.u8();
    r.skip(1);   // TOS
    uint16_t totalLength = r.u16();
    r.skip(2);   // identification
    uint16_t fragment = r.u16();
    uint8_t ttl = r.u8();
    uint8_t proto = r.u8();
    r.skip(2);   // checksum, verified over the whole header below
    IpAddr src = r.ip(Family::V4);
    IpInfo ip{src, r.ip(Family::V4), ttl, false};

    if (verIhl >> 4 != 4) return drop(DropReason::BadIpv4Version);
    size_t headerLength = (verIhl & 0x0f) * 4u;
    if (headerLength < kMinHeader) return drop(DropReason::BadIpv4HeaderLength);
    if (headerLength > packet.size()) return drop(DropReason::TruncatedIpv4);
    // Shorter is fine: the rest is Ethernet padding.
    if (totalLength < headerLength || totalLength > packet.size())
        return drop(DropReason::BadIpv4TotalLength);
    // RFC 4541 §2.1.2 / rfc-conformance.md C1: never learn from a corrupted header.
    if (inetChecksum(packet.first(headerLength)) != 0) return drop(DropReason::BadIpv4Checksum);
    // MF set or a non-zero offset: the control message is incomplete or a tail.
    if (fragment & 0x3fff) return drop(DropReason::Ipv4Fragment);
    if (!parseOptions(packet.subspan(kMinHeader, headerLength - kMinHeader), ip.routerAlert))
        return drop(DropReason::BadIpv4Options);

    Bytes payload = packet.subspan(headerLength, totalLength - headerLength);
    MsgResult m = drop(DropReason::NotMulticastControl);
    if (proto == kProtoIgmp) {
        m = decodeIgmp(ip, payload, opt);
    } else if (proto == kProtoPim) {
        m = decodePim(ip, payload);
    }
    if (!m) return drop(m.error());
    return withIp(ip, std::move(*m));
}

}  // namespace mcs::wire::detail
