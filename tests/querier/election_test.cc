// Startup burst, periodic queries and the querier election (RFC 2236 §3/§7, RFC 9776
// §6.6.2/§8.5-§8.7, RFC 9777 §7.6.2, RFC 4541 §2.1.1 for 0.0.0.0/:: sources).
#include "harness.h"

namespace mcs::querier::test {
namespace {

std::vector<Duration> offsets(const std::vector<Sent>& s, TimePoint t0) {
    std::vector<Duration> r;
    for (const auto& x : s) r.push_back(std::chrono::duration_cast<Duration>(x.at - t0));
    return r;
}

TEST(QuerierStartup, DefaultBurstIsRobustnessQueriesAtQuarterInterval) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    Querier q(v4Identity(), kL2, v4Config(), t0);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    auto sent = runUntil(q, clock, t0 + 300s);
    // RFC 9776 §8.6/§8.7: SQC = RV = 2 queries SQI = QI/4 = 31.25 s apart, then every QI.
    EXPECT_EQ(offsets(sent, t0), (std::vector<Duration>{0ms, 31250ms, 156250ms, 281250ms}));
    ASSERT_EQ(sent.size(), 4u);
    EXPECT_EQ(sent[0].out.reason, QueryReason::Startup);
    EXPECT_EQ(sent[1].out.reason, QueryReason::Startup);
    EXPECT_EQ(sent[2].out.reason, QueryReason::Periodic);
    EXPECT_EQ(q.counters().startupQueriesSent, 2u);
    EXPECT_EQ(q.counters().periodicQueriesSent, 2u);
    EXPECT_EQ(q.counters().generalQueriesSent, 4u);
    for (const auto& s : sent) {
        EXPECT_EQ(s.out.kind, QueryKind::General);
        EXPECT_EQ(s.out.target, TxTarget::FloodVlan);
        EXPECT_EQ(s.out.bridge, IfIndex{10});
    }
}

TEST(QuerierStartup, ConfiguredCountAndInterval) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config());
    c.startupQueryCount = 4;
    c.startupQueryInterval = 1s;
    Querier q(v4Identity(), kL2, c, t0);
    EXPECT_EQ(q.timers().startupQueriesLeft, 3u);
    auto sent = runUntil(q, clock, t0 + 25s);
    EXPECT_EQ(offsets(sent, t0), (std::vector<Duration>{0s, 1s, 2s, 3s, 13s, 23s}));
    EXPECT_EQ(q.counters().startupQueriesSent, 4u);
}

TEST(QuerierStartup, ZeroStartupCountStillSendsTheFirstQuery) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config());
    c.startupQueryCount = 0;
    Querier q(v4Identity(), kL2, c, t0);
    auto sent = runUntil(q, clock, t0 + 21s);
    EXPECT_EQ(offsets(sent, t0), (std::vector<Duration>{0s, 10s, 20s}));
}

TEST(QuerierPeriodic, OneGeneralQueryPerQueryInterval) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config());
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, t0);
    auto sent = runUntil(q, clock, t0 + 100s);
    ASSERT_EQ(sent.size(), 11u);
    for (size_t i = 1; i < sent.size(); ++i) EXPECT_EQ(sent[i].at - sent[i - 1].at, 10s);
    EXPECT_EQ(q.timers().nextGeneralQuery, t0 + 110s);
    EXPECT_EQ(q.nextDeadline(), t0 + 110s);
}

TEST(QuerierPeriodic, LateTimerDoesNotBurst) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config());
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, clock.now);
    q.takeOutbound();
    clock.advance(35s);   // the loop was stuck for three intervals
    q.onTimer(clock.now);
    EXPECT_EQ(q.takeOutbound().size(), 1u);
    EXPECT_EQ(q.nextDeadline(), clock.now + 10s);
}

TEST(QuerierElection, LosesToLowerAddressAndStopsQuerying) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, fast(v4Config("192.0.2.10")), clock.now);
    q.takeOutbound();
    q.takeEvents();
    clock.advance(1s);
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    ASSERT_TRUE(q.electedQuerier());
    EXPECT_EQ(q.electedQuerier()->address, ip("192.0.2.5"));
    EXPECT_FALSE(q.electedQuerier()->self);
    EXPECT_EQ(q.counters().electionsLost, 1u);
    // Other Querier Present Interval (RFC 9776 §8.5) = 2*10 + 2/2 = 21 s.
    EXPECT_EQ(q.timers().otherQuerierPresent, clock.now + 21s);
    EXPECT_FALSE(q.timers().nextGeneralQuery);

    auto ev = q.takeEvents();
    auto st = eventsOf<StateChanged>(ev);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_EQ(st[0].from, QuerierState::Querier);
    EXPECT_EQ(st[0].to, QuerierState::NonQuerier);
    auto qc = eventsOf<QuerierChanged>(ev);
    ASSERT_EQ(qc.size(), 1u);
    ASSERT_TRUE(qc[0].from && qc[0].to);
    EXPECT_TRUE(qc[0].from->self);
    EXPECT_EQ(qc[0].from->address, ip("192.0.2.10"));
    EXPECT_EQ(qc[0].to->address, ip("192.0.2.5"));

    // Kept quiet while the other querier keeps querying.
    std::vector<Sent> sent;
    for (int i = 0; i < 10; ++i) {
        auto s = runFor(q, clock, 10s);
        sent.insert(sent.end(), s.begin(), s.end());
        q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    }
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
}

TEST(QuerierElection, WinsAgainstHigherAddress) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config("192.0.2.10"));
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, t0);
    q.takeEvents();
    q.onQueryReceived(ip("192.0.2.11"), generalQuery(ProtoVersion::IgmpV3), t0 + 1s);
    q.onQueryReceived(ip("198.51.100.1"), generalQuery(ProtoVersion::IgmpV3), t0 + 2s);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    EXPECT_TRUE(q.electedQuerier()->self);
    EXPECT_EQ(q.counters().electionsWon, 2u);
    EXPECT_TRUE(q.takeEvents().empty());
    auto sent = runUntil(q, clock, t0 + 30s);
    EXPECT_EQ(sent.size(), 4u);   // 0, 10, 20, 30
}

TEST(QuerierElection, NumericNotTextualOrder) {
    // 192.0.2.9 < 192.0.2.10 numerically (textually it is the other way round).
    EXPECT_TRUE(lowerForElection(ip("192.0.2.9"), ip("192.0.2.10")));
    EXPECT_TRUE(lowerForElection(ip("10.0.0.1"), ip("9.255.255.255")) == false);
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    q.onQueryReceived(ip("192.0.2.9"), generalQuery(ProtoVersion::IgmpV3), clock.now);
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
}

TEST(QuerierElection, Ipv6ComparesInterfaceIdentifier) {
    // RFC 9777 §7.6.2: the last 64 bits decide.
    EXPECT_TRUE(lowerForElection(ip("fe80:0:0:1::1"), ip("fe80::2")));
    EXPECT_FALSE(lowerForElection(ip("fe80::2"), ip("fe80:0:0:1::1")));
    EXPECT_TRUE(lowerForElection(ip("fe80::1"), ip("fe80::2")));
    FakeClock clock;
    Querier q(v6Identity(), kL2, v6Config("fe80::2"), clock.now);
    q.onQueryReceived(ip("fe80::3"), generalQuery(ProtoVersion::MldV2), clock.now);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    q.onQueryReceived(ip("fe80:0:0:1::1"), generalQuery(ProtoVersion::MldV2), clock.now);
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    EXPECT_EQ(q.electedQuerier()->address, ip("fe80:0:0:1::1"));
}

TEST(QuerierElection, UnspecifiedSourcesNeverWin) {
    FakeClock clock;
    Querier q4(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    q4.onQueryReceived(ip("0.0.0.0"), generalQuery(ProtoVersion::IgmpV2), clock.now);
    EXPECT_EQ(q4.state(), QuerierState::Querier);
    EXPECT_EQ(q4.counters().queriesFromProxy, 1u);
    EXPECT_EQ(q4.counters().olderVersionQueries, 0u) << "a proxy is no older-version router";
    EXPECT_EQ(q4.operatingVersion(), ProtoVersion::IgmpV3);

    Querier q6(v6Identity(), kL2, v6Config("fe80::10"), clock.now);
    q6.onQueryReceived(ip("::"), generalQuery(ProtoVersion::MldV2), clock.now);
    EXPECT_EQ(q6.state(), QuerierState::Querier);
    EXPECT_EQ(q6.counters().queriesFromProxy, 1u);
    // RFC 9777 §5.1.14: a query from a global address is discarded.
    q6.onQueryReceived(ip("2001:db8::1"), generalQuery(ProtoVersion::MldV2), clock.now);
    EXPECT_EQ(q6.state(), QuerierState::Querier);
    EXPECT_EQ(q6.counters().queriesNotLinkLocal, 1u);
    // Wrong family.
    q6.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV3), clock.now);
    EXPECT_EQ(q6.counters().queriesWrongFamily, 1u);
}

TEST(QuerierElection, ProxyModeSendsFromZeroAndNeverWins) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    Querier q(v4Identity(), kL2, fast(v4Config("0.0.0.0")), t0);
    EXPECT_TRUE(q.proxyMode());
    EXPECT_EQ(q.state(), QuerierState::Querier);   // nobody else: we query
    auto sent = q.takeOutbound();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].spec.src, ip("0.0.0.0"));
    EXPECT_EQ(decoded(sent[0]).src, ip("0.0.0.0"));
    EXPECT_EQ(q.electedQuerier()->address, ip("0.0.0.0"));
    EXPECT_TRUE(q.electedQuerier()->self);
    // The highest router address beats a proxy querier.
    q.onQueryReceived(ip("255.255.255.254"), generalQuery(ProtoVersion::IgmpV3, 2000), t0 + 1s);
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    EXPECT_EQ(q.electedQuerier()->address, ip("255.255.255.254"));
    // Another proxy does not take part.
    Querier p(v4Identity(), kL2, fast(v4Config("0.0.0.0")), t0);
    p.onQueryReceived(ip("0.0.0.0"), generalQuery(ProtoVersion::IgmpV3), t0 + 1s);
    EXPECT_EQ(p.state(), QuerierState::Querier);
    // After the router is gone, the proxy queries again.
    clock.now = t0 + 1s;
    auto later = runUntil(q, clock, t0 + 1s + 21s);
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].out.reason, QueryReason::Takeover);
    EXPECT_EQ(later[0].out.spec.src, ip("0.0.0.0"));
}

TEST(QuerierElection, TakeoverAfterOtherQuerierPresentInterval) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config("192.0.2.10"));
    Querier q(v4Identity(), kL2, c, clock.now);
    q.takeOutbound();
    clock.advance(1s);
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    // The other querier refreshes us for a while, then dies.
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(runFor(q, clock, 10s).empty());
        q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    }
    const TimePoint last = clock.now;
    q.takeEvents();
    auto sent = runUntil(q, clock, last + 21s - 1ms);
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    sent = runUntil(q, clock, last + 21s + 25s);
    // RFC 2236 §7: on expiry "send general query, start general query timer" (no burst).
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[0].at, last + 21s);
    EXPECT_EQ(sent[0].out.reason, QueryReason::Takeover);
    EXPECT_EQ(sent[1].at, last + 31s);
    EXPECT_EQ(sent[1].out.reason, QueryReason::Periodic);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    EXPECT_EQ(q.counters().takeovers, 1u);
    EXPECT_EQ(q.counters().otherQuerierTimeouts, 1u);
    auto qc = eventsOf<QuerierChanged>(q.takeEvents());
    ASSERT_EQ(qc.size(), 1u);
    EXPECT_EQ(qc[0].from->address, ip("192.0.2.5"));
    EXPECT_TRUE(qc[0].to->self);
}

TEST(QuerierElection, QueryBetweenUsAndElectedDoesNotRefreshTimer) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    Querier q(v4Identity(), kL2, fast(v4Config("192.0.2.10")), t0);
    q.onQueryReceived(ip("192.0.2.3"), generalQuery(ProtoVersion::IgmpV3, 2000), t0);
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 2000), t0 + 5s);
    EXPECT_EQ(q.electedQuerier()->address, ip("192.0.2.3"));
    EXPECT_EQ(q.counters().queriesNotElected, 1u);
    EXPECT_EQ(q.timers().otherQuerierPresent, t0 + 21s);
    // An even lower one takes over the role of elected querier.
    q.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV3, 2000), t0 + 6s);
    EXPECT_EQ(q.electedQuerier()->address, ip("192.0.2.1"));
    EXPECT_EQ(q.timers().otherQuerierPresent, t0 + 27s);
}

TEST(QuerierElection, SpecificQueriesDoNotElect) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    wire::Query gsq = generalQuery(ProtoVersion::IgmpV3, 1000);
    gsq.group = ip("239.1.1.1");
    q.onQueryReceived(ip("192.0.2.1"), gsq, clock.now);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    EXPECT_EQ(q.counters().specificQueriesHeard, 1u);
}

TEST(QuerierElection, OwnQueryLoopedBackIsIgnored) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    q.onQueryReceived(ip("192.0.2.10"), generalQuery(ProtoVersion::IgmpV3), clock.now);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    EXPECT_EQ(q.counters().queriesFromSelf, 1u);
}

TEST(QuerierAdoption, NonQuerierAdoptsQrvQqicAndQri) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), t0);
    // RFC 9776 §4.1.6/§4.1.7: QRV 3, QQIC 60 s, Max Resp 5 s.
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 5000, 3, 60), t0);
    EXPECT_EQ(q.adopted().qrv, 3);
    EXPECT_EQ(q.adopted().queryInterval, 60s);
    EXPECT_EQ(q.adopted().queryResponseInterval, 5s);
    const Timing t = q.timing();
    EXPECT_EQ(t.robustness, 3u);
    EXPECT_EQ(t.queryInterval, 60s);
    EXPECT_EQ(t.queryResponseInterval, 5s);
    EXPECT_EQ(t.groupMembershipInterval(), 190s);   // what the snooping core needs
    // OQPI with the adopted values: 3*60 + 2.5.
    EXPECT_EQ(q.timers().otherQuerierPresent, t0 + 182500ms);

    // A zero QRV/QQIC means "use your own" (§4.1.6: "unless ... zero").
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 5000, 0, 0), t0 + 60s);
    EXPECT_FALSE(q.adopted().qrv);
    EXPECT_FALSE(q.adopted().queryInterval);
    EXPECT_EQ(q.timing().robustness, 2u);
    EXPECT_EQ(q.timing().queryInterval, 125s);
}

TEST(QuerierAdoption, OnlyFromTheElectedQuerier) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    q.onQueryReceived(ip("192.0.2.20"), generalQuery(ProtoVersion::IgmpV3, 5000, 5, 30), clock.now);
    EXPECT_EQ(q.adopted(), Adopted{});
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 5000, 4, 40), clock.now);
    q.onQueryReceived(ip("192.0.2.7"), generalQuery(ProtoVersion::IgmpV3, 5000, 6, 50), clock.now);
    EXPECT_EQ(q.adopted().qrv, 4);
    // The elected querier's group-specific query counts as its most recent query.
    wire::Query gsq = generalQuery(ProtoVersion::IgmpV3, 1000, 5, 45);
    gsq.group = ip("239.1.1.1");
    q.onQueryReceived(ip("192.0.2.5"), gsq, clock.now);
    EXPECT_EQ(q.adopted().qrv, 5);
    EXPECT_EQ(q.adopted().queryInterval, 45s);
    EXPECT_EQ(q.adopted().queryResponseInterval, 5s) << "QRI comes from general queries only";
}

TEST(QuerierAdoption, TakeoverDropsAdoptedValues) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    Querier q(v4Identity(), kL2, fast(v4Config("192.0.2.10")), t0);
    q.takeOutbound();
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 3000, 3, 12), t0);
    // OQPI with adopted values: 3*12 + 1.5 = 37.5 s.
    auto sent = runUntil(q, clock, t0 + 38s);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].at, t0 + 37500ms);
    EXPECT_EQ(q.adopted(), Adopted{});
    const wire::Query dq = decodedQuery(sent[0].out);
    EXPECT_EQ(dq.qrv, 2);         // ours again
    EXPECT_EQ(dq.qqiSec, 10u);
    EXPECT_EQ(dq.maxRespMs, 2000u);
}

TEST(QuerierAddress, WaitsForBridgeAddress) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config());
    c.address.reset();
    Querier q(v4Identity(), kL2, c, t0);
    EXPECT_EQ(q.state(), QuerierState::Disabled);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::NoAddress);
    EXPECT_FALSE(q.sourceAddress());
    EXPECT_TRUE(runUntil(q, clock, t0 + 60s).empty());
    auto st = eventsOf<StateChanged>(q.takeEvents());
    ASSERT_EQ(st.size(), 1u);   // admin-disabled -> no-address
    EXPECT_EQ(st[0].reason, InactiveReason::NoAddress);

    q.setOwnAddress(ip("192.0.2.44"), clock.now);
    EXPECT_EQ(q.state(), QuerierState::Querier);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::None);
    auto sent = q.takeOutbound();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].reason, QueryReason::Startup);   // a fresh start: the burst
    EXPECT_EQ(sent[0].spec.src, ip("192.0.2.44"));

    // The address goes away: we stop, and say why.
    q.setOwnAddress(std::nullopt, clock.now);
    EXPECT_EQ(q.state(), QuerierState::Disabled);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::NoAddress);
    EXPECT_FALSE(q.nextDeadline());
}

TEST(QuerierAddress, ConfiguredAddressWinsOverBridgeAddress) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    q.setOwnAddress(ip("192.0.2.99"), clock.now);
    EXPECT_EQ(q.sourceAddress(), ip("192.0.2.10"));
}

TEST(QuerierAddress, Ipv6BridgeAddressMustBeLinkLocal) {
    FakeClock clock;
    QuerierConfig c = v6Config();
    c.address.reset();
    Querier q(v6Identity(), kL2, c, clock.now);
    q.setOwnAddress(ip("2001:db8::1"), clock.now);
    EXPECT_EQ(q.state(), QuerierState::Disabled);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::InvalidAddress);
    q.setOwnAddress(ip("::"), clock.now);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::NoAddress);
    q.setOwnAddress(ip("fe80::44"), clock.now);
    EXPECT_EQ(q.state(), QuerierState::Querier);
}

TEST(QuerierAddress, ChangeToLowerThanElectedTakesOverAtOnce) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config("192.0.2.10"), clock.now);
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3), clock.now);
    q.takeOutbound();
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    EXPECT_FALSE(q.setConfig(v4Config("192.0.2.1"), clock.now));
    EXPECT_EQ(q.state(), QuerierState::Querier);
    auto sent = q.takeOutbound();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].reason, QueryReason::Takeover);
    EXPECT_EQ(sent[0].spec.src, ip("192.0.2.1"));
    EXPECT_EQ(q.counters().takeovers, 1u);
}

TEST(QuerierDisabled, StillTracksTheElectedQuerier) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config("192.0.2.10"));
    c.enabled = false;
    Querier q(v4Identity(), kL2, c, t0);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::AdminDisabled);
    // Any router address is tracked, even one higher than our (unused) address.
    q.onQueryReceived(ip("192.0.2.50"), generalQuery(ProtoVersion::IgmpV3, 2000, 3, 20), t0);
    EXPECT_EQ(q.state(), QuerierState::Disabled);
    ASSERT_TRUE(q.electedQuerier());
    EXPECT_EQ(q.electedQuerier()->address, ip("192.0.2.50"));
    EXPECT_EQ(q.adopted().qrv, 3);
    EXPECT_TRUE(q.takeOutbound().empty());
    EXPECT_EQ(q.requestSpecificQuery({ip("239.1.1.1"), true, {}}, t0),
              SpecificQueryResult::Disabled);
    // Expires after OQPI (3*20 + 1 = 61 s) without taking over.
    auto sent = runUntil(q, clock, t0 + 61s);
    EXPECT_TRUE(sent.empty());
    EXPECT_FALSE(q.electedQuerier());
    EXPECT_EQ(q.adopted(), Adopted{});
}

TEST(QuerierDisabled, EnablingUnderALowerQuerierStartsAsNonQuerier) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config("192.0.2.10"));
    c.enabled = false;
    Querier q(v4Identity(), kL2, c, clock.now);
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    c.enabled = true;
    EXPECT_FALSE(q.setConfig(c, clock.now));
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    EXPECT_TRUE(q.takeOutbound().empty()) << "no startup burst under an elected querier";
    // Enabling under a higher querier: we start (burst) and it will yield.
    Querier h(v4Identity(), kL2, [&] { auto d = c; d.enabled = false; return d; }(), clock.now);
    h.onQueryReceived(ip("192.0.2.50"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    h.takeEvents();
    EXPECT_FALSE(h.setConfig(c, clock.now));
    EXPECT_EQ(h.state(), QuerierState::Querier);
    EXPECT_EQ(h.takeOutbound().size(), 1u);
    auto qc = eventsOf<QuerierChanged>(h.takeEvents());
    ASSERT_EQ(qc.size(), 1u);
    EXPECT_EQ(qc[0].from->address, ip("192.0.2.50"));
    EXPECT_TRUE(qc[0].to->self);
}

TEST(QuerierConfigChange, KeepsRoleAndRebasesSchedule) {
    FakeClock clock;
    const TimePoint t0 = clock.now;
    QuerierConfig c = fast(v4Config("192.0.2.10"));
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, t0);
    q.takeOutbound();
    EXPECT_EQ(q.nextDeadline(), t0 + 10s);
    clock.now = t0 + 4s;
    c.queryInterval = 5s;
    c.queryResponseInterval = 1s;
    EXPECT_FALSE(q.setConfig(c, clock.now));
    EXPECT_EQ(q.nextDeadline(), t0 + 5s);   // from the last query on
    c.queryInterval = 3s;
    EXPECT_FALSE(q.setConfig(c, clock.now));
    EXPECT_EQ(q.nextDeadline(), clock.now);   // overdue: now
    EXPECT_TRUE(q.takeOutbound().empty()) << "no extra startup burst";
    EXPECT_EQ(q.counters().startupQueriesSent, 1u);

    // Non-querier stays non-querier.
    q.onQueryReceived(ip("192.0.2.5"), generalQuery(ProtoVersion::IgmpV3, 1000), clock.now);
    c.queryInterval = 20s;
    EXPECT_FALSE(q.setConfig(c, clock.now));
    EXPECT_EQ(q.state(), QuerierState::NonQuerier);
    EXPECT_EQ(q.electedQuerier()->address, ip("192.0.2.5"));
}

}  // namespace
}  // namespace mcs::querier::test
