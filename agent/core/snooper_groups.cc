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
        std::min<int64_t>(cfg.limits.hostsPerGroupPort, static_cast<int64_t>(m.hostCount()) + left));
}

uint32_t Snooper::Impl::findGroup(const IpAddr& a) const {
    return groups.find(a, [this](uint32_t h) -> const IpAddr& { return grp(h).addr; });
}

uint32_t Snooper::Impl::findMember(uint32_t g, IfIndex port) const {
    if (g == kNil) return kNil;
    for (uint32_t m = grp(g).firstMember; m != kNil; m = mem(m).nextInGroup) {
        if (mem(m).port == port) return m;
        if (port < mem(m).port) break;
    }
    return kNil;
}

// A record is about to create learned state for (group, p). Hard limits refuse;
// Cisco max-groups refuses (deny) or makes room (replace: oldest-joined first).
Cause Snooper::Impl::admit(Port& p, const IpAddr& group, bool newGroup, TimePoint now) {
    const Limits& lim = cfg.limits;
    const size_t onPort = p.learnedCount;
    if (newGroup && groups.size() >= lim.groupsPerVlan) return Cause::GroupLimitVlan;
    if (onPort >= lim.groupsPerPort) return Cause::GroupLimitPort;
    const MaxGroups& portMax = p.policy.maxGroups;
    const bool portFull = portMax.limit && onPort >= portMax.limit;
    if (portFull && portMax.action == MaxGroupsAction::Deny) return Cause::MaxGroupsPort;
    const MaxGroups& vlanMax = cfg.vlan.maxGroupsVlan;
    const bool vlanFull = newGroup && vlanMax.limit && groups.size() >= vlanMax.limit;
    if (vlanFull && vlanMax.action == MaxGroupsAction::Deny) return Cause::MaxGroupsVlan;
    if (portFull) {
        while (p.learnedCount >= portMax.limit)
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
    if (p.oldestLearned == kNil) return false;
    const uint32_t victim = p.oldestLearned;
    const Tally before = tally(mem(victim));
    mem(victim).learned.clear();
    count(&p, Stat::Evictions);
    settle(victim, before, LeaveReason::Evicted, now);
    return true;
}

bool Snooper::Impl::evictOldestInVlan(TimePoint now) {
    // Oldest group that has learned state (static-only groups cannot be evicted).
    std::vector<IfIndex> learnedPorts;
    uint32_t victim = kNil;
    for (uint32_t g = oldestGroup; g != kNil && victim == kNil; g = grp(g).newer) {
        forEachMember(g, [&](uint32_t, const Membership& m) {
            if (!m.learned.empty()) learnedPorts.push_back(m.port);
        });
        if (!learnedPorts.empty()) victim = g;
    }
    if (victim == kNil) return false;
    const IpAddr addr = grp(victim).addr;
    count(nullptr, Stat::Evictions);
    for (IfIndex pid : learnedPorts) {
        const uint32_t mh = findMember(findGroup(addr), pid);
        if (mh == kNil) continue;
        const Tally before = tally(mem(mh));
        mem(mh).learned.clear();
        settle(mh, before, LeaveReason::Evicted, now);
    }
    return true;
}

uint32_t Snooper::Impl::getGroup(const IpAddr& group) {
    if (const uint32_t g = findGroup(group); g != kNil) return g;
    const uint32_t g = groupPool.make(group);
    groups.insert(g, group, [this](uint32_t h) -> const IpAddr& { return grp(h).addr; });
    grp(g).older = newestGroup;
    if (newestGroup != kNil) grp(newestGroup).newer = g;
    newestGroup = g;
    if (oldestGroup == kNil) oldestGroup = g;
    return g;
}

uint32_t Snooper::Impl::getMembership(uint32_t g, IfIndex port, Family f) {
    // Kept sorted by port: outputs list ports in order.
    uint32_t* link = &grp(g).firstMember;
    while (*link != kNil && mem(*link).port < port) link = &mem(*link).nextInGroup;
    if (*link != kNil && mem(*link).port == port) return *link;
    const uint32_t m = members.make(g, port, f);   // chunks never move: `link` stays valid
    mem(m).nextInGroup = *link;
    *link = m;
    return m;
}

PortFilter Snooper::Impl::effectiveFilter(const Membership& m) const {
    PortFilter pf{m.port, FilterMode::Include, {}};
    if (m.staticStarG) {
        pf.mode = FilterMode::Exclude;   // static (*,G): every source
        return pf;
    }
    const AddrList learned = m.learned.filterSources();
    const AddrList& fixed = m.staticSources();
    if (m.learned.mode() == FilterMode::Exclude) {
        pf.mode = FilterMode::Exclude;
        pf.sources = fixed.empty() ? learned : minus(learned, fixed);
    } else {
        pf.sources = fixed.empty() ? learned : unite(learned, fixed);
    }
    return pf;
}

Tally Snooper::Impl::tally(const Membership& m) const {
    return Tally{m.exists(), !m.learned.empty(), m.learned.sources().size(), m.hostCount(), effectiveFilter(m)};
}

void Snooper::Impl::markDirty(Group& g) {
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
    dirty.push_back(g.addr);
}

void Snooper::Impl::unlinkLearned(Port& p, uint32_t mh) {
    Membership& m = mem(mh);
    (m.olderOnPort != kNil ? mem(m.olderOnPort).newerOnPort : p.oldestLearned) = m.newerOnPort;
    (m.newerOnPort != kNil ? mem(m.newerOnPort).olderOnPort : p.newestLearned) = m.olderOnPort;
    m.olderOnPort = m.newerOnPort = kNil;
    --p.learnedCount;
}

// Unlinks a membership from its group (and the group from the VLAN when it was the
// last one) and frees the records.
void Snooper::Impl::dropMembership(uint32_t mh) {
    const uint32_t g = mem(mh).group;
    deadlines.erase(mh);
    uint32_t* link = &grp(g).firstMember;
    while (*link != mh) link = &mem(*link).nextInGroup;
    *link = mem(mh).nextInGroup;
    members.drop(mh);
    Group& gr = grp(g);
    if (gr.firstMember != kNil) return;
    markDirty(gr);
    (gr.older != kNil ? grp(gr.older).newer : oldestGroup) = gr.newer;
    (gr.newer != kNil ? grp(gr.newer).older : newestGroup) = gr.older;
    groups.erase(gr.addr, [this](uint32_t h) -> const IpAddr& { return grp(h).addr; });
    groupPool.drop(g);
}

void Snooper::Impl::settle(uint32_t mh, const Tally& before, LeaveReason reason, TimePoint now) {
    Membership& m = mem(mh);
    Group& g = grp(m.group);
    const IfIndex pid = m.port;
    Port* p = port(pid);
    if (m.learned.empty() && m.hostCount()) m.extra->hosts.clear();
    totalSources += static_cast<int64_t>(m.learned.sources().size()) - static_cast<int64_t>(before.sources);
    totalHosts += static_cast<int64_t>(m.hostCount()) - static_cast<int64_t>(before.hosts);

    const bool learnedNow = !m.learned.empty();
    if (learnedNow && !before.learned) {
        m.joinedAt = now;
        if (p) {
            m.olderOnPort = p->newestLearned;
            (p->newestLearned != kNil ? mem(p->newestLearned).newerOnPort : p->oldestLearned) = mh;
            p->newestLearned = mh;
            ++p->learnedCount;
        }
        count(p, Stat::Joins);
    } else if (!learnedNow && before.learned) {
        if (p) unlinkLearned(*p, mh);
        m.learned.clear();   // drops compatibility timers of an empty record too
        if (reason == LeaveReason::Expired) {
            count(p, Stat::Expired);
        } else {
            count(p, Stat::Leaves);
            if (reason == LeaveReason::FastLeave) count(p, Stat::FastLeaves);
        }
    }

    const bool existsNow = m.exists();
    const PortFilter after = effectiveFilter(m);
    if (existsNow != before.existed || after.mode != before.filter.mode || after.sources != before.filter.sources)
        markDirty(g);
    if (existsNow && !before.existed)
        events.push_back(GroupJoined{g.addr, pid, vid, learnedNow ? GroupOrigin::Learned : GroupOrigin::Static});

    if (!existsNow) {
        if (before.existed) events.push_back(GroupLeft{g.addr, pid, vid, reason});
        dropMembership(mh);
        return;
    }
    if (m.extra && m.extra->hosts.idle() && m.extra->staticSources.empty()) m.extra.reset();
    deadlines.set(mh, std::min(m.learned.nextDeadline(), m.extra ? m.extra->hosts.nextDeadline() : kNever));
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

void Snooper::Impl::runTimers(uint32_t mh, TimePoint now) {
    Membership& m = mem(mh);
    const IpAddr& group = grp(m.group).addr;
    const Family f = group.family();
    const Tally before = tally(m);
    m.learned.expire(now);
    if (m.extra) m.extra->hosts.expire(now);
    if (ownQuerier[fi(f)])
        emitQueries(f, group, m.port, m, params(f, now, &m));
    else
        m.learned.stopQueries();   // our querier stopped: pending retransmissions die
    settle(mh, before, LeaveReason::Expired, now);
}

void Snooper::Impl::appendGroup(MdbSnapshot& out, uint32_t g, const KernelCaps& caps) const {
    std::vector<PortFilter> filters;
    forEachMember(g, [&](uint32_t, const Membership& m) {
        PortFilter pf = effectiveFilter(m);
        if (pf.mode == FilterMode::Include && pf.sources.empty()) return;
        filters.push_back(std::move(pf));
    });
    appendKernelForm(out, vid, grp(g).addr, filters, caps);
}

GroupInfo Snooper::Impl::groupInfo(uint32_t g) const {
    GroupInfo gi{grp(g).addr, {}};
    forEachMember(g, [&](uint32_t, const Membership& m) {
        GroupPortInfo pi;
        pi.port = m.port;
        const Port* p = port(m.port);
        pi.portName = p ? p->name : std::string();
        const bool learned = !m.learned.empty();
        pi.origin = learned && m.hasStatic() ? GroupOrigin::LearnedAndStatic
                    : learned                ? GroupOrigin::Learned
                                             : GroupOrigin::Static;
        const PortFilter pf = effectiveFilter(m);
        pi.mode = pf.mode;
        if (learned && m.learned.mode() == FilterMode::Exclude) pi.groupTimer = m.learned.groupTimer();
        for (const auto& s : m.learned.sources())
            pi.sources.push_back({s.addr, s.timer == kStopped ? std::nullopt : std::optional(s.timer), false});
        for (const auto& s : m.staticSources()) {
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
        pi.trackedHosts = static_cast<uint32_t>(m.hostCount());
        pi.joinedAt = m.joinedAt;
        gi.ports.push_back(std::move(pi));
    });
    return gi;
}

std::vector<uint32_t> Snooper::Impl::groupsByAddress() const {
    std::vector<uint32_t> out;
    out.reserve(groups.size());
    groups.forEach([&](uint32_t h) { out.push_back(h); });
    std::sort(out.begin(), out.end(), [this](uint32_t a, uint32_t b) { return grp(a).addr < grp(b).addr; });
    return out;
}

}  // namespace mcs::core
