// Effective timer values of a querier (configured, or adopted from the elected
// querier) and the derived intervals of RFC 9776 §8 / RFC 9777 §9, plus the values
// we can actually advertise in Max Resp Code / QQIC fields.
#pragma once

#include <cstdint>
#include <optional>

#include "agent/base/time.h"
#include "agent/wire/message.h"
#include "querier/config.h"

namespace mcs::querier {

// What a non-querier took from the elected querier's queries. RFC 9776 §4.1.6 / RFC 9777
// §5.1.11: adopt the most recent non-zero QRV (zero: back to the configured value);
// §4.1.7 / §5.1.12: a non-querier adopts a non-zero QQI likewise. The Max Resp of the
// elected querier's general queries is its Query Response Interval (needed for GMI).
struct Adopted {
    std::optional<uint8_t> qrv;
    std::optional<Duration> queryInterval;
    std::optional<Duration> queryResponseInterval;
    bool operator==(const Adopted&) const = default;
};

struct Timing {
    uint32_t robustness = 2;
    Duration queryInterval = seconds(125);
    Duration queryResponseInterval = seconds(10);
    Duration lastMemberQueryInterval = seconds(1);
    uint32_t lastMemberQueryCount = 2;
    Duration startupQueryInterval = milliseconds(31250);
    uint32_t startupQueryCount = 2;
    Duration otherQuerierPresentInterval = milliseconds(255000);
    Duration olderVersionQuerierPresentInterval = seconds(260);

    // RFC 9776 §8.4 / RFC 9777 §9.4 (Erratum 6725 formula): RV*QI + 2*QRI.
    Duration groupMembershipInterval() const;
    // RFC 9776 §8.13 / RFC 9777 §9.13: RV*QI + QRI.
    Duration olderHostPresentInterval() const;
    // RFC 9776 §8.10 / RFC 9777 §9.10: LMQI * LMQC.
    Duration lastMemberQueryTime() const;
    bool operator==(const Timing&) const = default;
};

// Config defaults filled in; adopted values (when given) replace RV, QI and QRI, and
// the defaults derived from them follow (LMQC = RV, SQI = QI/4, OQPI = RV*QI + QRI/2).
Timing resolveTiming(const QuerierConfig& cfg, const Adopted& adopted = {});

// Largest Max Response time a query of `v` can carry: IGMPv2 25.5 s (linear 1/10 s,
// RFC 2236 §2.2), IGMPv3 3174.4 s (RFC 9776 §4.1.1), MLDv1 65535 ms (RFC 2710 §3.4),
// MLDv2 8387584 ms (RFC 9777 §5.1.3). IGMPv1 has none (always 10 s, RFC 9776 §7.2.1).
Duration maxResponseLimit(wire::ProtoVersion v);

// The Max Response time we put in a query of `v` for `wanted`: exact if representable,
// else the next lower representable value (RFC 9776 §8.8, RFC 9777 §9.8), clamped to
// maxResponseLimit(). IGMP counts in 1/10 s, so the result is a multiple of 100 ms.
// IGMPv1: 10000 (the builder writes code 0). Never below one unit when wanted > 0.
uint32_t advertisedMaxRespMs(wire::ProtoVersion v, Duration wanted);

// The QQI we put in QQIC (seconds, RFC 9776 §4.1.7 / RFC 9777 §5.1.9): exact or next
// lower representable, at most 31744 s. This is what the kernel gets wrong above 127 s
// (kernel-bridge.md §2.8): it writes the plain integer.
uint32_t advertisedQqiSec(Duration queryInterval);

// Largest QQI a QQIC can carry.
inline constexpr uint32_t kMaxQqiSec = 31744;

}  // namespace mcs::querier
