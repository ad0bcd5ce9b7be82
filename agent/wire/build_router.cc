// Builders for router-discovery traffic (MRD, PIM Hello) and STP BPDUs.
#include "agent/wire/bytes.h"
#include "agent/wire/encap.h"
#include "agent/wire/layers.h"

namespace mcs::wire {
namespace {

using namespace detail;

// RFC 4286 message types: IGMP 0x30-0x32, ICMPv6 151-153.
uint8_t mrdType(Family f, MrdType t) {
    return static_cast<uint8_t>((f == Family::V4 ? 0x30 : 151) + static_cast<uint8_t>(t));
}

Frame mrdFrame(const L2& l2, const IpAddr& src, MrdType t, const MrdAdvertisement* adv) {
    const Family f = src.family();
    std::vector<uint8_t> m;
    Writer w(m);
    w.u8(mrdType(f, t));
    w.u8(adv ? adv->advIntervalSec : 0);
    w.u16(0);   // checksum
    if (adv) {
        w.u16(adv->queryIntervalSec);
        w.u16(adv->robustness);
    }
    const IpAddr dst = t == MrdType::Solicitation ? allRouters(f) : allSnoopers(f);
    return ipFrame(l2, src, dst, f == Family::V4 ? kProtoIgmp : kNextHeaderIcmpv6, std::move(m));
}

constexpr MacAddr kStpMac{{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}};
// IEEE 802.1D-2004 §17.13 defaults, in 1/256 s: a config BPDU from us is only a
// topology-change signal, never a bid for the root.
constexpr uint16_t kMaxAge = 20 * 256;
constexpr uint16_t kHelloTime = 2 * 256;
constexpr uint16_t kForwardDelay = 15 * 256;

// 802.3 header with the length of LLC + body, then LLC 42 42 03.
Frame bpduFrame(const MacAddr& src, const std::vector<uint8_t>& body) {
    Frame f;
    Writer w(f);
    w.mac(kStpMac);
    w.mac(src);
    w.u16(static_cast<uint16_t>(3 + body.size()));
    w.u8(0x42);   // DSAP
    w.u8(0x42);   // SSAP
    w.u8(0x03);   // UI
    w.bytes(body);
    return f;
}

}  // namespace

Frame buildMrdSolicitation(const L2& l2, const IpAddr& src) {
    return mrdFrame(l2, src, MrdType::Solicitation, nullptr);
}

Frame buildMrdAdvertisement(const L2& l2, const IpAddr& src, const MrdAdvertisement& adv) {
    return mrdFrame(l2, src, MrdType::Advertisement, &adv);
}

Frame buildMrdTermination(const L2& l2, const IpAddr& src) {
    return mrdFrame(l2, src, MrdType::Termination, nullptr);
}

// RFC 7761 §4.9.2. Hellos carry no Router Alert (routers do not send one).
Frame buildPimHello(const L2& l2, const IpAddr& src, uint16_t holdtimeSec) {
    std::vector<uint8_t> m;
    Writer w(m);
    w.u8(0x20);   // version 2, type 0 Hello
    w.u8(0);      // reserved
    w.u16(0);     // checksum
    w.u16(1);     // option: Holdtime
    w.u16(2);
    w.u16(holdtimeSec);
    return ipFrame(l2, src, allPimRouters(src.family()), kProtoPim, std::move(m), false);
}

Frame buildTcnBpdu(const MacAddr& src) { return bpduFrame(src, {0x00, 0x00, 0x00, 0x80}); }

// Config BPDU, or an RST BPDU when b.kind is Rst (TCN when Tcn).
Frame buildConfigBpdu(const MacAddr& src, const Bpdu& b) {
    if (b.kind == BpduKind::Tcn) return buildTcnBpdu(src);
    const bool rst = b.kind == BpduKind::Rst;
    std::vector<uint8_t> body;
    Writer w(body);
    w.u16(0);                  // protocol identifier
    w.u8(rst ? 2 : 0);         // protocol version
    w.u8(rst ? 0x02 : 0x00);   // BPDU type
    w.u8(static_cast<uint8_t>((b.topologyChange ? 0x01 : 0) | (b.topologyChangeAck ? 0x80 : 0)));
    w.u64(b.rootId);
    w.u32(b.rootPathCost);
    w.u64(b.bridgeId);
    w.u16(b.portId);
    w.u16(0);   // message age
    w.u16(kMaxAge);
    w.u16(kHelloTime);
    w.u16(kForwardDelay);
    if (rst) w.u8(0);   // version 1 length
    return bpduFrame(src, body);
}

}  // namespace mcs::wire
