#include "agent/core/host_table.h"

#include <algorithm>

namespace mcs::core {

using wire::RecordType;

HostTable::Outcome HostTable::apply(const IpAddr& host, const RecordIn& r, TimePoint expiry,
                                    uint32_t maxHosts, uint32_t maxSources) {
    auto it = std::lower_bound(hosts_.begin(), hosts_.end(), host,
                               [](const HostFilter& h, const IpAddr& a) { return h.addr < a; });
    const bool known = it != hosts_.end() && it->addr == host;
    HostFilter h = known ? *it : HostFilter{host, expiry, FilterMode::Include, {}};
    h.expiry = expiry;
    switch (r.type) {   // the host's new filter after this record
    case RecordType::IsInclude:
    case RecordType::ToInclude:
        h.mode = FilterMode::Include;
        h.sources = r.sources;
        break;
    case RecordType::IsExclude:
    case RecordType::ToExclude:
        h.mode = FilterMode::Exclude;
        h.sources = r.sources;
        break;
    case RecordType::AllowNewSources:
        h.sources = h.mode == FilterMode::Include ? unite(h.sources, r.sources) : minus(h.sources, r.sources);
        break;
    case RecordType::BlockOldSources:
        h.sources = h.mode == FilterMode::Include ? minus(h.sources, r.sources) : unite(h.sources, r.sources);
        break;
    }
    if (h.sources.size() > maxSources) {
        if (h.mode == FilterMode::Include) h.sources.clear();
        h.mode = FilterMode::Exclude;
        h.sources.resize(std::min<size_t>(h.sources.size(), maxSources));
    }
    if (h.mode == FilterMode::Include && h.sources.empty()) {
        if (known) hosts_.erase(it);
        return Outcome::Removed;
    }
    if (known) {
        *it = std::move(h);
        return Outcome::Tracked;
    }
    if (hosts_.size() >= maxHosts) {
        markUntracked(expiry);
        return Outcome::LimitHit;
    }
    hosts_.insert(it, std::move(h));
    return Outcome::Tracked;
}

void HostTable::markUntracked(TimePoint until) { untrackedUntil_ = std::max(untrackedUntil_, until); }

void HostTable::merged(FilterMode& mode, AddrList& forward, AddrList& blocked) const {
    mode = FilterMode::Include;
    forward.clear();
    blocked.clear();
    bool firstExclude = true;
    for (const auto& h : hosts_) {
        if (h.mode == FilterMode::Include) {
            forward = unite(forward, h.sources);
        } else {
            blocked = firstExclude ? h.sources : intersect(blocked, h.sources);
            firstExclude = false;
            mode = FilterMode::Exclude;
        }
    }
    if (mode == FilterMode::Exclude) blocked = minus(blocked, forward);
}

bool HostTable::expire(TimePoint now) {
    const size_t before = hosts_.size();
    std::erase_if(hosts_, [&](const HostFilter& h) { return h.expiry <= now; });
    if (untrackedUntil_ != kStopped && untrackedUntil_ <= now) untrackedUntil_ = kStopped;
    return hosts_.size() != before;
}

TimePoint HostTable::nextDeadline() const {
    TimePoint t = kNever;
    for (const auto& h : hosts_) t = std::min(t, h.expiry);
    if (untrackedUntil_ != kStopped) t = std::min(t, untrackedUntil_);
    return t;
}

void HostTable::clear() {
    hosts_.clear();
    untrackedUntil_ = kStopped;
}

}  // namespace mcs::core
