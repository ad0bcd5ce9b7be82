// Ethernet/802.1Q, IPv4 and IPv6 headers for the frames we originate, and
// re-tagging of frames we forward.
#include "agent/wire/encap.h"

#include "agent/wire/bytes.h"
#include "agent/wire/decode.h"

namespace mcs::wire {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherCtag = 0x8100;
constexpr uint16_t kEtherStag = 0x88a8;
constexpr size_t kMacsLength = 12;
constexpr uint8_t kTosInternetworkControl = 0xc0;   // RFC 9776 §4, RFC 2236 §2
constexpr uint16_t kDontFragment = 0x4000;
constexpr uint8_t kNextHeaderHopByHop = 0;

void ethernet(Writer& w, const MacAddr& dst, const L2& l2, uint16_t etherType) {
    w.mac(dst);
    w.mac(l2.src);
    if (l2.tag) {
        w.u16(kEtherCtag);
        w.u16(l2.tag->value & 0x0fff);
    }
    w.u16(etherType);
}

}  // namespace

Frame detail::ipFrame(const L2& l2, const IpAddr& src, const IpAddr& dst, uint8_t proto,
                      std::vector<uint8_t> msg, bool routerAlert) {
    const bool v4 = dst.isV4();
    const uint16_t sum = v4 ? inetChecksum(msg) : ipv6UpperChecksum(src, dst, proto, msg);
    Writer(msg).patch16(2, sum);

    Frame f;
    Writer w(f);
    ethernet(w, MacAddr::forGroup(dst), l2, v4 ? kEtherIpv4 : kEtherIpv6);
    const size_t ipStart = w.size();
    if (v4) {
        const size_t headerLength = routerAlert ? 24 : 20;
        w.u8(static_cast<uint8_t>(0x40 | headerLength / 4));
        w.u8(kTosInternetworkControl);
        w.u16(static_cast<uint16_t>(headerLength + msg.size()));
        w.u16(0);   // identification: atomic datagram (RFC 6864)
        w.u16(kDontFragment);
        w.u8(1);   // TTL
        w.u8(proto);
        w.u16(0);   // header checksum, patched below
        w.ip(src, Family::V4);
        w.ip(dst, Family::V4);
        if (routerAlert) w.u32(0x94040000);   // RFC 2113 Router Alert, value 0
        w.patch16(ipStart + 10, inetChecksum({f.data() + ipStart, headerLength}));
    } else {
        w.u32(0x60000000);   // version 6, traffic class 0, flow label 0
        w.u16(static_cast<uint16_t>((routerAlert ? 8 : 0) + msg.size()));
        w.u8(routerAlert ? kNextHeaderHopByHop : proto);
        w.u8(1);   // hop limit
        w.ip(src, Family::V6);
        w.ip(dst, Family::V6);
        if (routerAlert) {
            w.u8(proto);   // Hop-by-Hop: next header, length 0 (8 bytes)
            w.u8(0);
            w.u32(0x05020000);   // RFC 2711 Router Alert, value 0 (MLD)
            w.u16(0x0100);       // PadN, 0 bytes of padding
        }
    }
    w.bytes(msg);
    return f;
}

Frame retag(std::span<const uint8_t> frame, std::optional<VlanId> tag) {
    if (frame.size() < kMacsLength + 2) return Frame(frame.begin(), frame.end());
    size_t rest = kMacsLength;   // from the ethertype (or the tag being stripped) on
    uint16_t priority = 0;       // PCP + DEI of a stripped tag are kept
    const uint16_t type = static_cast<uint16_t>((frame[12] << 8) | frame[13]);
    if ((type == kEtherCtag || type == kEtherStag) && frame.size() >= kMacsLength + 6) {
        priority = static_cast<uint16_t>((frame[14] << 8) & 0xf000);
        rest += 4;
    }
    Frame out;
    out.reserve(frame.size() + 4);
    Writer w(out);
    w.bytes(frame.first(kMacsLength));
    if (tag) {
        w.u16(kEtherCtag);
        w.u16(static_cast<uint16_t>(priority | (tag->value & 0x0fff)));
    }
    w.bytes(frame.subspan(rest));
    return out;
}

}  // namespace mcs::wire
