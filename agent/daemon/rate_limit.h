// Per-port limit on the membership reports and leaves the agent processes (issue
// #10: a report storm on one port must not starve the others or the daemon).
//
// A token bucket per port, refilled at `rate` tokens per second up to `rate` tokens
// (one second's worth of burst: a host answering a general query for many groups
// with IGMPv2/MLDv1 reports sends them in one Max Resp time). Every report or leave
// takes a token; without one it is dropped and counted. The same idea as the
// control-plane policers of switch ASICs (SONiC CoPP 600/6000 pps, Cumulus
// 300 pps burst 100; peers.md §5) and Cisco's `ip igmp snooping rate <pps>`, here
// per port so one port's storm does not eat the budget of the others.
//
// Pure: the caller passes `now`; no clock is read here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "agent/base/time.h"
#include "agent/base/types.h"

namespace mcs::daemon {

class TokenBucket {
public:
    // rate 0 = unlimited (always admits). The bucket starts full.
    bool admit(uint32_t rate, TimePoint now);

private:
    // Tokens in millionths (micro-tokens), so that rates up to 10^6/s refill
    // exactly with microsecond clock steps.
    int64_t microTokens_ = -1;   // -1: not started (full on first use)
    uint32_t rate_ = 0;
    TimePoint last_{};
};

// Buckets and drop counters of every port of one bridge.
class ReportRateLimiter {
public:
    // Interval between two warnings of one port (each carries the drops since the
    // previous one); the first drop of a quiet port warns at once.
    static constexpr Duration kWarnInterval = seconds(10);

    struct Verdict {
        bool admit = true;
        // Set when the caller should log a warning now: drops since the last one.
        std::optional<uint64_t> warnDrops;
    };
    Verdict admit(IfIndex port, uint32_t rate, TimePoint now);
    void portRemoved(IfIndex port);

    uint64_t dropped(IfIndex port) const;
    uint64_t droppedTotal() const { return total_; }

private:
    struct Port {
        TokenBucket bucket;
        uint64_t dropped = 0;
        uint64_t unwarned = 0;          // drops not in a warning yet
        std::optional<TimePoint> lastWarn;
    };
    std::map<IfIndex, Port> ports_;
    uint64_t total_ = 0;   // survives port removal
};

}  // namespace mcs::daemon
