// Multicast router port discovery (RFC 4541 §2.1.1 (2)) and querier tracking.
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

class Mrouter : public ::testing::Test {
protected:
    void SetUp() override {
        sn.portAdded(P1, "p1", t(0));
        sn.portAdded(R, "uplink", t(0));
        sn.takeEvents();
    }
    std::vector<IfIndex> routers(Family f) const {
        std::vector<IfIndex> v;
        for (const auto& m : sn.mrouterPorts(f)) v.push_back(m.port);
        return v;
    }
    Plan v4{Family::V4};
    Plan v6{Family::V6};
    Snooper sn{"br0", IfIndex{100}, VlanId{1}, SnooperConfig{}};
    IfIndex P1{1}, R{9};
};

TEST_F(Mrouter, GeneralQueryMarksRouterPortUntilOtherQuerierPresentInterval) {
    EXPECT_EQ(sn.onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(0)).action, RxAction::KernelFlood);
    EXPECT_EQ(routers(Family::V4), std::vector<IfIndex>{R});
    EXPECT_TRUE(routers(Family::V6).empty());          // families are kept apart
    const auto ev = sn.takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    const auto& c = std::get<MrouterPortChanged>(ev[0]);
    EXPECT_TRUE(c.on);
    EXPECT_EQ(c.origin, MrouterOrigin::Query);
    EXPECT_EQ(sn.mrouterPorts(Family::V4)[0].evidence[0].expiry, t(255));   // RV*QI + QRI/2
    EXPECT_TRUE(sn.desiredPorts()[1].mcastRouter);
    runUntil(sn, t(255));
    EXPECT_TRUE(routers(Family::V4).empty());
    EXPECT_FALSE(std::get<MrouterPortChanged>(sn.takeEvents().at(0)).on);
}

TEST_F(Mrouter, ProxyQueriesFromUnspecifiedSourceMarkNothing) {
    sn.onMessage(R, query(ProtoVersion::IgmpV2, IpAddr{}, {}), t(0));
    sn.onMessage(R, query(ProtoVersion::MldV2, IpAddr::unspecified(Family::V6), {}), t(0));
    EXPECT_TRUE(routers(Family::V4).empty());
    EXPECT_TRUE(routers(Family::V6).empty());
    EXPECT_FALSE(sn.querier(Family::V4).has_value());  // not in the election either
    EXPECT_EQ(sn.counters().get(Cause::ProxyQuery), 2u);
}

TEST_F(Mrouter, GroupSpecificQueriesMarkNothing) {
    sn.onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), v4.group()), t(0));
    EXPECT_TRUE(routers(Family::V4).empty());
}

TEST_F(Mrouter, PimHelloHoldtimeGoodbyeAndForever) {
    sn.onMessage(R, pimHello(v4.router(), 105), t(0));
    sn.onMessage(P1, pimHello(v6.router(), 0xffff), t(0));
    EXPECT_EQ(routers(Family::V4), std::vector<IfIndex>{R});
    EXPECT_EQ(routers(Family::V6), std::vector<IfIndex>{P1});   // PIMv6 hellos count too
    EXPECT_EQ(sn.mrouterPorts(Family::V4)[0].evidence[0].origin, MrouterOrigin::Pim);
    runUntil(sn, t(104));
    EXPECT_EQ(routers(Family::V4), std::vector<IfIndex>{R});
    sn.onMessage(R, pimHello(v4.router(), 105), t(100));          // refresh
    runUntil(sn, t(200));
    EXPECT_EQ(routers(Family::V4), std::vector<IfIndex>{R});
    sn.onMessage(R, pimHello(v4.router(), 0), t(201));            // goodbye
    EXPECT_TRUE(routers(Family::V4).empty());
    runUntil(sn, t(100000));
    EXPECT_EQ(routers(Family::V6), std::vector<IfIndex>{P1});     // 0xffff never expires
}

TEST_F(Mrouter, MrdAdvertisementAgesAtThreeIntervalsAndTerminationRemoves) {
    sn.onMessage(R, frame(v4.router(), wire::MrdAdvertisement{20, 125, 2}), t(0));
    EXPECT_EQ(sn.mrouterPorts(Family::V4).at(0).evidence.at(0).expiry, t(60));
    sn.onMessage(P1, frame(v6.router(), wire::MrdAdvertisement{10, 125, 2}), t(0));
    sn.onMessage(P1, frame(v6.router(), wire::MrdTermination{}), t(5));
    EXPECT_TRUE(routers(Family::V6).empty());
    runUntil(sn, t(60));
    EXPECT_TRUE(routers(Family::V4).empty());
}

TEST_F(Mrouter, SeveralEvidenceKindsKeepThePortUntilTheLastGoes) {
    sn.onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(0));
    sn.onMessage(R, pimHello(v4.router(), 1000), t(0));
    runUntil(sn, t(300));
    EXPECT_EQ(routers(Family::V4), std::vector<IfIndex>{R});
    ASSERT_EQ(sn.mrouterPorts(Family::V4)[0].evidence.size(), 1u);
    EXPECT_EQ(sn.mrouterPorts(Family::V4)[0].evidence[0].origin, MrouterOrigin::Pim);
    sn.takeEvents();
    runUntil(sn, t(1000));
    const auto ev = sn.takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(std::get<MrouterPortChanged>(ev[0]).origin, MrouterOrigin::Pim);
}

TEST_F(Mrouter, NothingIsLearnedOnANonForwardingPort) {
    sn.portStpState(R, StpState::Learning, t(0));
    const auto v = sn.onMessage(R, query(ProtoVersion::IgmpV3, v4.router(), {}), t(1));
    EXPECT_EQ(v.action, RxAction::Drop);
    EXPECT_EQ(v.reason, Cause::StpBlocked);
    EXPECT_TRUE(routers(Family::V4).empty());
}

TEST_F(Mrouter, PortDownDropsLearnedRouterPorts) {
    sn.onMessage(R, query(ProtoVersion::MldV2, v6.router(), {}), t(0));
    sn.portDown(R, t(1));
    EXPECT_TRUE(routers(Family::V6).empty());
}

TEST_F(Mrouter, LowestQuerierAddressWinsAndItsValuesAreAdopted) {
    sn.onMessage(R, query(ProtoVersion::IgmpV3, ip("192.0.2.20"), {}, {}, 5000, false, 3, 60), t(0));
    sn.onMessage(P1, query(ProtoVersion::IgmpV3, ip("192.0.2.30"), {}, {}, 10000, false, 2, 125), t(1));
    auto q = sn.querier(Family::V4);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->address, ip("192.0.2.20"));
    EXPECT_EQ(q->port, R);
    auto tm = sn.timers(Family::V4);
    EXPECT_TRUE(tm.adoptedFromQuerier);
    EXPECT_EQ(tm.robustness, 3);
    EXPECT_EQ(tm.membershipInterval, seconds(3 * 60 + 5));       // RV*QI + QRI
    EXPECT_EQ(tm.otherQuerierPresent, milliseconds(3 * 60000 + 2500));
    EXPECT_EQ(tm.lastMemberQueryTime, seconds(3));                // LMQC defaults to RV
    // Both ports are router ports (RFC 4541: any query not from 0.0.0.0).
    EXPECT_EQ(routers(Family::V4), (std::vector<IfIndex>{P1, R}));
    // A lower address takes over.
    sn.onMessage(P1, query(ProtoVersion::IgmpV2, ip("192.0.2.10"), {}, {}, 10000, false, 0, 0), t(2));
    q = sn.querier(Family::V4);
    EXPECT_EQ(q->address, ip("192.0.2.10"));
    EXPECT_EQ(q->version, ProtoVersion::IgmpV2);
    EXPECT_EQ(sn.timers(Family::V4).membershipInterval, seconds(260));   // v2: no QRV/QQIC
    // The querier disappears: configured values again.
    runUntil(sn, t(2) + seconds(255));
    EXPECT_FALSE(sn.querier(Family::V4).has_value());
    EXPECT_FALSE(sn.timers(Family::V4).adoptedFromQuerier);
}

TEST_F(Mrouter, AdoptedGmiAppliesToMemberships) {
    sn.onMessage(R, query(ProtoVersion::MldV2, v6.router(), {}, {}, 2000, false, 2, 10), t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::MldV1, v6.host(1), v6.group()), t(1));
    EXPECT_EQ(state(sn, v6.group(), P1).groupTimer, t(1) + seconds(22));   // fast profile F
}

}  // namespace
}  // namespace mcs::core::test
