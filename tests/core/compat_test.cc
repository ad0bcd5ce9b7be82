// Older-host compatibility (RFC 9776 §7.3.2, RFC 9777 §8.3.2) and the IGMPv2 /
// MLDv1 router state machines (RFC 2236 §7, RFC 2710 §6) as applied per port.
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

constexpr auto kGmi = seconds(260);

class Compat : public ::testing::Test {
protected:
    void SetUp() override {
        sn.portAdded(P1, "p1", t(0));
        sn.portAdded(R, "uplink", t(0));
    }
    Plan v4{Family::V4};
    Plan v6{Family::V6};
    Snooper sn{"br0", IfIndex{100}, VlanId{1}, SnooperConfig{}};
    IfIndex P1{1}, R{9};
};

TEST_F(Compat, IgmpV2ReportJoinsAsExcludeNoneInV2Mode) {
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(0));
    const auto s = state(sn, v4.group(), P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);            // IS_EX({})
    EXPECT_TRUE(s.sources.empty());
    EXPECT_EQ(s.groupTimer, t(0) + kGmi);
    EXPECT_EQ(s.compat, CompatMode::IgmpV2);
    EXPECT_EQ(s.olderV2HostUntil, t(0) + kGmi);        // OHPI = RV*QI + QRI
}

TEST_F(Compat, V2ModeIgnoresBlock) {
    sn.setOwnQuerierActive(Family::V4, true, t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(0));
    sn.onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::IsInclude, v4.group(), v4.srcs({1}))}), t(1));
    sn.onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::BlockOldSources, v4.group(), v4.srcs({1}))}), t(2));
    EXPECT_EQ(sn.counters().get(Cause::CompatBlockIgnored), 1u);
    EXPECT_TRUE(groupQueries(sn.takeOutbound()).empty());   // processed, it would query 1
    EXPECT_EQ(timerOf(state(sn, v4.group(), P1), v4.src(1)), t(1) + kGmi);
}

TEST_F(Compat, V2ModeTreatsToExWithSourcesAsToExNone) {
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(0));
    sn.onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::ToExclude, v4.group(), v4.srcs({1, 2}))}), t(1));
    const auto s = state(sn, v4.group(), P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_TRUE(blocked(s).empty());                   // nothing blocked: v2 hosts want all
}

TEST_F(Compat, V1HostPresentIgnoresV2LeaveAndToIn) {
    sn.setOwnQuerierActive(Family::V4, true, t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV1, v4.host(1), v4.group()), t(0));
    EXPECT_EQ(state(sn, v4.group(), P1).compat, CompatMode::IgmpV1);
    const auto verdict = sn.onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(2), v4.group()), t(10));
    EXPECT_EQ(verdict.action, RxAction::Forward);      // still told to the routers
    sn.onMessage(P1, v3report(v4, v4.host(3), {rec(RecordType::ToInclude, v4.group())}), t(11));
    EXPECT_EQ(sn.counters().get(Cause::V1LeaveIgnored), 2u);
    EXPECT_TRUE(groupQueries(sn.takeOutbound()).empty());
    EXPECT_EQ(state(sn, v4.group(), P1).groupTimer, t(0) + kGmi);
    runUntil(sn, t(100));
    EXPECT_TRUE(hasState(sn, v4.group(), P1));
}

TEST_F(Compat, HostPresentTimerExpiryReturnsToV3) {
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(0));
    // v3 host keeps the group alive with current-state records.
    for (int i = 1; i <= 2; ++i)
        sn.onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::IsExclude, v4.group(), v4.srcs({5}))}), t(125 * i));
    runUntil(sn, t(259));
    EXPECT_EQ(state(sn, v4.group(), P1).compat, CompatMode::IgmpV2);
    runUntil(sn, t(261));
    const auto s = state(sn, v4.group(), P1);
    EXPECT_EQ(s.compat, CompatMode::IgmpV3);
    EXPECT_FALSE(s.olderV2HostUntil.has_value());
    // BLOCK is processed again (sources rebuilt from v3 reports).
    sn.onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::BlockOldSources, v4.group(), v4.srcs({7}))}), t(262));
    EXPECT_EQ(sn.counters().get(Cause::CompatBlockIgnored), 0u);
    EXPECT_EQ(running(state(sn, v4.group(), P1)), v4.srcs({5, 7}));   // 7: (A-X-Y) = group timer
}

TEST_F(Compat, V1TimerExpiryLetsV2LeaveWorkAgain) {
    sn.setOwnQuerierActive(Family::V4, true, t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV1, v4.host(1), v4.group()), t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(2), v4.group()), t(200));
    runUntil(sn, t(261));                               // v1 host timer gone, v2 still runs
    EXPECT_EQ(state(sn, v4.group(), P1).compat, CompatMode::IgmpV2);
    sn.onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(2), v4.group()), t(300));
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].mode, CompatMode::IgmpV2);          // the querier sends a v2 GSQ
    EXPECT_TRUE(q[0].sources.empty());
    runUntil(sn, t(302));
    EXPECT_FALSE(hasState(sn, v4.group(), P1));
}

TEST_F(Compat, V2LeaveAsQuerierQueriesAndExpiresAfterLmqt) {
    sn.setOwnQuerierActive(Family::V4, true, t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(0));
    sn.takeEvents();
    sn.onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(50));
    EXPECT_EQ(state(sn, v4.group(), P1).groupTimer, t(52));   // RFC 2236: start timer* = LMQT
    EXPECT_EQ(groupQueries(sn.takeOutbound()).size(), 1u);
    runUntil(sn, t(51));
    EXPECT_EQ(groupQueries(sn.takeOutbound()).size(), 1u);    // LMQC = 2 transmissions
    runUntil(sn, t(52));
    EXPECT_FALSE(hasState(sn, v4.group(), P1));
    const auto ev = sn.takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(std::get<GroupLeft>(ev[0]).reason, LeaveReason::Expired);
}

TEST_F(Compat, V2LeaveAsNonQuerierWaitsForTheQueriersGsq) {
    sn.onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(0));
    sn.onMessage(P1, leave(ProtoVersion::IgmpV2, v4.host(1), v4.group()), t(50));
    EXPECT_EQ(state(sn, v4.group(), P1).groupTimer, t(0) + kGmi);
    // RFC 2236 §7 non-querier: GSQ -> start timer* = Max Resp Time x LMQC.
    sn.onMessage(R, query(ProtoVersion::IgmpV2, v4.router(), v4.group(), {}, 1000, false, 0), t(50.1));
    EXPECT_EQ(state(sn, v4.group(), P1).groupTimer, t(52.1));
    runUntil(sn, t(52.1));
    EXPECT_FALSE(hasState(sn, v4.group(), P1));
}

TEST_F(Compat, MldV1ReportSetsMldV1ModeAndDoneLeaves) {
    sn.setOwnQuerierActive(Family::V6, true, t(0));
    sn.onMessage(P1, oldReport(ProtoVersion::MldV1, v6.host(1), v6.group()), t(0));
    auto s = state(sn, v6.group(), P1);
    EXPECT_EQ(s.compat, CompatMode::MldV1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    // MLDv2 BLOCK is ignored while an MLDv1 listener is present (RFC 9777 §8.3.2).
    sn.onMessage(P1, v3report(v6, v6.host(2), {rec(RecordType::BlockOldSources, v6.group(), v6.srcs({1}))}), t(1));
    EXPECT_EQ(sn.counters().get(Cause::CompatBlockIgnored), 1u);
    sn.onMessage(P1, leave(ProtoVersion::MldV1, v6.host(1), v6.group()), t(10));   // Done = TO_IN({})
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].family, Family::V6);
    EXPECT_EQ(q[0].mode, CompatMode::MldV1);
    runUntil(sn, t(12));
    EXPECT_FALSE(hasState(sn, v6.group(), P1));
}

TEST_F(Compat, MldV1ListenerTimerExpiryReturnsToMldV2) {
    sn.onMessage(P1, oldReport(ProtoVersion::MldV1, v6.host(1), v6.group()), t(0));
    sn.onMessage(P1, v3report(v6, v6.host(2), {rec(RecordType::IsExclude, v6.group())}), t(200));
    runUntil(sn, t(261));
    EXPECT_EQ(state(sn, v6.group(), P1).compat, CompatMode::MldV2);
}

}  // namespace
}  // namespace mcs::core::test
