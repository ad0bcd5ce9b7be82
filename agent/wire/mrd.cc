// Multicast Router Discovery (RFC 4286), identical over IGMP and ICMPv6.
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {

MsgResult decodeMrd(const IpInfo& ip, MrdType type, Bytes msg) {
    // §3 / §4 / §5: advertisements and terminations go to All-Snoopers, solicitations
    // to All-Routers; anything else is silently discarded (rfc-conformance.md C14).
    const Family f = ip.dst.family();
    IpAddr expected = type == MrdType::Solicitation ? allRouters(f) : allSnoopers(f);
    if (ip.dst != expected) return drop(DropReason::BadMrdDestination);
    if (f == Family::V6 && !ip.src.isLinkLocalUnicastV6()) return drop(DropReason::BadMrdSource);

    if (type == MrdType::Solicitation) return Message{MrdSolicitation{}};
    if (type == MrdType::Termination) return Message{MrdTermination{}};
    Reader r(msg);
    r.skip(1);
    MrdAdvertisement adv;
    adv.advIntervalSec = r.u8();
    r.skip(2);   // checksum
    adv.queryIntervalSec = r.u16();
    adv.robustness = r.u16();
    if (!r.ok()) return drop(DropReason::TruncatedMrd);
    return Message{adv};
}

}  // namespace mcs::wire::detail
