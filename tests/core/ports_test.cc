// Port events (down, removed, STP), link-local groups, and the receive verdict
// for frames on ports the snooper must not learn from.
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

class Ports : public ::testing::Test {
protected:
    void SetUp() override {
        SnooperConfig c;
        c.staticGroups.push_back(StaticGroup{v4.group(9), std::nullopt, "p1"});
        sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{3}, c);
        sn->portAdded(P1, "p1", t(0));
        sn->portAdded(P2, "p2", t(0));
        sn->portAdded(R, "uplink", t(0));
        sn->onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(0));
        sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group(1)), t(1));
        sn->onMessage(P1, oldReport(ProtoVersion::MldV1, v6.host(1), v6.group(1)), t(1));
        sn->onMessage(P2, oldReport(ProtoVersion::IgmpV2, v4.host(2), v4.group(1)), t(1));
        sn->takeEvents();
    }
    static std::string_view name(IfIndex i) {
        return i.value == 1 ? "p1" : i.value == 2 ? "p2" : i.value == 9 ? "uplink" : "?";
    }
    Plan v4{Family::V4};
    Plan v6{Family::V6};
    std::unique_ptr<Snooper> sn;
    IfIndex P1{1}, P2{2}, R{9};
};

TEST_F(Ports, PortDownDropsLearnedStateButKeepsStatics) {
    sn->portDown(P1, t(2));
    EXPECT_EQ(dump(sn->desiredMdb(KernelCaps{}), name),
              "vid 3 239.1.1.1 * port p2 exclude\n"
              "vid 3 239.1.1.9 * port p1 exclude\n");
    const auto ev = sn->takeEvents();
    ASSERT_EQ(ev.size(), 2u);
    for (const auto& e : ev) EXPECT_EQ(std::get<GroupLeft>(e).reason, LeaveReason::PortDown);
    // A down port learns nothing and reports from it are dropped.
    const auto v = sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group(2)), t(3));
    EXPECT_EQ(v.action, RxAction::Drop);
    EXPECT_EQ(v.reason, Cause::PortDown);
    sn->portUp(P1, t(4));
    sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group(2)), t(5));
    EXPECT_TRUE(hasState(*sn, v4.group(2), P1));
}

TEST_F(Ports, PortRemovedDropsEverythingAndRouterState) {
    sn->portRemoved(R, t(2));
    EXPECT_TRUE(sn->mrouterPorts(Family::V4).empty());
    sn->portRemoved(P1, t(2));
    EXPECT_EQ(dump(sn->desiredMdb(KernelCaps{}), name), "vid 3 239.1.1.1 * port p2 exclude\n");
    EXPECT_EQ(sn->ports().size(), 1u);
    EXPECT_EQ(sn->portName(P1), "");
    const auto v = sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group(2)), t(3));
    EXPECT_EQ(v.reason, Cause::UnknownPort);
    // Re-adding restores the static group.
    sn->portAdded(P1, "p1", t(4));
    EXPECT_TRUE(hasState(*sn, v4.group(9), P1));
}

TEST_F(Ports, StpBlockedPortLearnsNothingAndKeepsWhatItHad) {
    sn->portStpState(P2, StpState::Blocking, t(2));
    const auto v = sn->onMessage(P2, oldReport(ProtoVersion::IgmpV2, v4.host(2), v4.group(5)), t(3));
    EXPECT_EQ(v.action, RxAction::Drop);
    EXPECT_EQ(v.reason, Cause::StpBlocked);
    EXPECT_FALSE(sn->group(v4.group(5)).has_value());
    EXPECT_TRUE(hasState(*sn, v4.group(1), P2));         // ages out normally
    EXPECT_EQ(sn->portCounters(P2)->get(Cause::StpBlocked), 1u);
    // Reports are not forwarded to a blocked router port either.
    sn->portStpState(R, StpState::Listening, t(3));
    const auto f = sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group(1)), t(4));
    EXPECT_EQ(f.action, RxAction::Forward);
    EXPECT_TRUE(f.ports.empty());
}

TEST_F(Ports, StpDisabledDropsLearnedState) {
    sn->portStpState(P2, StpState::Disabled, t(2));
    EXPECT_FALSE(hasState(*sn, v4.group(1), P2));
}

TEST_F(Ports, LinkLocalGroupsNeverBecomeEntries) {
    for (const char* g : {"224.0.0.251", "224.0.0.22", "224.0.0.1"})
        EXPECT_EQ(sn->onMessage(P2, oldReport(ProtoVersion::IgmpV2, v4.host(2), ip(g)), t(2)).action,
                  RxAction::Forward);
    for (const char* g : {"ff02::fb", "ff02::2", "ff01::1", "ff02::1"})
        sn->onMessage(P2, oldReport(ProtoVersion::MldV1, v6.host(2), ip(g)), t(2));
    EXPECT_EQ(sn->counters().get(Cause::LinkLocalGroup), 7u);
    // Solicited-node groups are snooped by the kernel, so they are tracked.
    sn->onMessage(P2, oldReport(ProtoVersion::MldV1, v6.host(2), ip("ff02::1:ff00:2")), t(2));
    EXPECT_TRUE(hasState(*sn, ip("ff02::1:ff00:2"), P2));
    // Specific queries for link-local groups change nothing either.
    sn->onMessage(R, query(ProtoVersion::IgmpV2, v4.router(), ip("224.0.0.251")), t(3));
    EXPECT_EQ(sn->groupCount(), 4u);
}

TEST_F(Ports, AllLinkScopeV6GroupsCanBeTrackedLikeTheKernel) {
    SnooperConfig c;
    c.trackAllLinkScopeV6 = true;
    sn->setConfig(c, t(2));
    sn->onMessage(P2, oldReport(ProtoVersion::MldV1, v6.host(2), ip("ff02::fb")), t(3));
    sn->onMessage(P2, oldReport(ProtoVersion::MldV1, v6.host(2), ip("ff02::1")), t(3));
    sn->onMessage(P2, oldReport(ProtoVersion::MldV1, v6.host(2), ip("ff01::fb")), t(3));
    EXPECT_TRUE(sn->group(ip("ff02::fb")).has_value());
    EXPECT_FALSE(sn->group(ip("ff02::1")).has_value());
    EXPECT_FALSE(sn->group(ip("ff01::fb")).has_value());
}

TEST_F(Ports, DesiredPortsAndInfo) {
    const auto ports = sn->desiredPorts();
    ASSERT_EQ(ports.size(), 3u);
    EXPECT_EQ(ports[0], (PortForwarding{P1, false, true}));
    EXPECT_EQ(ports[2], (PortForwarding{R, true, true}));
    const auto info = sn->ports();
    EXPECT_EQ(info[0].name, "p1");
    EXPECT_EQ(info[0].learnedGroups, 2u);
    EXPECT_EQ(sn->counters().get(RxKind::IgmpV2Report), 2u);
    EXPECT_EQ(sn->counters().get(RxKind::MldV1Report), 1u);
    EXPECT_EQ(sn->counters().get(RxKind::IgmpV3Query), 1u);
    EXPECT_EQ(sn->portCounters(P1)->get(Stat::Joins), 2u);
    EXPECT_EQ(sn->portCounters(IfIndex{77}), nullptr);
}

}  // namespace
}  // namespace mcs::core::test
