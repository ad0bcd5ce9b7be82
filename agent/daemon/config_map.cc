#include "agent/daemon/config_map.h"

#include <algorithm>

namespace mcs::daemon {

namespace {

core::GroupFilter mapFilter(const conf::Filter& f) {
    core::GroupFilter out;
    if (f.mode == conf::FilterMode::None) return out;
    auto& list = f.mode == conf::FilterMode::Allow ? out.allow : out.deny;
    for (const auto& e : f.entries) {
        core::GroupRange r;
        r.prefix = e.group.addr;
        r.length = e.group.length;
        // The core matches one source address; a source prefix narrower than a host
        // is kept as its network address only when it is a host route.
        if (e.source && e.source->length == (e.source->addr.isV4() ? 32 : 128))
            r.source = e.source->addr;
        list.push_back(r);
    }
    return out;
}

core::MaxGroups mapMaxGroups(const std::optional<conf::MaxGroups>& m) {
    core::MaxGroups out;
    if (!m) return out;
    out.limit = m->limit;
    out.action = m->action == conf::MaxGroupsAction::Replace ? core::MaxGroupsAction::Replace
                                                             : core::MaxGroupsAction::Deny;
    return out;
}

core::ProtocolTimers mapTimers(const conf::VlanPolicy& vp) {
    core::ProtocolTimers t;
    const auto& q = vp.querier;
    if (q.robustness) t.robustness = static_cast<uint8_t>(std::min<uint32_t>(q.robustness, 255));
    if (q.interval.count()) t.queryInterval = q.interval;
    if (q.responseInterval.count()) t.queryResponseInterval = q.responseInterval;
    if (q.lastMemberInterval.count()) t.lastMemberQueryInterval = q.lastMemberInterval;
    t.lastMemberQueryCount = static_cast<uint8_t>(std::min<uint32_t>(q.lastMemberCount, 255));
    if (vp.mrouter.timeout.count()) t.mrouterAging = vp.mrouter.timeout;
    return t;
}

querier::QuerierConfig mapQuerier(const conf::VlanPolicy& vp, Family f) {
    querier::QuerierConfig c;
    const auto& q = vp.querier;
    bool familyOn = f == Family::V4 ? vp.families.ipv4 : vp.families.ipv6;
    c.enabled = q.enabled && familyOn;
    if (f == Family::V4) {
        c.version = vp.igmpVersion == 2 ? wire::ProtoVersion::IgmpV2 : wire::ProtoVersion::IgmpV3;
        c.address = q.address;
    } else {
        c.version = vp.mldVersion == 1 ? wire::ProtoVersion::MldV1 : wire::ProtoVersion::MldV2;
        c.address = q.address6;
    }
    if (q.robustness) c.robustness = q.robustness;
    if (q.interval.count()) c.queryInterval = q.interval;
    if (q.responseInterval.count()) c.queryResponseInterval = q.responseInterval;
    if (q.lastMemberInterval.count()) c.lastMemberQueryInterval = q.lastMemberInterval;
    if (q.lastMemberCount) c.lastMemberQueryCount = q.lastMemberCount;
    if (q.startupQueryInterval.count()) c.startupQueryInterval = q.startupQueryInterval;
    if (q.startupQueryCount) c.startupQueryCount = q.startupQueryCount;
    c.queryOnTopologyChange = true;
    return c;
}

}  // namespace

VlanSettings mapVlanSettings(const conf::BridgeConfig& b, VlanId vid) {
    VlanSettings s;
    auto vp = conf::resolveVlan(b, vid);
    s.snooping = vp.snooping;
    auto& c = s.snooper;
    c.igmp = mapTimers(vp);
    c.mld = c.igmp;
    c.vlan.immediateLeave = vp.immediateLeave;
    c.vlan.filter = mapFilter(vp.filter);
    c.vlan.maxGroupsPerPort = mapMaxGroups(vp.maxGroups);
    c.vlan.floodUnregistered = vp.floodUnregistered;
    c.vlan.floodReports = vp.floodReports;
    c.mrouter.learnFromQueries = vp.mrouter.learnFrom.query;
    c.mrouter.learnFromPim = vp.mrouter.learnFrom.pim;
    c.mrouter.learnFromMrd = vp.mrouter.learnFrom.mrd;
    c.tcn.flood = vp.tcn.floodQueryCount > 0;
    if (vp.tcn.floodQueryCount)
        c.tcn.floodQueryCount = static_cast<uint8_t>(std::min<uint32_t>(vp.tcn.floodQueryCount, 255));
    c.tcn.querySolicit = vp.tcn.solicit;
    // The kernel forwards unregistered IPv6 multicast (all but ff02::1) to router ports
    // only once a querier exists, link scope included (kernel-bridge.md, lab-notes.md).
    // Since we drop the reports it would have learned from, link-scope groups hosts
    // report (mDNS ff02::fb, DHCPv6 ff02::1:2, solicited-node) must become entries,
    // or they would be cut off.
    c.trackAllLinkScopeV6 = true;
    if (vp.limits.maxGroupsPerVlan) {
        c.limits.groupsPerVlan = vp.limits.maxGroupsPerVlan;
        // One port may hold every group of the VLAN (a router-facing trunk, a
        // downstream switch); operators cap ports with max-groups instead.
        c.limits.groupsPerPort = vp.limits.maxGroupsPerVlan;
        c.vlan.maxGroupsVlan = {vp.limits.maxGroupsPerVlan, core::MaxGroupsAction::Deny};
        // Immediate leave needs every member host tracked: a VLAN allowed more groups
        // than the default host budget must be allowed one tracked host per group, or
        // the groups past the budget fall back to query-driven leaves (cause host-limit; the
        // 10k/s leave benchmark lost 3.6k of 20k fast leaves that way).
        c.limits.hostsPerVlan = std::max(c.limits.hostsPerVlan, vp.limits.maxGroupsPerVlan);
    }
    if (vp.limits.maxSourcesPerGroup) c.limits.sourcesPerGroup = vp.limits.maxSourcesPerGroup;
    if (vp.limits.maxHostsPerGroupPort) c.limits.hostsPerGroupPort = vp.limits.maxHostsPerGroupPort;
    if (vp.limits.maxRecordsPerReport) c.limits.recordsPerReport = vp.limits.maxRecordsPerReport;
    s.reportRateLimit = vp.limits.reportRateLimit;   // 0 = unlimited

    for (const auto& sg : vp.staticGroups)
        for (const auto& port : sg.ports) c.staticGroups.push_back({sg.group, sg.source, port});
    std::sort(c.staticGroups.begin(), c.staticGroups.end());
    for (const auto& name : vp.staticMrouterPorts) c.ports[name].mrouter = core::MrouterMode::Static;

    for (const auto& pc : b.ports) {
        auto pp = conf::resolvePort(b, vid, pc.name);
        auto& o = c.ports[pc.name];
        if (pp.reportRateLimit != s.reportRateLimit) s.portReportRateLimit[pc.name] = pp.reportRateLimit;
        o.immediateLeave = pp.immediateLeave;
        o.floodUnregistered = pp.floodUnregistered;
        o.floodReports = pp.floodReports;
        o.tcnFlood = pp.tcnFlood;
        if (pp.maxGroups) o.maxGroups = mapMaxGroups(pp.maxGroups);
        if (pc.filter) o.filter = mapFilter(pp.filter);
        if (pp.mrouter == conf::MrouterMode::Static)
            o.mrouter = core::MrouterMode::Static;
        else if (pp.mrouter == conf::MrouterMode::Never)
            o.mrouter = core::MrouterMode::Disabled;
    }
    s.querier4 = mapQuerier(vp, Family::V4);
    s.querier6 = mapQuerier(vp, Family::V6);
    return s;
}

}  // namespace mcs::daemon
