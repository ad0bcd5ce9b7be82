// Ethernet II / 802.3 framing: optional 802.1Q or 802.1ad tag, IPv4, IPv6 and
// STP BPDUs (802.3 length + LLC 42 42 03 to 01:80:c2:00:00:00).
#include <algorithm>
#include <array>

#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire {
namespace {

using namespace detail;

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86dd;
constexpr uint16_t kEtherCtag = 0x8100;
constexpr uint16_t kEtherStag = 0x88a8;
constexpr uint16_t kMax8023Length = 1500;
constexpr std::array<uint8_t, 6> kStpMac{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00};
constexpr std::array<uint8_t, 3> kStpLlc{0x42, 0x42, 0x03};   // DSAP, SSAP, UI

Result<Decoded, DropReason> decodeLlc(Reader& r, uint16_t length) {
    auto llc = r.take(kStpLlc.size());
    if (!r.ok()) return drop(DropReason::TruncatedBpdu);
    if (!std::ranges::equal(llc, kStpLlc)) return drop(DropReason::NotIp);
    if (length < kStpLlc.size()) return drop(DropReason::BadBpdu);
    // Anything beyond the 802.3 length is padding to the 60-byte minimum.
    auto body = r.take(length - kStpLlc.size());
    if (!r.ok()) return drop(DropReason::TruncatedBpdu);
    auto m = decodeBpdu(body);
    if (!m) return drop(m.error());
    Decoded d;
    d.msg = std::move(*m);
    return d;
}

}  // namespace

Result<Decoded, DropReason> decodeFrame(std::span<const uint8_t> frame, const DecodeOptions& opt) {
    Reader r(frame);
    auto dst = r.take(6), src = r.take(6);
    uint16_t type = r.u16();
    if (!r.ok()) return drop(DropReason::TruncatedEthernet);

    std::optional<VlanId> vid;
    if (type == kEtherCtag || type == kEtherStag) {
        vid = VlanId{static_cast<uint16_t>(r.u16() & 0x0fff)};
        type = r.u16();
        if (!r.ok()) return drop(DropReason::TruncatedEthernet);
    }

    Result<Decoded, DropReason> d = drop(DropReason::NotIp);
    if (type == kEtherIpv4) {
        d = decodeIpv4(r.rest(), opt);
    } else if (type == kEtherIpv6) {
        d = decodeIpv6(r.rest(), opt);
    } else if (type <= kMax8023Length && std::ranges::equal(dst, kStpMac)) {
        d = decodeLlc(r, type);
    }
    if (d) {
        d->dstMac = MacAddr::fromBytes(dst.data());
        d->srcMac = MacAddr::fromBytes(src.data());
        d->tagVid = vid;
    }
    return d;
}

}  // namespace mcs::wire
