// Older-version querier present: RFC 9776 §6.6.2 ("MUST use the oldest version of IGMP on
// the network"), §7.3.1; RFC 9777 §8.3.1. And what we do NOT do: RFC 9776 §7.3.2 / RFC
// 9777 §8.3.2 group compatibility modes change how the core reads reports; the querier
// keeps its version for them (RFC 9777 §8.3.2: "the Querier continues to send MLDv2
// queries, regardless of its Multicast Address Compatibility Mode").
#include "harness.h"

namespace mcs::querier::test {
namespace {

struct Fixture {
    FakeClock clock;
    TimePoint t0 = clock.now;
    Querier q;
    explicit Fixture(QuerierConfig c, Identity id = v4Identity())
        : q(id, kL2, [&] {
              c.startupQueryCount = 1;
              return c;
          }(), clock.now) {
        q.takeOutbound();
        q.takeEvents();
    }
};

TEST(QuerierVersion, FallsBackToIgmpV2AndReturns) {
    Fixture f(fast(v4Config("192.0.2.10")));
    // An IGMPv2 router with a higher address: we stay querier but must speak v2.
    f.clock.advance(1s);
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV2, 2000), f.clock.now);
    const TimePoint heard = f.clock.now;
    EXPECT_EQ(f.q.state(), QuerierState::Querier);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV2);
    EXPECT_EQ(f.q.electedQuerier()->version, ProtoVersion::IgmpV2);
    auto vc = eventsOf<VersionChanged>(f.q.takeEvents());
    ASSERT_EQ(vc.size(), 1u);
    EXPECT_EQ(vc[0].from, ProtoVersion::IgmpV3);
    EXPECT_EQ(vc[0].to, ProtoVersion::IgmpV2);
    EXPECT_EQ(vc[0].olderQuerier, ip("192.0.2.20"));
    // Timer: RV*QI + QRI = 22 s in the fast profile.
    EXPECT_EQ(f.q.timers().olderVersionQuerierV2, heard + 22s);

    auto sent = runUntil(f.q, f.clock, heard + 21s);
    ASSERT_EQ(sent.size(), 2u);   // t0+10, t0+20
    for (const auto& s : sent) {
        EXPECT_EQ(s.out.spec.version, ProtoVersion::IgmpV2);
        EXPECT_EQ(decodedQuery(s.out).version, ProtoVersion::IgmpV2);
        EXPECT_EQ(s.out.frame.size(), 14u + 24u + 8u);   // truncated at the group field
    }
    // No more v2 queries: back to v3 when the timer runs out.
    sent = runUntil(f.q, f.clock, heard + 30s);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV3);
    vc = eventsOf<VersionChanged>(f.q.takeEvents());
    ASSERT_EQ(vc.size(), 1u);
    EXPECT_EQ(vc[0].to, ProtoVersion::IgmpV3);
    EXPECT_FALSE(vc[0].olderQuerier);
    ASSERT_EQ(sent.size(), 1u);   // t0+30
    EXPECT_EQ(decodedQuery(sent[0].out).version, ProtoVersion::IgmpV3);
}

TEST(QuerierVersion, StaysDownWhileTheOlderQuerierIsHeard) {
    Fixture f(fast(v4Config("192.0.2.10")));
    for (int i = 0; i < 10; ++i) {
        f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV2, 2000), f.clock.now);
        runFor(f.q, f.clock, 10s);
        EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV2);
    }
    EXPECT_EQ(f.q.counters().olderVersionQueries, 10u);
}

TEST(QuerierVersion, LowerOlderQuerierElectedAndFollowed) {
    Fixture f(fast(v4Config("192.0.2.10")));
    f.q.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV2, 2000), f.t0);
    EXPECT_EQ(f.q.state(), QuerierState::NonQuerier);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV2);
    EXPECT_EQ(f.q.electedQuerier()->version, ProtoVersion::IgmpV2);
    // It dies: OQPI (21 s) ends first, we take over in v2; v3 follows at 22 s.
    auto sent = runUntil(f.q, f.clock, f.t0 + 35s);
    ASSERT_GE(sent.size(), 2u);
    EXPECT_EQ(sent[0].at, f.t0 + 21s);
    EXPECT_EQ(sent[0].out.spec.version, ProtoVersion::IgmpV2);
    EXPECT_EQ(sent[1].at, f.t0 + 31s);
    EXPECT_EQ(sent[1].out.spec.version, ProtoVersion::IgmpV3);
}

TEST(QuerierVersion, IgmpV1QueryMeansV1) {
    Fixture f(fast(v4Config("192.0.2.10")));
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV1, 10000), f.t0);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV1);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.1.1.1"), true, {}}, f.t0),
              SpecificQueryResult::NotSupportedByVersion);
    auto sent = runFor(f.q, f.clock, 10s);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(decodedQuery(sent[0].out).version, ProtoVersion::IgmpV1);
    // A v2 query as well: v1 wins while both timers run.
    f.q.onQueryReceived(ip("192.0.2.21"), generalQuery(ProtoVersion::IgmpV2, 2000), f.clock.now);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV1);
    // v1 timer (set at t0) ends at t0+22, v2 (set at t0+10) at t0+32.
    runUntil(f.q, f.clock, f.t0 + 22s);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV2);
    runUntil(f.q, f.clock, f.t0 + 32s);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV3);
}

TEST(QuerierVersion, MldV2FallsBackToMldV1) {
    Fixture f(fast(v6Config("fe80::10")), v6Identity());
    f.q.onQueryReceived(ip("fe80::20"), generalQuery(ProtoVersion::MldV1, 2000), f.t0);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::MldV1);
    auto sent = runFor(f.q, f.clock, 10s);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(decodedQuery(sent[0].out).version, ProtoVersion::MldV1);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("ff3e::1"), false, {ip("2001:db8::1")}}, f.clock.now),
              SpecificQueryResult::NotSupportedByVersion);
    runUntil(f.q, f.clock, f.t0 + 22s);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::MldV2);
}

TEST(QuerierVersion, GroupSpecificOlderQueryDoesNotSwitch) {
    Fixture f(fast(v4Config("192.0.2.10")));
    wire::Query gsq = generalQuery(ProtoVersion::IgmpV2, 1000);
    gsq.group = ip("239.1.1.1");
    f.q.onQueryReceived(ip("192.0.2.20"), gsq, f.t0);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV3);
}

TEST(QuerierVersion, PendingSourceQueriesAreDroppedAfterFallback) {
    Fixture f(fast(v4Config("192.0.2.10")));
    f.q.requestSpecificQuery({ip("239.1.1.1"), true, {ip("198.51.100.1")}}, f.t0);
    EXPECT_EQ(f.q.takeOutbound().size(), 2u);
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV2, 2000), f.t0 + 100ms);
    auto sent = runUntil(f.q, f.clock, f.t0 + 5s);
    ASSERT_EQ(sent.size(), 1u);   // the Q(G) retransmission, in v2
    EXPECT_EQ(sent[0].out.kind, QueryKind::GroupSpecific);
    EXPECT_EQ(decodedQuery(sent[0].out).version, ProtoVersion::IgmpV2);
}

TEST(QuerierVersion, WithoutFollowingOnlyWarnsRateLimited) {
    QuerierConfig c = fast(v4Config("192.0.2.10"));
    c.followOlderVersion = false;
    Fixture f(c);
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV2, 2000), f.t0);
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV2, 2000), f.t0 + 10s);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV3);
    EXPECT_FALSE(f.q.timers().olderVersionQuerierV2);
    auto mm = eventsOf<VersionMismatch>(f.q.takeEvents());
    ASSERT_EQ(mm.size(), 1u);   // RFC 9776 §7.3.1: warnings MUST be rate-limited
    EXPECT_EQ(mm[0].from, ip("192.0.2.20"));
    EXPECT_EQ(mm[0].heard, ProtoVersion::IgmpV2);
    EXPECT_EQ(mm[0].configured, ProtoVersion::IgmpV3);
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV2, 2000),
                        f.t0 + Querier::kVersionWarningInterval);
    EXPECT_EQ(eventsOf<VersionMismatch>(f.q.takeEvents()).size(), 1u);
    EXPECT_EQ(f.q.counters().olderVersionQueries, 3u);
    EXPECT_EQ(f.q.counters().versionWarnings, 2u);
}

TEST(QuerierVersion, ConfiguredOlderVersionWarnsAboutNewerQueries) {
    Fixture f(fast(v4Config("192.0.2.10", ProtoVersion::IgmpV2)));
    f.q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV3, 2000, 2, 10), f.t0);
    EXPECT_EQ(f.q.operatingVersion(), ProtoVersion::IgmpV2);
    EXPECT_EQ(f.q.counters().newerVersionQueries, 1u);
    auto mm = eventsOf<VersionMismatch>(f.q.takeEvents());
    ASSERT_EQ(mm.size(), 1u);
    EXPECT_EQ(mm[0].heard, ProtoVersion::IgmpV3);
}

TEST(QuerierVersion, ConfigChangeToOlderVersionIsNotAFallback) {
    Fixture f(fast(v4Config("192.0.2.10")));
    EXPECT_FALSE(f.q.setConfig(fast(v4Config("192.0.2.10", ProtoVersion::IgmpV2)), f.t0));
    auto vc = eventsOf<VersionChanged>(f.q.takeEvents());
    ASSERT_EQ(vc.size(), 1u);
    EXPECT_EQ(vc[0].to, ProtoVersion::IgmpV2);
    EXPECT_FALSE(vc[0].olderQuerier);
}

}  // namespace
}  // namespace mcs::querier::test
