// Membership lifecycle of a Snooper: admission (limits, max-groups), settling
// after mutations (events, join order, totals, deadlines, MDB cache), timers.
#include <algorithm>

#include "agent/core/snooper_impl.h"

namespace mcs::core {

StateParams Snooper::Impl::params(Family f, TimePoint now, const Membership* m) const {
    // The per-group cap shrinks to what is left of the VLAN-wide source budget.
    const int64_t own = m ? static_cast<int64_t>(m->learned.sources().size()) : 0;
    const int64_t left = std::max<int64_t>(0, static_cast<int64_t>(cfg.limits.sourcesPerVlan) - totalSources);
    const auto cap = static_cast<uint32_t>(std::min<int64_t>(cfg.limits.sourcesPerGroup, own + left));
    return stateParams(timers[fi(f)], now, cap);
}

uint32_t Snooper::Impl::hostBudget(const Membership& m) const {
    const int64_t left = std::max<int64_t>(0, static_cast<int64_t>(cfg.limits.hostsPerVlan) - totalHosts);
    return static_cast<uint32_t>(
        std::min<int64_t>(cfg.limits.hostsPerGroupPort, static_cast<int64_t>(m.hosts.size()) + left));
}

// A record is about to create learned state for (group, p). Hard limits refuse;
// Cisco max-groups refuses (deny) or makes room (replace: oldest-joined first).
Cause Snooper::Impl::admit(Port& p, const IpAddr& group, bool newGroup, TimePoint now) {
    const Limits& lim = cfg.limits;
    const size_t onPort = p.learnedOrder.size();
    if (newGroup && groups.size() >= lim.groupsPerVlan) return Cause::GroupLimitVlan;
    if (onPort >= lim.groupsPerPort) return Cause::GroupLimitPort;
    const MaxGroups& portMax = p.policy.maxGroups;
    const bool portFull = portMax.limit && onPort >= portMax.limit;
    if (portFull && portMax.action == MaxGroupsAction::Deny) return Cause::MaxGroupsPort;
    const MaxGroups& vlanMax = cfg.vlan.maxGroupsVlan;
    const bool vlanFull = newGroup && vlanMax.limit && groups.size() >= vlanMax.limit;
    if (vlanFull && vlanMax.action == MaxGroupsAction::Deny) return Cause::MaxGroupsVlan;
    if (portFull) {
        while (p.learnedOrder.size() >= portMax.limit)
            if (!evictOldestOnPort(p, now)) return Cause::MaxGroupsPort;
    }
    if (vlanFull) {
        while (groups.size() >= vlanMax.limit)
            if (!evictOldestInVlan(now)) return Cause::MaxGroupsVlan;
    }
    (void)group;
    return Cause::None;
}

bool Snooper::Impl::evictOldestOnPort(Port& p, TimePoint now) {
    if (p.learnedOrder.empty()) return false;
    const IpAddr victim = p.learnedOrder.begin()->second;
    auto g = groups.find(victim);
    auto m = g->second.ports.find(p.id);
    const Tally before = tally(m->second, p.id);
    m->second.learned.clear();
    count(&p, Stat::Evictions);
    settle(g, m, before, LeaveReason::Evicted, now);
    return true;
}

bool Snooper::Impl::evictOldestInVlan(TimePoint now) {
    // Oldest group that has learned state (static-only groups cannot be evicted).
    std::optional<IpAddr> victim;
    std::vector<IfIndex> learnedPorts;
    for (const auto& entry : groupOrder) {
        const Group& g = groups.find(entry.second)->second;
        for (const auto& [pid, m] : g.ports)
            if (!m.learned.empty()) learnedPorts.push_back(pid);
        if (!learnedPorts.empty()) {
            victim = entry.second;
            break;
        }
    }
    if (!victim) return false;
    count(nullptr, Stat::Evictions);
    for (IfIndex pid : learnedPorts) {
        auto g = groups.find(*victim);
        if (g == groups.end()) break;
        auto m = g->second.ports.find(pid);
        const Tally before = tally(m->second, pid);
        m->second.learned.clear();
        settle(g, m, before, LeaveReason::Evicted, now);
    }
    return true;
}

GroupIt Snooper::Impl::getGroup(const IpAddr& group) {
    auto [it, inserted] = groups.try_emplace(group);
    if (inserted) {
        it->second.seq = ++seq;
        groupOrder.emplace(it->second.seq, group);
    }
    return it;
}

MemberIt Snooper::Impl::getMembership(GroupIt g, IfIndex port, Family f) {
    return g->second.ports.try_emplace(port, f).first;
}

PortFilter Snooper::Impl::effectiveFilter(const Membership& m, IfIndex port) const {
    PortFilter pf{port, FilterMode::Include, {}};
    if (m.staticStarG) {
        pf.mode = FilterMode::Exclude;   // static (*,G): every source
        return pf;
    }
    const AddrList learned = m.learned.filterSources();
    if (m.learned.mode() == FilterMode::Exclude) {
        pf.mode = FilterMode::Exclude;
        pf.sources = m.staticSources.empty() ? learned : minus(learned, m.staticSources);
    } else {
        pf.sources = m.staticSources.empty() ? learned : unite(learned, m.staticSources);
    }
    return pf;
}

Tally Snooper::Impl::tally(const Membership& m, IfIndex port) const {
    return Tally{m.exists(), !m.learned.empty(), m.learned.sources().size(), m.hosts.size(),
                 effectiveFilter(m, port)};
}

void Snooper::Impl::markDirty(const IpAddr& group, Group& g) {
    ++mdbGen;
    if (g.dirty || changedAll) return;
    g.dirty = true;
    // A group erased and created again before the next take is queued again: bound
    // the list by the number of groups, past which "everything" is as cheap.
    if (dirty.size() >= std::max<size_t>(groups.size(), 64)) {
        changedAll = true;
        dirty.clear();
        return;
    }
    dirty.push_back(group);
}

void Snooper::Impl::settle(GroupIt g, MemberIt mi, const Tally& before, LeaveReason reason, TimePoint now) {
    const IpAddr& group = g->first;
    Membership& m = mi->second;
    const IfIndex pid = mi->first;
    Port* p = port(pid);
    if (m.learned.empty() && !m.hosts.empty()) m.hosts.clear();
    totalSources += static_cast<int64_t>(m.learned.sources().size()) - static_cast<int64_t>(before.sources);
    totalHosts += static_cast<int64_t>(m.hosts.size()) - static_cast<int64_t>(before.hosts);

    const bool learnedNow = !m.learned.empty();
    if (learnedNow && !before.learned) {
        m.joinSeq = ++seq;
        m.joinedAt = now;
        if (p) p->learnedOrder.emplace(m.joinSeq, group);
        count(p, Stat::Joins);
    } else if (!learnedNow && before.learned) {
        if (p) p->learnedOrder.erase({m.joinSeq, group});
        m.joinSeq = 0;
        m.learned.clear();   // drops compatibility timers of an empty record too
        if (reason == LeaveReason::Expired) {
            count(p, Stat::Expired);
        } else {
            count(p, Stat::Leaves);
            if (reason == LeaveReason::FastLeave) count(p, Stat::FastLeaves);
        }
    }

    const bool existsNow = m.exists();
    const PortFilter after = effectiveFilter(m, pid);
    if (existsNow != before.existed || after.mode != before.filter.mode || after.sources != before.filter.sources)
        markDirty(group, g->second);
    if (existsNow && !before.existed)
        events.push_back(GroupJoined{group, pid, vid, learnedNow ? GroupOrigin::Learned : GroupOrigin::Static});

    const std::pair<IpAddr, IfIndex> key{group, pid};
    if (!existsNow) {
        if (before.existed) events.push_back(GroupLeft{group, pid, vid, reason});
        if (m.indexed != kNever) deadlines.erase({m.indexed, key});
        g->second.ports.erase(mi);
        if (g->second.ports.empty()) {
            markDirty(group, g->second);
            groupOrder.erase({g->second.seq, group});
            groups.erase(g);
        }
        return;
    }
    const TimePoint next = std::min(m.learned.nextDeadline(), m.hosts.nextDeadline());
    if (next != m.indexed) {
        if (m.indexed != kNever) deadlines.erase({m.indexed, key});
        if (next != kNever) deadlines.emplace(next, key);
        m.indexed = next;
    }
}

void Snooper::Impl::emitQueries(Family f, const IpAddr& group, IfIndex pid, Membership& m,
                                const StateParams& sp) {
    for (auto& t : m.learned.transmitDue(sp)) {
        GroupQueryRequest q{f, m.learned.compat(sp.now), group, {}, t.sFlag, sp.lmqi};
        if (!t.groupQuery) q.sources = std::move(t.sources);
        outbound.push_back(Outbound{pid, std::move(q)});
        count(port(pid), Stat::GroupQueriesRequested);
    }
}

void Snooper::Impl::runTimers(GroupIt g, MemberIt mi, TimePoint now) {
    Membership& m = mi->second;
    const Family f = g->first.family();
    const Tally before = tally(m, mi->first);
    m.learned.expire(now);
    m.hosts.expire(now);
    if (ownQuerier[fi(f)])
        emitQueries(f, g->first, mi->first, m, params(f, now, &m));
    else
        m.learned.stopQueries();   // our querier stopped: pending retransmissions die
    settle(g, mi, before, LeaveReason::Expired, now);
}

void Snooper::Impl::appendGroup(MdbSnapshot& out, const IpAddr& group, const Group& g,
                                const KernelCaps& caps) const {
    std::vector<PortFilter> filters;
    filters.reserve(g.ports.size());
    for (const auto& [pid, m] : g.ports) {
        PortFilter pf = effectiveFilter(m, pid);
        if (pf.mode == FilterMode::Include && pf.sources.empty()) continue;
        filters.push_back(std::move(pf));
    }
    appendKernelForm(out, vid, group, filters, caps);
}

GroupInfo Snooper::Impl::groupInfo(const IpAddr& group, const Group& g) const {
    GroupInfo gi{group, {}};
    for (const auto& [pid, m] : g.ports) {
        GroupPortInfo pi;
        pi.port = pid;
        const Port* p = port(pid);
        pi.portName = p ? p->name : std::string();
        const bool learned = !m.learned.empty();
        pi.origin = learned && m.hasStatic() ? GroupOrigin::LearnedAndStatic
                    : learned                ? GroupOrigin::Learned
                                             : GroupOrigin::Static;
        const PortFilter pf = effectiveFilter(m, pid);
        pi.mode = pf.mode;
        if (learned && m.learned.mode() == FilterMode::Exclude) pi.groupTimer = m.learned.groupTimer();
        for (const auto& s : m.learned.sources())
            pi.sources.push_back({s.addr, s.timer == kStopped ? std::nullopt : std::optional(s.timer), false});
        for (const auto& s : m.staticSources) {
            auto it = std::find_if(pi.sources.begin(), pi.sources.end(),
                                   [&](const SourceInfo& x) { return x.addr == s; });
            if (it != pi.sources.end())
                it->isStatic = true;
            else
                pi.sources.push_back({s, std::nullopt, true});
        }
        std::sort(pi.sources.begin(), pi.sources.end(),
                  [](const SourceInfo& a, const SourceInfo& b) { return a.addr < b.addr; });
        // Compatibility mode as of the last processed event (timers settle in onTimer).
        const TimePoint v1 = m.learned.olderV1Host(), v2 = m.learned.olderV2Host();
        pi.compat = m.learned.compat(TimePoint::min() + Duration(1));
        if (v1 != kStopped) pi.olderV1HostUntil = v1;
        if (v2 != kStopped) pi.olderV2HostUntil = v2;
        pi.trackedHosts = static_cast<uint32_t>(m.hosts.size());
        pi.joinedAt = m.joinedAt;
        gi.ports.push_back(std::move(pi));
    }
    return gi;
}

}  // namespace mcs::core
