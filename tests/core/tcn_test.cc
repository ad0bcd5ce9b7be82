// STP topology change handling (Cisco "tcn flood", "tcn flood query count",
// "tcn query solicit"; rfc-conformance.md §0.2 (6), RFC 4541 §2.1.1 S-10).
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

class Tcn : public ::testing::Test {
protected:
    void start(SnooperConfig c) {
        sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{1}, std::move(c));
        for (IfIndex p : {P1, P2, R}) sn->portAdded(p, "p" + std::to_string(p.value), t(0));
        sn->portStpState(P2, StpState::Blocking, t(0));
        sn->onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(0));
        sn->takeEvents();
        sn->takeOutbound();
    }
    std::vector<bool> routerFlags() const {
        std::vector<bool> v;
        for (const auto& p : sn->desiredPorts()) v.push_back(p.mcastRouter);
        return v;
    }
    Plan v4{Family::V4};
    std::unique_ptr<Snooper> sn;
    IfIndex P1{1}, P2{2}, R{9};
};

TEST_F(Tcn, FloodsAllForwardingPortsUntilTwoGeneralQueries) {
    start(SnooperConfig{});
    EXPECT_EQ(routerFlags(), (std::vector<bool>{false, false, true}));
    const auto gen = sn->portsGeneration();
    sn->onTopologyChange(t(10));
    EXPECT_GT(sn->portsGeneration(), gen);
    EXPECT_EQ(routerFlags(), (std::vector<bool>{true, false, true}));   // P2 blocking: not flooded
    auto ev = sn->takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_TRUE(std::holds_alternative<FloodStarted>(ev[0]));
    EXPECT_TRUE(sn->takeOutbound().empty());           // no solicitation unless configured
    sn->onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(20));
    EXPECT_TRUE(sn->flood().active);
    EXPECT_EQ(sn->flood().queriesSeen, 1);
    // Counted per family: an MLD query in the same round does not make it two.
    sn->onMessage(R, query(ProtoVersion::MldV2, ip("fe80::1"), {}), t(21));
    EXPECT_TRUE(sn->flood().active);
    EXPECT_EQ(sn->flood().queriesSeen, 1);
    sn->onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(30));
    EXPECT_FALSE(sn->flood().active);
    EXPECT_EQ(routerFlags(), (std::vector<bool>{false, false, true}));
    ev = sn->takeEvents();
    ASSERT_FALSE(ev.empty());
    EXPECT_EQ(std::get<FloodEnded>(ev.back()).reason, FloodEndReason::Queries);
}

TEST_F(Tcn, SafetyTimeoutEndsTheFlood) {
    SnooperConfig c;
    c.tcn.floodQueryCount = 3;
    start(c);
    sn->onTopologyChange(t(10));
    EXPECT_EQ(sn->flood().until, t(10) + seconds(3 * 125));
    EXPECT_EQ(sn->nextDeadline(), t(255));             // the mrouter expires earlier
    runUntil(*sn, t(10) + seconds(375));
    EXPECT_FALSE(sn->flood().active);
    EXPECT_EQ(std::get<FloodEnded>(sn->takeEvents().back()).reason, FloodEndReason::Timeout);
}

TEST_F(Tcn, BpduWithTcFlagRestartsTheCount) {
    start(SnooperConfig{});
    sn->onMessage(P1, bpduTc(), t(1));
    sn->onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(2));
    sn->onMessage(P2, bpduTc(), t(3));                 // BPDUs count on blocking ports too
    EXPECT_EQ(sn->flood().queriesSeen, 0);
    EXPECT_EQ(sn->counters().get(Stat::TopologyChanges), 2u);
    EXPECT_EQ(sn->counters().get(Stat::FloodsStarted), 1u);
}

TEST_F(Tcn, QuerySolicitationWhenConfiguredOrRoot) {
    SnooperConfig c;
    c.tcn.querySolicit = true;
    start(c);
    sn->onTopologyChange(t(1));
    auto out = sn->takeOutbound();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_FALSE(out[0].port.has_value());             // flooded in the VLAN
    EXPECT_EQ(std::get<QuerySolicitation>(out[0].msg).family, Family::V4);
    EXPECT_EQ(std::get<QuerySolicitation>(out[1].msg).family, Family::V6);
    c.tcn.querySolicit = false;
    c.tcn.bridgeIsRoot = true;
    sn->setConfig(c, t(2));
    sn->onTopologyChange(t(3));
    EXPECT_EQ(sn->takeOutbound().size(), 2u);
}

TEST_F(Tcn, OwnQuerierSendsAGeneralQueryInsteadOfSoliciting) {
    SnooperConfig c;
    c.tcn.querySolicit = true;
    start(c);
    sn->setOwnQuerierActive(Family::V4, true, t(0));
    sn->onTopologyChange(t(1));
    const auto out = sn->takeOutbound();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(std::get<GeneralQueryRequest>(out[0].msg).family, Family::V4);
    EXPECT_EQ(std::get<QuerySolicitation>(out[1].msg).family, Family::V6);
    sn->ownGeneralQuerySent(Family::V4, t(2));
    sn->ownGeneralQuerySent(Family::V4, t(3));
    EXPECT_FALSE(sn->flood().active);
}

// A dual-stack querier answers a topology change with an IGMP and an MLD query at the
// same moment: one round, so the flood lasts until the next round (found end to end,
// tests/netns/test_querier.py).
TEST_F(Tcn, OwnDualStackQueriesCountOncePerRound) {
    start(SnooperConfig{});
    sn->setOwnQuerierActive(Family::V4, true, t(0));
    sn->setOwnQuerierActive(Family::V6, true, t(0));
    sn->onTopologyChange(t(1));
    sn->ownGeneralQuerySent(Family::V4, t(1));
    sn->ownGeneralQuerySent(Family::V6, t(1));
    EXPECT_TRUE(sn->flood().active);
    EXPECT_EQ(sn->flood().queriesSeen, 1);
    sn->ownGeneralQuerySent(Family::V6, t(126));
    EXPECT_FALSE(sn->flood().active);
}

TEST_F(Tcn, PerPortOptOutAndDisabledFlooding) {
    SnooperConfig c;
    c.ports["p1"].tcnFlood = false;
    start(c);
    sn->onTopologyChange(t(1));
    EXPECT_EQ(routerFlags(), (std::vector<bool>{false, false, true}));
    c.tcn.flood = false;
    sn->setConfig(c, t(2));
    EXPECT_FALSE(sn->flood().active);
    EXPECT_EQ(std::get<FloodEnded>(sn->takeEvents().back()).reason, FloodEndReason::Disabled);
    sn->onTopologyChange(t(3));
    EXPECT_FALSE(sn->flood().active);
}

TEST_F(Tcn, PortStartingToForwardGetsSolicitations) {
    SnooperConfig c;
    c.mrouter.mrdSolicit = true;
    start(c);
    sn->setOwnQuerierActive(Family::V6, true, t(0));
    sn->portStpState(P2, StpState::Forwarding, t(1));
    const auto out = sn->takeOutbound();
    ASSERT_EQ(out.size(), 3u);
    for (const auto& o : out) EXPECT_EQ(o.port, P2);
    EXPECT_TRUE(std::holds_alternative<MrdSolicitation>(out[0].msg));
    EXPECT_TRUE(std::holds_alternative<MrdSolicitation>(out[1].msg));
    EXPECT_EQ(std::get<GeneralQueryRequest>(out[2].msg).family, Family::V6);
}

}  // namespace
}  // namespace mcs::core::test
