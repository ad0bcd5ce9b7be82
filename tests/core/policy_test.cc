// Policy features: immediate leave with host tracking, group filters, max-groups
// deny/replace, static groups, static/disabled mrouter ports, flooding options.
#include <algorithm>
#include <memory>

#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

GroupRange range(const std::string& prefix, uint8_t len, std::optional<std::string> src = {}) {
    GroupRange r{ip(prefix), len, std::nullopt};
    if (src) r.source = ip(*src);
    return r;
}

class Policy : public ::testing::Test {
protected:
    void start(SnooperConfig c) {
        sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{5}, std::move(c));
        sn->portAdded(P1, "p1", t(0));
        sn->portAdded(P2, "p2", t(0));
        sn->portAdded(R, "uplink", t(0));
        sn->onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(0));   // mrouter R
        sn->takeEvents();
        sn->takeOutbound();
    }
    RxVerdict join(IfIndex port, int host, const IpAddr& g, TimePoint at) {
        return sn->onMessage(port, oldReport(ProtoVersion::IgmpV2, v4.host(host), g), at);
    }
    Plan v4{Family::V4};
    Plan v6{Family::V6};
    std::unique_ptr<Snooper> sn;
    IfIndex P1{1}, P2{2}, R{9};
};

// ---------------- immediate leave ----------------

TEST_F(Policy, ImmediateLeaveRemovesTheLastHostAtOnce) {
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    start(c);
    sn->setOwnQuerierActive(Family::V4, true, t(0));
    join(P1, 1, v4.group(), t(1));
    sn->takeEvents();
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(2));
    EXPECT_FALSE(hasState(*sn, v4.group(), P1));
    EXPECT_TRUE(groupQueries(sn->takeOutbound()).empty());   // no query needed
    const auto ev = sn->takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(std::get<GroupLeft>(ev[0]).reason, LeaveReason::FastLeave);
    EXPECT_EQ(sn->counters().get(Stat::FastLeaves), 1u);
}

TEST_F(Policy, ImmediateLeaveNeverCutsAnotherHostOnThePort) {
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    start(c);
    join(P1, 1, v4.group(), t(1));
    join(P1, 2, v4.group(), t(1));
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(2));
    ASSERT_TRUE(hasState(*sn, v4.group(), P1));
    EXPECT_EQ(state(*sn, v4.group(), P1).trackedHosts, 1u);
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(2), v4.group()), t(3));
    EXPECT_FALSE(hasState(*sn, v4.group(), P1));
}

TEST_F(Policy, ImmediateLeavePrunesSourcesNoTrackedHostWants) {
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    start(c);
    const IpAddr g = v4.group();
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::IsInclude, g, v4.srcs({1, 2}))}), t(1));
    sn->onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::IsInclude, g, v4.srcs({2, 3}))}), t(1));
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::BlockOldSources, g, v4.srcs({1, 2}))}), t(2));
    auto s = state(*sn, g, P1);
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), v4.srcs({2, 3}));             // 1 pruned at once, 2 kept for host 2
    EXPECT_EQ(sn->counters().get(Stat::FastPrunes), 1u);
    // An EXCLUDE host joining and leaving again.
    sn->onMessage(P1, v3report(v4, v4.host(3), {rec(RecordType::ToExclude, g, v4.srcs({9}))}), t(3));
    s = state(*sn, g, P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(blocked(s), v4.srcs({9}));
    sn->onMessage(P1, v3report(v4, v4.host(3), {rec(RecordType::ToInclude, g)}), t(4));
    s = state(*sn, g, P1);
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), v4.srcs({2, 3}));
}

TEST_F(Policy, ImmediateLeaveFallsBackWhenAMemberIsUntracked) {
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    start(c);
    sn->setOwnQuerierActive(Family::V4, true, t(0));
    join(P1, 1, v4.group(), t(1));
    // A proxy reporting from 0.0.0.0 (RFC 4541 §2.1.1 (3)) stands for unknown hosts.
    sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, IpAddr{}, v4.group()), t(1));
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(2));
    EXPECT_TRUE(hasState(*sn, v4.group(), P1));
    EXPECT_EQ(groupQueries(sn->takeOutbound()).size(), 1u);   // normal leave: query
}

TEST_F(Policy, ImmediateLeaveHostLimitMakesMembershipUntracked) {
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    c.limits.hostsPerGroupPort = 2;
    start(c);
    for (int h = 1; h <= 3; ++h) join(P1, h, v4.group(), t(1));
    EXPECT_EQ(sn->counters().get(Cause::HostLimit), 1u);
    EXPECT_EQ(state(*sn, v4.group(), P1).trackedHosts, 2u);
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(2));
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(2), v4.group()), t(2));
    EXPECT_TRUE(hasState(*sn, v4.group(), P1));       // host 3 is unknown: keep forwarding
}

TEST_F(Policy, ImmediateLeavePerPortOverride) {
    SnooperConfig c;
    c.ports["p2"].immediateLeave = true;
    start(c);
    join(P1, 1, v4.group(), t(1));
    join(P2, 2, v4.group(), t(1));
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(2));
    sn->onMessage(P2, leave(ProtoVersion::IgmpV2, v4.host(2), v4.group()), t(2));
    EXPECT_TRUE(hasState(*sn, v4.group(), P1));
    EXPECT_FALSE(hasState(*sn, v4.group(), P2));
}

TEST_F(Policy, EnablingImmediateLeaveLiveWaitsForUnknownMembers) {
    start(SnooperConfig{});
    join(P1, 1, v4.group(), t(1));
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    sn->setConfig(c, t(2));
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(3));
    EXPECT_TRUE(hasState(*sn, v4.group(), P1));
}

// ---------------- group filters ----------------

TEST_F(Policy, DeniedGroupCreatesNoStateAndTheReportIsDropped) {
    SnooperConfig c;
    c.vlan.filter.deny.push_back(range("239.1.1.0", 24));
    start(c);
    const auto v = join(P1, 1, v4.group(), t(1));
    EXPECT_EQ(v.action, RxAction::Drop);
    EXPECT_EQ(v.reason, Cause::Filtered);
    EXPECT_EQ(sn->groupCount(), 0u);
    // A report with one allowed record is forwarded unchanged (never rewritten).
    const auto mixed = sn->onMessage(
        P1, v3report(v4, v4.host(1), {rec(RecordType::IsExclude, v4.group()), rec(RecordType::IsExclude, ip("239.2.0.1"))}), t(2));
    EXPECT_EQ(mixed.action, RxAction::Forward);
    EXPECT_EQ(mixed.ports, std::vector<IfIndex>{R});
    EXPECT_EQ(sn->groupCount(), 1u);
    EXPECT_EQ(sn->counters().get(Cause::Filtered), 2u);
    // A leave for a denied group still reaches the routers.
    EXPECT_EQ(sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(3)).action, RxAction::Forward);
}

TEST_F(Policy, AllowListAppliesPerFamily) {
    SnooperConfig c;
    c.vlan.filter.allow.push_back(range("239.2.0.0", 16));
    start(c);
    join(P1, 1, v4.group(), t(1));                     // 239.1.1.1: not in the allow list
    join(P1, 1, ip("239.2.3.4"), t(1));
    sn->onMessage(P1, oldReport(ProtoVersion::MldV1, v6.host(1), v6.group()), t(1));   // no v6 rules
    EXPECT_FALSE(sn->group(v4.group()).has_value());
    EXPECT_TRUE(sn->group(ip("239.2.3.4")).has_value());
    EXPECT_TRUE(sn->group(v6.group()).has_value());
}

TEST_F(Policy, DeniedSourceIsNeverForwarded) {
    SnooperConfig c;
    c.vlan.filter.deny.push_back(range("239.1.1.1", 32, "192.0.2.1"));
    start(c);
    const IpAddr g = v4.group();
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::IsInclude, g, v4.srcs({1, 2}))}), t(1));
    EXPECT_EQ(running(state(*sn, g, P1)), v4.srcs({2}));
    EXPECT_EQ(sn->counters().get(Cause::SourceFiltered), 1u);
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::ToExclude, g, {})}), t(2));
    auto s = state(*sn, g, P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(blocked(s), v4.srcs({1}));              // blocked although nobody excluded it
    // EXCLUDE TO_EX listing the denied source must not move it into X (Table 9).
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::ToExclude, g, v4.srcs({3}))}), t(3));
    s = state(*sn, g, P1);
    const auto x = running(s);
    EXPECT_EQ(std::count(x.begin(), x.end(), v4.src(1)), 0);
    EXPECT_EQ(sn->desiredMdb(KernelCaps{}).begin()->second.sources.front(), v4.src(1));
}

TEST_F(Policy, SourceRestrictedAllowIsIncludeOnly) {
    SnooperConfig c;
    c.vlan.filter.allow.push_back(range("232.0.0.0", 8, "192.0.2.1"));
    start(c);
    const IpAddr g = ip("232.1.1.1");
    EXPECT_EQ(join(P1, 1, g, t(1)).action, RxAction::Drop);   // ASM join of an SSM-only group
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::IsInclude, g, v4.srcs({1, 2}))}), t(2));
    EXPECT_EQ(running(state(*sn, g, P1)), v4.srcs({1}));
}

TEST_F(Policy, NewFilterRemovesNowDeniedGroupsOnReload) {
    start(SnooperConfig{});
    join(P1, 1, v4.group(1), t(1));
    join(P1, 1, v4.group(2), t(1));
    sn->takeEvents();
    SnooperConfig c;
    c.vlan.filter.deny.push_back(range("239.1.1.1", 32));
    sn->setConfig(c, t(2));
    EXPECT_FALSE(sn->group(v4.group(1)).has_value());
    EXPECT_TRUE(sn->group(v4.group(2)).has_value());
    const auto ev = sn->takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(std::get<GroupLeft>(ev[0]).reason, LeaveReason::Filtered);
}

// ---------------- max-groups ----------------

TEST_F(Policy, MaxGroupsPerPortDeny) {
    SnooperConfig c;
    c.vlan.maxGroupsPerPort = MaxGroups{2, MaxGroupsAction::Deny};
    start(c);
    join(P1, 1, v4.group(1), t(1));
    join(P1, 1, v4.group(2), t(2));
    const auto v = join(P1, 1, v4.group(3), t(3));
    EXPECT_EQ(v.action, RxAction::Drop);
    EXPECT_EQ(v.reason, Cause::MaxGroupsPort);
    EXPECT_FALSE(sn->group(v4.group(3)).has_value());
    join(P2, 1, v4.group(3), t(3));                    // other ports have their own count
    EXPECT_TRUE(hasState(*sn, v4.group(3), P2));
    join(P1, 1, v4.group(1), t(4));                    // refreshing a member is fine
    EXPECT_EQ(sn->counters().get(Cause::MaxGroupsPort), 1u);
}

TEST_F(Policy, MaxGroupsPerPortReplaceEvictsTheOldestJoined) {
    SnooperConfig c;
    c.ports["p1"].maxGroups = MaxGroups{2, MaxGroupsAction::Replace};
    start(c);
    join(P1, 1, v4.group(1), t(1));
    join(P1, 1, v4.group(2), t(2));
    join(P1, 1, v4.group(1), t(2.5));                  // refresh does not change join order
    sn->takeEvents();
    EXPECT_EQ(join(P1, 1, v4.group(3), t(3)).action, RxAction::Forward);
    EXPECT_FALSE(hasState(*sn, v4.group(1), P1));
    EXPECT_TRUE(hasState(*sn, v4.group(2), P1));
    EXPECT_TRUE(hasState(*sn, v4.group(3), P1));
    const auto ev = sn->takeEvents();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(std::get<GroupLeft>(ev[0]).reason, LeaveReason::Evicted);
    EXPECT_EQ(std::get<GroupJoined>(ev[1]).group, v4.group(3));
}

TEST_F(Policy, MaxGroupsPerVlanDenyAndReplace) {
    SnooperConfig c;
    c.vlan.maxGroupsVlan = MaxGroups{2, MaxGroupsAction::Deny};
    start(c);
    join(P1, 1, v4.group(1), t(1));
    join(P2, 1, v4.group(2), t(2));
    EXPECT_EQ(join(P1, 1, v4.group(3), t(3)).reason, Cause::MaxGroupsVlan);
    join(P2, 2, v4.group(1), t(3));                    // existing group: not a new VLAN group
    EXPECT_TRUE(hasState(*sn, v4.group(1), P2));
    c.vlan.maxGroupsVlan.action = MaxGroupsAction::Replace;
    sn->setConfig(c, t(4));
    join(P1, 1, v4.group(3), t(5));
    EXPECT_FALSE(sn->group(v4.group(1)).has_value());  // oldest group, on every port
    EXPECT_TRUE(sn->group(v4.group(3)).has_value());
    EXPECT_EQ(sn->groupCount(), 2u);
}

// ---------------- static groups and mrouters ----------------

TEST_F(Policy, StaticGroupsAreDiffedOnReloadAndSurviveLeaves) {
    SnooperConfig c;
    c.staticGroups.push_back(StaticGroup{v4.group(1), std::nullopt, "p1"});
    c.staticGroups.push_back(StaticGroup{v4.group(2), v4.src(7), "p2"});
    start(c);
    auto s = state(*sn, v4.group(1), P1);
    EXPECT_EQ(s.origin, GroupOrigin::Static);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    s = state(*sn, v4.group(2), P2);
    EXPECT_EQ(s.mode, FilterMode::Include);
    ASSERT_EQ(s.sources.size(), 1u);
    EXPECT_TRUE(s.sources[0].isStatic);
    // A learned join adds to it; a leave only removes the learned part.
    sn->onMessage(P2, v3report(v4, v4.host(1), {rec(RecordType::IsInclude, v4.group(2), v4.srcs({8}))}), t(1));
    EXPECT_EQ(state(*sn, v4.group(2), P2).origin, GroupOrigin::LearnedAndStatic);
    const auto mdb = dump(sn->desiredMdb(KernelCaps{}));
    EXPECT_EQ(mdb, "vid 5 239.1.1.1 * port 1 exclude\n"
                   "vid 5 239.1.1.2 * port 2 include {192.0.2.7,192.0.2.8}\n");
    sn->onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group(1)), t(2));
    EXPECT_TRUE(hasState(*sn, v4.group(1), P1));
    sn->takeEvents();
    c.staticGroups.erase(c.staticGroups.begin());
    sn->setConfig(c, t(3));
    EXPECT_FALSE(sn->group(v4.group(1)).has_value());
    const auto ev = sn->takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(std::get<GroupLeft>(ev[0]).reason, LeaveReason::StaticRemoved);
}

TEST_F(Policy, StaticGroupOnAPortAddedLater) {
    SnooperConfig c;
    c.staticGroups.push_back(StaticGroup{v6.group(), std::nullopt, "p3"});
    start(c);
    EXPECT_EQ(sn->groupCount(), 0u);
    sn->portAdded(IfIndex{3}, "p3", t(1));
    EXPECT_TRUE(hasState(*sn, v6.group(), IfIndex{3}));
}

TEST_F(Policy, StaticAndDisabledMrouterPorts) {
    SnooperConfig c;
    c.ports["p1"].mrouter = MrouterMode::Static;
    c.ports["p2"].mrouter = MrouterMode::Disabled;
    start(c);
    sn->onMessage(P2, query(ProtoVersion::IgmpV3, v4.router(2), {}), t(1));
    const auto m4 = sn->mrouterPorts(Family::V4);
    ASSERT_EQ(m4.size(), 2u);                          // p1 (static) and uplink (query)
    EXPECT_EQ(m4[0].port, P1);
    EXPECT_EQ(m4[0].evidence.at(0).origin, MrouterOrigin::Static);
    EXPECT_FALSE(m4[0].evidence.at(0).expiry.has_value());
    EXPECT_EQ(sn->mrouterPorts(Family::V6).size(), 1u);
    EXPECT_EQ(sn->counters().get(Cause::MrouterDisabled), 1u);
    const auto ports = sn->desiredPorts();
    EXPECT_TRUE(ports[0].mcastRouter);                 // p1
    EXPECT_FALSE(ports[1].mcastRouter);                // p2
    // Reports go to both router ports.
    EXPECT_EQ(join(P2, 1, v4.group(), t(2)).ports, (std::vector<IfIndex>{P1, R}));
}

// ---------------- flooding options ----------------

TEST_F(Policy, FloodUnregisteredPerPort) {
    SnooperConfig c;
    c.vlan.floodUnregistered = false;
    c.ports["p2"].floodUnregistered = true;
    start(c);
    const auto ports = sn->desiredPorts();
    ASSERT_EQ(ports.size(), 3u);
    EXPECT_FALSE(ports[0].floodUnregistered);
    EXPECT_TRUE(ports[1].floodUnregistered);
    EXPECT_FALSE(ports[2].floodUnregistered);
}

TEST_F(Policy, ReportsGoToRouterPortsOfTheirFamilyOrAreFloodedWhenConfigured) {
    SnooperConfig c;
    c.ports["p2"].floodReports = true;
    start(c);
    EXPECT_EQ(join(P1, 1, v4.group(), t(1)).ports, std::vector<IfIndex>{R});
    // No IPv6 router known: an MLD report goes nowhere.
    const auto v6v = sn->onMessage(P1, oldReport(ProtoVersion::MldV1, v6.host(1), v6.group()), t(1));
    EXPECT_EQ(v6v.action, RxAction::Forward);
    EXPECT_TRUE(v6v.ports.empty());
    EXPECT_EQ(join(P2, 1, v4.group(), t(1)).ports, (std::vector<IfIndex>{P1, R}));
}

}  // namespace
}  // namespace mcs::core::test
