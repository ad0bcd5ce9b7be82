#include "querier/timing.h"

#include <algorithm>

#include "agent/wire/decode.h"

namespace mcs::querier {

Duration Timing::groupMembershipInterval() const {
    return queryInterval * robustness + 2 * queryResponseInterval;
}

Duration Timing::olderHostPresentInterval() const {
    return queryInterval * robustness + queryResponseInterval;
}

Duration Timing::lastMemberQueryTime() const {
    return lastMemberQueryInterval * lastMemberQueryCount;
}

Timing resolveTiming(const QuerierConfig& c, const Adopted& a) {
    Timing t;
    t.robustness = a.qrv ? *a.qrv : c.robustness;
    t.queryInterval = a.queryInterval.value_or(c.queryInterval);
    t.queryResponseInterval = a.queryResponseInterval.value_or(c.queryResponseInterval);
    t.lastMemberQueryInterval = c.lastMemberQueryInterval;
    t.lastMemberQueryCount = c.lastMemberQueryCount.value_or(t.robustness);   // §8.9
    t.startupQueryInterval = c.startupQueryInterval.value_or(t.queryInterval / 4);   // §8.6
    t.startupQueryCount = c.startupQueryCount.value_or(t.robustness);   // §8.7
    // §8.5: RV*QI + QRI/2 (MUST).
    t.otherQuerierPresentInterval = c.otherQuerierPresentInterval.value_or(
        t.queryInterval * t.robustness + t.queryResponseInterval / 2);
    t.olderVersionQuerierPresentInterval = c.olderVersionQuerierPresentInterval.value_or(
        t.olderHostPresentInterval());
    return t;
}

Duration maxResponseLimit(wire::ProtoVersion v) {
    switch (v) {
        case wire::ProtoVersion::IgmpV1: return seconds(10);
        case wire::ProtoVersion::IgmpV2: return milliseconds(25500);
        case wire::ProtoVersion::IgmpV3: return milliseconds(uint64_t{wire::decodeCode8(0xff)} * 100);
        case wire::ProtoVersion::MldV1: return milliseconds(0xffff);
        case wire::ProtoVersion::MldV2: return milliseconds(wire::decodeCode16(0xffff));
    }
    return seconds(10);
}

uint32_t advertisedMaxRespMs(wire::ProtoVersion v, Duration wanted) {
    const auto limit = static_cast<uint64_t>(maxResponseLimit(v).count());
    const uint64_t ms = std::min(static_cast<uint64_t>(std::max<int64_t>(wanted.count(), 0)), limit);
    switch (v) {
        case wire::ProtoVersion::IgmpV1: return 10000;   // RFC 9776 §7.2.1: code 0 means 10 s
        case wire::ProtoVersion::IgmpV2: {
            const auto tenths = static_cast<uint32_t>(std::max<uint64_t>(ms / 100, 1));
            return tenths * 100;
        }
        case wire::ProtoVersion::IgmpV3: {
            const auto tenths = static_cast<uint32_t>(std::max<uint64_t>(ms / 100, 1));
            return wire::decodeCode8(wire::encodeCode8(tenths)) * 100;
        }
        case wire::ProtoVersion::MldV1: return static_cast<uint32_t>(std::max<uint64_t>(ms, 1));
        case wire::ProtoVersion::MldV2: {
            const auto v16 = static_cast<uint32_t>(std::max<uint64_t>(ms, 1));
            return wire::decodeCode16(wire::encodeCode16(v16));
        }
    }
    return 10000;
}

uint32_t advertisedQqiSec(Duration queryInterval) {
    const auto s = std::chrono::duration_cast<seconds>(queryInterval).count();
    const auto clamped = static_cast<uint32_t>(std::clamp<int64_t>(s, 1, kMaxQqiSec));
    return wire::decodeCode8(wire::encodeCode8(clamped));
}

}  // namespace mcs::querier
