#include "agent/core/snooper.h"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "agent/core/snooper_impl.h"

namespace mcs::core {

// ============================ Impl helpers ============================

Snooper::Impl::Impl(std::string name, IfIndex br, VlanId v, SnooperConfig c)
    : bridgeName(std::move(name)), bridge(br), vid(v), cfg(std::move(c)) {
    refreshTimers(Family::V4);
    refreshTimers(Family::V6);
}

Port* Snooper::Impl::port(IfIndex id) {
    auto it = ports.find(id);
    return it == ports.end() ? nullptr : &it->second;
}

const Port* Snooper::Impl::port(IfIndex id) const {
    auto it = ports.find(id);
    return it == ports.end() ? nullptr : &it->second;
}

void Snooper::Impl::refreshTimers(Family f) {
    timers[fi(f)] = effectiveTimers(cfg.timers(f), queriers[fi(f)], ownQuerier[fi(f)]);
}

Duration Snooper::Impl::mrouterAging(Family f) const {
    return cfg.timers(f).mrouterAging.value_or(timers[fi(f)].otherQuerierPresent);
}

// RFC 4541 §2.1.2 (2) and §3: 224.0.0.0/24 and link-scope IPv6 groups are flooded
// and never get entries -- except solicited-node groups, which the kernel snoops
// (so without entries neighbour discovery would be pruned), or, optionally, every
// link-scope group but ff02::1 (kernel behaviour, config.h).
bool Snooper::Impl::tracked(const IpAddr& g) const {
    if (!g.isLinkLocalMulticast()) return true;
    if (g.isV4()) return false;
    if (g.isSolicitedNode()) return true;
    static const IpAddr allNodes = *IpAddr::parse("ff02::1");
    const bool linkScope = (g.data()[1] & 0x0f) == 2;
    return cfg.trackAllLinkScopeV6 && linkScope && g != allNodes;
}

void Snooper::Impl::count(Port* p, RxKind k) {
    counters.add(k);
    if (p) p->counters.add(k);
}

void Snooper::Impl::count(Port* p, Cause c, uint64_t n) {
    counters.add(c, n);
    if (p) p->counters.add(c, n);
}

void Snooper::Impl::count(Port* p, Stat s, uint64_t n) {
    counters.add(s, n);
    if (p) p->counters.add(s, n);
}

void Snooper::Impl::mrouterChanged(Family f, const std::optional<MrouterChange>& c) {
    if (!c) return;
    events.push_back(MrouterPortChanged{c->port, f, c->on, c->origin});
    count(port(c->port), c->on ? Stat::MrouterLearned : Stat::MrouterLost);
    ++portsGen;
}

// Static / disabled router ports follow the port's policy (kernel mcast_router 2 / 0).
void Snooper::Impl::applyMrouterPolicy(Port& p) {
    for (Family f : kFamilies) {
        auto& t = mrouters[fi(f)];
        if (p.policy.mrouter == MrouterMode::Static) {
            mrouterChanged(f, t.learn(p.id, MrouterOrigin::Static, kNever));
        } else {
            mrouterChanged(f, t.forget(p.id, MrouterOrigin::Static));
            if (p.policy.mrouter == MrouterMode::Disabled) mrouterChanged(f, t.dropPort(p.id, false));
        }
        if (!cfg.mrouter.learnFromQueries) mrouterChanged(f, t.forget(p.id, MrouterOrigin::Query));
        if (!cfg.mrouter.learnFromPim) mrouterChanged(f, t.forget(p.id, MrouterOrigin::Pim));
        if (!cfg.mrouter.learnFromMrd) mrouterChanged(f, t.forget(p.id, MrouterOrigin::Mrd));
    }
}

// RFC 4286 §5.1 MRD solicitation and RFC 4541 §2.1.1 S-10 (a general query on a
// port STP just enabled) speed up discovery on a port that starts forwarding.
void Snooper::Impl::portStartsForwarding(Port& p) {
    ++portsGen;
    for (Family f : kFamilies) {
        if (cfg.mrouter.mrdSolicit) outbound.push_back(Outbound{p.id, MrdSolicitation{f}});
        if (ownQuerier[fi(f)]) outbound.push_back(Outbound{p.id, GeneralQueryRequest{f}});
    }
}

// Port down / STP disabled / removed: learned state of the port goes at once
// (kernel br_multicast_disable_port), statics stay unless the port is removed.
void Snooper::Impl::dropLearned(Port& p, LeaveReason why, TimePoint now) {
    // Oldest first; settle() unlinks each one, so the head moves on.
    while (p.oldestLearned != kNil) {
        const uint32_t mh = p.oldestLearned;
        const Tally before = tally(mem(mh));
        mem(mh).learned.clear();
        settle(mh, before, why, now);
    }
    for (Family f : kFamilies) mrouterChanged(f, mrouters[fi(f)].dropPort(p.id, true));
}

// Diff of configured static groups against the applied ones (only for known ports).
void Snooper::Impl::applyStatics(TimePoint now) {
    std::map<std::string_view, IfIndex> byName;
    for (const auto& [id, p] : ports) byName.emplace(p.name, id);
    std::set<StaticKey> want;
    for (const auto& s : cfg.staticGroups) {
        auto it = byName.find(s.port);
        if (it == byName.end() || !s.group.isMulticast() || !tracked(s.group)) continue;
        if (s.source && s.source->family() != s.group.family()) continue;
        want.insert(StaticKey{s.group, s.source.value_or(IpAddr::unspecified(s.group.family())), it->second});
    }
    auto change = [&](const StaticKey& k, bool add) {
        const uint32_t g = add ? getGroup(k.group) : findGroup(k.group);
        if (g == kNil) return;
        const uint32_t mh = add ? getMembership(g, k.port, k.group.family()) : findMember(g, k.port);
        if (mh == kNil) return;
        Membership& m = mem(mh);
        const Tally before = tally(m);
        if (k.source.isUnspecified()) {
            m.staticStarG = add;
        } else if (add) {
            m.more().staticSources = unite(m.staticSources(), AddrList{k.source});
        } else if (m.extra) {
            m.extra->staticSources = minus(m.extra->staticSources, AddrList{k.source});
        }
        settle(mh, before, LeaveReason::StaticRemoved, now);
    };
    for (const auto& k : statics)
        if (!want.count(k)) change(k, false);
    for (const auto& k : want)
        if (!statics.count(k)) change(k, true);
    statics = std::move(want);
}

// A port's filter changed: learned state it now denies goes (setConfig).
void Snooper::Impl::applyFilter(Port& p, TimePoint now) {
    std::vector<IpAddr> learned;
    learned.reserve(p.learnedCount);
    for (uint32_t mh = p.oldestLearned; mh != kNil; mh = mem(mh).newerOnPort) learned.push_back(grp(mem(mh).group).addr);
    for (const auto& addr : learned) {
        const GroupVerdict v = evaluate(p.policy.filter, addr);
        const uint32_t mh = findMember(findGroup(addr), p.id);
        if (mh == kNil) continue;
        const Tally before = tally(mem(mh));
        GroupPortState& st = mem(mh).learned;
        if (v.denied || (v.onlySources && st.mode() == FilterMode::Exclude)) {
            st.clear();
        } else {
            if (v.onlySources)
                for (const auto& s : st.filterSources())
                    if (!contains(*v.onlySources, s)) st.denySource(s);
            for (const auto& s : v.deniedSources) st.denySource(s);
        }
        settle(mh, before, LeaveReason::Filtered, now);
    }
}

void Snooper::Impl::endFlood(FloodEndReason why) {
    if (!flood.active) return;
    flood = FloodInfo{};
    floodQueries = {};
    events.push_back(FloodEnded{vid, why});
    ++portsGen;
}

// Cisco "tcn flood query count": the flood ends after N general queries, counted per
// family: a dual-stack querier sends an IGMP and an MLD query at the same moment (its
// topology-change queries too), which is one query round, not two.
void Snooper::Impl::generalQuerySeen(Family f) {
    if (!flood.active) return;
    auto& n = floodQueries[fi(f)];
    if (n < 255) ++n;
    flood.queriesSeen = std::max(floodQueries[0], floodQueries[1]);
    if (flood.queriesSeen >= std::max<uint8_t>(cfg.tcn.floodQueryCount, 1)) endFlood(FloodEndReason::Queries);
}

// ============================ Snooper ============================

Snooper::Snooper(std::string bridgeName, IfIndex bridge, VlanId vid, SnooperConfig cfg)
    : impl_(std::make_unique<Impl>(std::move(bridgeName), bridge, vid, std::move(cfg))) {}
Snooper::~Snooper() = default;
Snooper::Snooper(Snooper&&) noexcept = default;
Snooper& Snooper::operator=(Snooper&&) noexcept = default;

void Snooper::setConfig(SnooperConfig cfg, TimePoint now) {
    Impl& s = *impl_;
    const SnooperConfig old = std::exchange(s.cfg, std::move(cfg));
    for (Family f : kFamilies) s.refreshTimers(f);
    for (auto& [id, p] : s.ports) {
        const EffectivePolicy prev = resolvePolicy(old, p.name);   // points into `old`
        p.policy = resolvePolicy(s.cfg, p.name);
        if (!(*prev.filter == *p.policy.filter)) s.applyFilter(p, now);
        if (prev.immediateLeave != p.policy.immediateLeave) {
            std::vector<uint32_t> learned;
            learned.reserve(p.learnedCount);
            for (uint32_t mh = p.oldestLearned; mh != kNil; mh = s.mem(mh).newerOnPort) learned.push_back(mh);
            for (uint32_t mh : learned) {   // settle() keeps learned memberships (and their handles)
                Membership& m = s.mem(mh);
                const Tally before = s.tally(m);
                if (m.extra) m.extra->hosts.clear();
                // Members that joined before tracking started are unknown: immediate
                // leave waits until they would have expired.
                if (p.policy.immediateLeave)
                    m.more().hosts.markUntracked(
                        now + s.timers[fi(s.grp(m.group).addr.family())].membershipInterval);
                s.settle(mh, before, LeaveReason::Expired, now);
            }
        }
        s.applyMrouterPolicy(p);
    }
    s.applyStatics(now);
    if (!s.cfg.tcn.flood) s.endFlood(FloodEndReason::Disabled);
    ++s.portsGen;
}

const SnooperConfig& Snooper::config() const { return impl_->cfg; }

void Snooper::portAdded(IfIndex id, std::string name, TimePoint now, PortStatus status) {
    Impl& s = *impl_;
    if (s.port(id)) portRemoved(id, now);
    Port& p = s.ports.emplace(id, Port{id, std::move(name), status, {}, {}}).first->second;
    p.policy = resolvePolicy(s.cfg, p.name);
    s.applyMrouterPolicy(p);
    s.applyStatics(now);
    if (p.forwarding()) s.portStartsForwarding(p);
    ++s.portsGen;
}

void Snooper::portRemoved(IfIndex id, TimePoint now) {
    Impl& s = *impl_;
    Port* p = s.port(id);
    if (!p) return;
    s.dropLearned(*p, LeaveReason::PortRemoved, now);
    for (Family f : kFamilies) s.mrouterChanged(f, s.mrouters[fi(f)].dropPort(id, false));
    // Statics of the port go with it (kernel br_multicast_del_port deletes permanent
    // entries too); applyStatics() only knows ports that still exist.
    std::vector<StaticKey> gone;
    for (const auto& k : s.statics)
        if (k.port == id) gone.push_back(k);
    for (const auto& k : gone) {
        const uint32_t mh = s.findMember(s.findGroup(k.group), id);
        if (mh == kNil) continue;
        Membership& m = s.mem(mh);
        const Tally before = s.tally(m);
        m.staticStarG = false;
        if (m.extra) m.extra->staticSources.clear();
        s.settle(mh, before, LeaveReason::PortRemoved, now);
        s.statics.erase(k);
    }
    s.ports.erase(id);
    ++s.portsGen;
}

void Snooper::portUp(IfIndex id, TimePoint now) {
    (void)now;
    Port* p = impl_->port(id);
    if (!p || p->status.up) return;
    p->status.up = true;
    if (p->forwarding()) impl_->portStartsForwarding(*p);
    ++impl_->portsGen;
}

void Snooper::portDown(IfIndex id, TimePoint now) {
    Port* p = impl_->port(id);
    if (!p || !p->status.up) return;
    p->status.up = false;
    impl_->dropLearned(*p, LeaveReason::PortDown, now);
    ++impl_->portsGen;
}

void Snooper::portStpState(IfIndex id, StpState state, TimePoint now) {
    Port* p = impl_->port(id);
    if (!p || p->status.stp == state) return;
    const bool was = p->forwarding();
    p->status.stp = state;
    if (state == StpState::Disabled) impl_->dropLearned(*p, LeaveReason::PortDown, now);
    if (!was && p->forwarding()) impl_->portStartsForwarding(*p);
    ++impl_->portsGen;
}

RxVerdict Snooper::onMessage(IfIndex id, const wire::Decoded& d, TimePoint now) {
    Impl& s = *impl_;
    Port* p = s.port(id);
    s.count(p, rxKindOf(d.msg, d.src.family()));
    if (!p) {
        s.count(nullptr, Cause::UnknownPort);
        return RxVerdict{RxAction::Drop, {}, Cause::UnknownPort};
    }
    if (const auto* b = std::get_if<wire::Bpdu>(&d.msg)) {
        if (b->topologyChange || b->kind == wire::BpduKind::Tcn) onTopologyChange(now);
        return RxVerdict{};
    }
    if (!p->status.up) {
        s.count(p, Cause::PortDown);
        return RxVerdict{RxAction::Drop, {}, Cause::PortDown};
    }
    if (p->status.stp != StpState::Forwarding) {
        s.count(p, Cause::StpBlocked);
        return RxVerdict{RxAction::Drop, {}, Cause::StpBlocked};
    }
    return std::visit(
        [&](const auto& m) -> RxVerdict {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, wire::Report>) {
                return s.onReport(*p, d, m, now);
            } else if constexpr (std::is_same_v<T, wire::Leave>) {
                return s.onLeave(*p, d, m, now);
            } else if constexpr (std::is_same_v<T, wire::Query>) {
                return s.onQuery(*p, d, m, now);
            } else if constexpr (std::is_same_v<T, wire::PimHello>) {
                // RFC 7761 §4.3.1/§4.9.2: holdtime 0 = goodbye, 0xffff = never expires.
                if (s.cfg.mrouter.learnFromPim) {
                    std::optional<TimePoint> until;
                    if (m.holdtimeSec == 0xffff) until = kNever;
                    else if (m.holdtimeSec != 0) until = now + seconds(m.holdtimeSec);
                    s.onRouterEvidence(*p, d.src.family(), MrouterOrigin::Pim, until);
                }
                return RxVerdict{};
            } else if constexpr (std::is_same_v<T, wire::MrdAdvertisement>) {
                // RFC 4286 gives no snooper timeout; 3 x the advertised interval
                // (default 20 s) as rfc-conformance.md §4.1 recommends.
                if (s.cfg.mrouter.learnFromMrd) {
                    const auto interval = seconds(m.advIntervalSec ? m.advIntervalSec : 20);
                    s.onRouterEvidence(*p, d.src.family(), MrouterOrigin::Mrd, now + 3 * interval);
                }
                return RxVerdict{};
            } else if constexpr (std::is_same_v<T, wire::MrdTermination>) {
                if (s.cfg.mrouter.learnFromMrd)
                    s.onRouterEvidence(*p, d.src.family(), MrouterOrigin::Mrd, std::nullopt);
                return RxVerdict{};
            } else {
                return RxVerdict{};   // MRD solicitation: for the routers, flooded
            }
        },
        d.msg);
}

void Snooper::onTopologyChange(TimePoint now) {
    Impl& s = *impl_;
    s.count(nullptr, Stat::TopologyChanges);
    if (s.cfg.tcn.flood) {
        if (!s.flood.active) {
            s.events.push_back(FloodStarted{s.vid});
            s.count(nullptr, Stat::FloodsStarted);
            ++s.portsGen;
        }
        const uint8_t n = std::max<uint8_t>(s.cfg.tcn.floodQueryCount, 1);
        const Duration qi = std::max(s.timers[0].queryInterval, s.timers[1].queryInterval);
        // A new TC restarts the count (the TC flag stays set for the whole TC period).
        s.flood = FloodInfo{true, 0, now + qi * n};
        s.floodQueries = {};
    }
    const bool solicit = s.cfg.tcn.querySolicit || s.cfg.tcn.bridgeIsRoot;
    for (Family f : kFamilies) {
        if (s.ownQuerier[fi(f)])
            s.outbound.push_back(Outbound{std::nullopt, GeneralQueryRequest{f}});
        else if (solicit)
            s.outbound.push_back(Outbound{std::nullopt, QuerySolicitation{f}});
    }
}

void Snooper::setOwnQuerierActive(Family f, bool active, TimePoint now) {
    (void)now;
    impl_->ownQuerier[fi(f)] = active;
    impl_->refreshTimers(f);
}

void Snooper::ownGeneralQuerySent(Family f, TimePoint now) {
    (void)now;
    impl_->generalQuerySeen(f);
}

void Snooper::onTimer(TimePoint now) {
    Impl& s = *impl_;
    // Memberships due, earliest first; runTimers() always moves a membership's
    // deadline past `now` (expired timers stop, retransmissions move by LMQI).
    // Ties run in (deadline, group, port) order, so outputs do not depend on how the
    // heap happened to be built.
    std::vector<std::pair<TimePoint, uint32_t>> due;
    while (!s.deadlines.empty() && s.deadlines.topTime() <= now) {
        due.emplace_back(s.deadlines.topTime(), s.deadlines.topId());
        s.deadlines.erase(s.deadlines.topId());
    }
    std::sort(due.begin(), due.end(), [&](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first < b.first;
        const Membership& ma = s.mem(a.second);
        const Membership& mb = s.mem(b.second);
        const IpAddr& ga = s.grp(ma.group).addr;
        const IpAddr& gb = s.grp(mb.group).addr;
        return ga != gb ? ga < gb : ma.port < mb.port;
    });
    // runTimers() touches only its own membership (and its group when that empties),
    // so the handles of the others stay valid.
    for (const auto& [t, mh] : due) s.runTimers(mh, now);
    for (Family f : kFamilies) {
        for (const auto& c : s.mrouters[fi(f)].expire(now)) s.mrouterChanged(f, c);
        auto& q = s.queriers[fi(f)];
        if (q && q->expiry <= now) {
            q.reset();
            s.refreshTimers(f);
        }
    }
    if (s.flood.active && s.flood.until && *s.flood.until <= now) s.endFlood(FloodEndReason::Timeout);
}

std::optional<TimePoint> Snooper::nextDeadline() const {
    const Impl& s = *impl_;
    TimePoint t = kNever;
    if (!s.deadlines.empty()) t = s.deadlines.topTime();
    for (Family f : kFamilies) {
        t = std::min(t, s.mrouters[fi(f)].nextDeadline());
        if (s.queriers[fi(f)]) t = std::min(t, s.queriers[fi(f)]->expiry);
    }
    if (s.flood.active && s.flood.until) t = std::min(t, *s.flood.until);
    if (t == kNever) return std::nullopt;
    return t;
}

MdbSnapshot Snooper::desiredMdb(const KernelCaps& caps) const {
    const Impl& s = *impl_;
    MdbSnapshot out;   // in key order: appends at the end
    for (uint32_t g : s.groupsByAddress()) s.appendGroup(out, g, caps);
    return out;
}

void Snooper::appendMdbEntries(const IpAddr& group, const KernelCaps& caps, MdbSnapshot& out) const {
    const Impl& s = *impl_;
    if (const uint32_t g = s.findGroup(group); g != kNil) s.appendGroup(out, g, caps);
}

Snooper::MdbChanges Snooper::takeMdbChanges() {
    Impl& s = *impl_;
    MdbChanges out;
    out.full = s.changedAll;
    if (out.full) {
        s.groups.forEach([&](uint32_t g) { s.grp(g).dirty = false; });
    } else {
        for (const auto& addr : s.dirty)
            if (const uint32_t g = s.findGroup(addr); g != kNil) s.grp(g).dirty = false;
        out.groups = std::move(s.dirty);
        std::sort(out.groups.begin(), out.groups.end());
        out.groups.erase(std::unique(out.groups.begin(), out.groups.end()), out.groups.end());
    }
    s.dirty.clear();
    s.changedAll = false;
    return out;
}

uint64_t Snooper::mdbGeneration() const { return impl_->mdbGen; }

std::vector<PortForwarding> Snooper::desiredPorts() const {
    const Impl& s = *impl_;
    std::vector<PortForwarding> out;
    out.reserve(s.ports.size());
    for (const auto& [id, p] : s.ports) {
        const bool router = s.mrouters[0].isRouter(id) || s.mrouters[1].isRouter(id);
        // TCN: every forwarding port receives all multicast until the flood ends.
        const bool flooding = s.flood.active && p.policy.tcnFlood && p.forwarding();
        out.push_back(PortForwarding{id, router || flooding, p.policy.floodUnregistered});
    }
    return out;
}

uint64_t Snooper::portsGeneration() const { return impl_->portsGen; }

std::vector<Outbound> Snooper::takeOutbound() { return std::exchange(impl_->outbound, {}); }
std::vector<Event> Snooper::takeEvents() { return std::exchange(impl_->events, {}); }

const std::string& Snooper::bridgeName() const { return impl_->bridgeName; }
IfIndex Snooper::bridge() const { return impl_->bridge; }
VlanId Snooper::vid() const { return impl_->vid; }

std::vector<PortInfo> Snooper::ports() const {
    std::vector<PortInfo> out;
    for (const auto& [id, p] : impl_->ports)
        out.push_back(PortInfo{id, p.name, p.status, p.policy.immediateLeave,
                               static_cast<uint32_t>(p.learnedCount)});
    return out;
}

std::string_view Snooper::portName(IfIndex id) const {
    const Port* p = impl_->port(id);
    return p ? std::string_view(p->name) : std::string_view();
}

size_t Snooper::groupCount() const { return impl_->groups.size(); }

std::optional<GroupInfo> Snooper::group(const IpAddr& addr) const {
    const uint32_t g = impl_->findGroup(addr);
    if (g == kNil) return std::nullopt;
    return impl_->groupInfo(g);
}

void Snooper::forEachGroup(const std::function<void(const GroupInfo&)>& fn) const {
    for (uint32_t g : impl_->groupsByAddress()) fn(impl_->groupInfo(g));
}

std::vector<MrouterInfo> Snooper::mrouterPorts(Family f) const {
    std::vector<MrouterInfo> out;
    const auto& t = impl_->mrouters[fi(f)];
    for (IfIndex id : t.routers()) out.push_back(MrouterInfo{id, std::string(portName(id)), f, t.evidence(id)});
    return out;
}

std::optional<QuerierInfo> Snooper::querier(Family f) const { return impl_->queriers[fi(f)]; }
bool Snooper::ownQuerierActive(Family f) const { return impl_->ownQuerier[fi(f)]; }
EffectiveTimers Snooper::timers(Family f) const { return impl_->timers[fi(f)]; }
FloodInfo Snooper::flood() const { return impl_->flood; }
const Counters& Snooper::counters() const { return impl_->counters; }

const Counters* Snooper::portCounters(IfIndex id) const {
    const Port* p = impl_->port(id);
    return p ? &p->counters : nullptr;
}

}  // namespace mcs::core
