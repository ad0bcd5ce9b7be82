// Effective protocol values of one family: the configured ones, overridden by
// what the elected (other) querier announces (rfc-conformance.md §4.1: "Non-queriers
// adopt QRV (if != 0) and QQI (if != 0) from the most recent Query ... use the
// received General Query's Max Resp as QRI when computing GMI").
#pragma once

#include <algorithm>
#include <optional>

#include "agent/core/config.h"
#include "agent/core/group_state.h"
#include "agent/core/snooper_types.h"

namespace mcs::core {

inline EffectiveTimers effectiveTimers(const ProtocolTimers& cfg, const std::optional<QuerierInfo>& q,
                                       bool ownQuerier) {
    EffectiveTimers t{};
    t.robustness = std::max<uint8_t>(cfg.robustness, 1);
    t.queryInterval = cfg.queryInterval;
    t.queryResponseInterval = cfg.queryResponseInterval;
    t.adoptedFromQuerier = false;
    if (q && !ownQuerier) {
        if (q->qrv) t.robustness = q->qrv;
        if (q->qqiSec) t.queryInterval = seconds(q->qqiSec);
        if (q->maxRespMs) t.queryResponseInterval = milliseconds(q->maxRespMs);
        t.adoptedFromQuerier = true;
    }
    const Duration rvqi = t.queryInterval * t.robustness;
    // GMI = RV*QI + QRI: the RFC 2236/3376/2710/3810 formula the Linux bridge uses
    // (260 s); RFC 9776 §8.4 adds a second QRI (rfc-conformance.md §0.2 (1)).
    t.membershipInterval = cfg.membershipInterval.value_or(rvqi + t.queryResponseInterval);
    t.otherQuerierPresent = rvqi + t.queryResponseInterval / 2;   // RFC 9776 §8.5
    t.olderHostPresent = rvqi + t.queryResponseInterval;          // RFC 9776 §8.13
    t.lastMemberQueryInterval = cfg.lastMemberQueryInterval;
    t.lastMemberQueryCount = cfg.lastMemberQueryCount ? cfg.lastMemberQueryCount : t.robustness;
    t.lastMemberQueryTime = t.lastMemberQueryInterval * t.lastMemberQueryCount;
    return t;
}

inline StateParams stateParams(const EffectiveTimers& t, TimePoint now, uint32_t maxSources) {
    return StateParams{now, t.membershipInterval, t.olderHostPresent, t.lastMemberQueryInterval,
                       t.lastMemberQueryCount, maxSources};
}

}  // namespace mcs::core
