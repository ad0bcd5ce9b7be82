// IPv6 header and extension-header chain (RFC 8200 §4), Router Alert in the
// Hop-by-Hop header (RFC 2711).
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

constexpr size_t kFixedHeader = 40;
// A legitimate MLD/PIM packet carries one or two extension headers; the limit
// keeps a hostile chain from costing more than a few iterations.
constexpr int kMaxExtensionHeaders = 8;

constexpr uint8_t kHopByHop = 0;
constexpr uint8_t kRouting = 43;
constexpr uint8_t kFragment = 44;
constexpr uint8_t kDestOptions = 60;
constexpr uint8_t kOptPad1 = 0;
constexpr uint8_t kOptRouterAlert = 5;

// Hop-by-Hop option TLVs (RFC 8200 §4.2). False when an option overruns.
bool parseHopByHop(Bytes options, bool& routerAlert) {
    Reader r(options);
    while (r.remaining() > 0) {
        uint8_t type = r.u8();
        if (type == kOptPad1) continue;
        uint8_t len = r.u8();
        auto value = r.take(len);
        if (!r.ok()) return false;
        if (type == kOptRouterAlert) {
            if (len != 2) return false;
            // RFC 2711 §2.1: value 0 = the datagram contains an MLD message.
            routerAlert = routerAlert || (value[0] == 0 && value[1] == 0);
        }
    }
    return true;
}

// Walks the chain to the upper-layer header; on success `r` stands at its start.
Result<uint8_t, DropReason> skipExtensionHeaders(Reader& r, uint8_t next, bool& routerAlert) {
    for (int n = 0;; ++n) {
        if (next != kHopByHop && next != kRouting && next != kFragment && next != kDestOptions)
            return next;
        if (n == kMaxExtensionHeaders) return drop(DropReason::ExtensionChainTooLong);
        // RFC 8200 §4.1: Hop-by-Hop only directly after the IPv6 header.
        if (next == kHopByHop && n != 0) return drop(DropReason::BadExtensionHeader);

        uint8_t following = r.u8();
        uint8_t extLen = r.u8();
        if (!r.ok()) return drop(DropReason::BadExtensionHeader);
        if (next == kFragment) {
            uint16_t offsetFlags = r.u16();
            r.skip(4);   // identification
            if (!r.ok()) return drop(DropReason::BadExtensionHeader);
            // Only an atomic fragment (offset 0, M clear, RFC 6946) holds a whole
            // message; a first fragment's checksum cannot be verified, later ones
            // carry no header at all.
            if (offsetFlags & 0xfff9) return drop(DropReason::Ipv6Fragment);
        } else {
            auto body = r.take((extLen + 1u) * 8 - 2);
            if (!r.ok()) return drop(DropReason::BadExtensionHeader);
            if (next == kHopByHop && !parseHopByHop(body, routerAlert))
                return drop(DropReason::BadExtensionHeader);
        }
        next = following;
    }
}

}  // namespace

Result<Decoded, DropReason> decodeIpv6(Bytes packet, const DecodeOptions& opt) {
    if (packet.size() < kFixedHeader) return drop(DropReason::TruncatedIpv6);
    Reader r(packet);
    uint32_t verClassFlow = r.u32();
    uint16_t payloadLength = r.u16();
    uint8_t next = r.u8();
    IpInfo ip;
    ip.ttl = r.u8();
    ip.src = r.ip(Family::V6);
    ip.dst = r.ip(Family::V6);

    if (verClassFlow >> 28 != 6) return drop(DropReason::BadIpv6Version);
    // 0 would announce a jumbogram, which no control message needs. Bytes past
    // the payload length are Ethernet padding.
    if (payloadLength == 0 || payloadLength > r.remaining())
        return drop(DropReason::BadIpv6PayloadLength);
    Reader payload(packet.subspan(kFixedHeader, payloadLength));

    auto upper = skipExtensionHeaders(payload, next, ip.routerAlert);
    if (!upper) return drop(upper.error());
    MsgResult m = drop(DropReason::NotMulticastControl);
    if (*upper == kNextHeaderIcmpv6) {
        m = decodeIcmpv6(ip, payload.rest(), opt);
    } else if (*upper == kProtoPim) {
        m = decodePim(ip, payload.rest());
    }
    if (!m) return drop(m.error());
    return withIp(ip, std::move(*m));
}

}  // namespace mcs::wire::detail
