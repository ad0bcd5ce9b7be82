// Explicit host tracking for immediate leave: per (group, port), the filter each
// reporting host asked for (host-side view, RFC 9776 §3.2 / §5.1 state-change
// semantics). With every member tracked, a leave or prune can be applied at once
// from the union of the remaining hosts instead of querying, and one host leaving
// never cuts another one still joined on the same port.
#pragma once

#include <cstdint>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/time.h"
#include "agent/core/group_state.h"

namespace mcs::core {

struct HostFilter {
    IpAddr addr;
    TimePoint expiry;                      // GMI after its last record
    FilterMode mode = FilterMode::Include;
    AddrList sources;
};

class HostTable {
public:
    enum class Outcome { Tracked, Removed, LimitHit };
    // Applies record `r` (already compatibility-translated) from `host`. A host whose
    // filter becomes INCLUDE{} is removed. `maxHosts` includes the VLAN budget. A host
    // source list longer than maxSources degrades safely: INCLUDE -> EXCLUDE{},
    // EXCLUDE list truncated (those sources count as wanted).
    Outcome apply(const IpAddr& host, const RecordIn& r, TimePoint expiry, uint32_t maxHosts,
                  uint32_t maxSources);
    // A member we cannot track (unknown reporter address, host limit): until `until`,
    // immediate leave must not be used for this (group, port).
    void markUntracked(TimePoint until);
    bool allTracked(TimePoint now) const { return untrackedUntil_ <= now; }

    // Union of the hosts' filters (RFC 9776 §3.2 merge rules): any EXCLUDE host ->
    // EXCLUDE(blocked = intersection of exclude lists minus all include lists).
    void merged(FilterMode& mode, AddrList& forward, AddrList& blocked) const;

    bool expire(TimePoint now);
    TimePoint nextDeadline() const;
    size_t size() const { return hosts_.size(); }
    bool empty() const { return hosts_.empty(); }
    // Nothing tracked and no untracked member pending: the table can be let go.
    bool idle() const { return hosts_.empty() && untrackedUntil_ == kStopped; }
    void clear();
    const std::vector<HostFilter>& hosts() const { return hosts_; }

private:
    std::vector<HostFilter> hosts_;   // sorted by addr
    TimePoint untrackedUntil_ = kStopped;
};

}  // namespace mcs::core
