// PIMv2 Hello (RFC 7761 §4.9.2): all a snooper needs is "a router is here" and
// how long to believe it.
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

constexpr uint8_t kPimVersion = 2;
constexpr uint8_t kHelloType = 0;
constexpr uint16_t kOptHoldtime = 1;

}  // namespace

MsgResult decodePim(const IpInfo& ip, Bytes msg) {
    if (msg.size() < 4) return drop(DropReason::TruncatedPim);
    // RFC 7761 §4.9: unknown version or type MUST be discarded.
    if (msg[0] >> 4 != kPimVersion) return drop(DropReason::BadPimVersion);
    if ((msg[0] & 0x0f) != kHelloType) return drop(DropReason::NotPimHello);
    // IPv4: plain checksum; IPv6: with the pseudo-header, next header 103.
    uint16_t sum =
        ip.src.isV4() ? inetChecksum(msg) : ipv6UpperChecksum(ip.src, ip.dst, kProtoPim, msg);
    if (sum != 0) return drop(DropReason::BadPimChecksum);
    if (ip.dst != allPimRouters(ip.dst.family())) return drop(DropReason::BadPimDestination);

    PimHello hello;
    Reader r(msg.subspan(4));
    while (r.remaining() > 0) {
        uint16_t type = r.u16();
        uint16_t len = r.u16();
        auto value = r.take(len);
        if (!r.ok()) return drop(DropReason::BadPimOption);
        if (type != kOptHoldtime) continue;   // §4.9.2: unknown options MUST be ignored
        if (len != 2) return drop(DropReason::BadPimOption);
        if (!hello.holdtimePresent) {
            hello.holdtimeSec = static_cast<uint16_t>((value[0] << 8) | value[1]);
            hello.holdtimePresent = true;
        }
    }
    return Message{hello};
}

}  // namespace mcs::wire::detail
