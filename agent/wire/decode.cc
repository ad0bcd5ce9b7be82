// IP-layer entry point: dispatch on the version nibble.
#include "agent/wire/layers.h"

namespace mcs::wire {

using detail::drop;

Result<Decoded, DropReason> decodeIp(std::span<const uint8_t> ipPacket, const DecodeOptions& opt) {
    if (ipPacket.empty()) return drop(DropReason::TruncatedIpv4);
    switch (ipPacket[0] >> 4) {
        case 4:
            return detail::decodeIpv4(ipPacket, opt);
        case 6:
            return detail::decodeIpv6(ipPacket, opt);
        default:
            return drop(DropReason::BadIpv4Version);   // neither 4 nor 6
    }
}

}  // namespace mcs::wire
