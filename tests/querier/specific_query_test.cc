// Group-specific and group-and-source-specific queries: LMQC transmissions LMQI apart,
// the S flag rules, merging, limits (RFC 9776 §6.6.3, RFC 9777 §7.6.3).
#include "harness.h"

namespace mcs::querier::test {
namespace {

const IpAddr kGroup = IpAddr::parse("239.1.2.3").value();
const IpAddr kS1 = IpAddr::parse("198.51.100.1").value();
const IpAddr kS2 = IpAddr::parse("198.51.100.2").value();
const IpAddr kS3 = IpAddr::parse("198.51.100.3").value();

// An elected IPv4 querier whose startup queries are already drained; its next general
// query is far away so that only specific queries show up.
struct Fixture {
    FakeClock clock;
    TimePoint t0 = clock.now;
    Querier q;
    explicit Fixture(QuerierConfig c = fast(v4Config()), Identity id = v4Identity())
        : q(id, kL2, [&] {
              c.startupQueryCount = 1;
              c.queryInterval = 1000s;
              return c;
          }(), clock.now) {
        q.takeOutbound();
        q.takeEvents();
    }
    std::vector<Sent> specific(Duration d) {
        auto all = runFor(q, clock, d);
        std::vector<Sent> r;
        for (auto& s : all)
            if (s.out.kind != QueryKind::General) r.push_back(std::move(s));
        return r;
    }
};

TEST(QuerierGroupQuery, LmqcTransmissionsLmqiApart) {
    Fixture f;
    EXPECT_EQ(f.q.requestSpecificQuery({kGroup, true, {}}, f.t0), SpecificQueryResult::Scheduled);
    auto sent = f.specific(10s);
    ASSERT_EQ(sent.size(), 2u);   // LMQC = RV = 2
    EXPECT_EQ(sent[0].at, f.t0);  // immediately
    EXPECT_EQ(sent[1].at, f.t0 + 1s);
    for (const auto& s : sent) {
        EXPECT_EQ(s.out.kind, QueryKind::GroupSpecific);
        EXPECT_EQ(s.out.reason, QueryReason::Specific);
        const wire::Decoded d = decoded(s.out);
        EXPECT_EQ(d.dst, kGroup);   // §1.11: specific queries go to the group
        EXPECT_EQ(d.dstMac, MacAddr::forGroup(kGroup));
        const auto& qu = std::get<wire::Query>(d.msg);
        EXPECT_EQ(qu.group, kGroup);
        EXPECT_TRUE(qu.sources.empty());
        EXPECT_EQ(qu.maxRespMs, 1000u);   // Max Resp = LMQI (RFC 9776 §8.8)
        EXPECT_FALSE(qu.suppressRouterSide);
    }
    EXPECT_EQ(f.q.counters().groupQueriesSent, 2u);
    EXPECT_FALSE(f.q.timers().nextSpecificQuery);
}

TEST(QuerierGroupQuery, ConfiguredCountAndInterval) {
    QuerierConfig c = fast(v4Config());
    c.lastMemberQueryCount = 4;
    c.lastMemberQueryInterval = 300ms;
    Fixture f(c);
    f.q.requestSpecificQuery({kGroup, true, {}}, f.t0);
    EXPECT_EQ(f.q.nextDeadline(), f.t0 + 300ms);
    auto sent = f.specific(10s);
    ASSERT_EQ(sent.size(), 4u);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(sent[i].at, f.t0 + i * 300ms);
    EXPECT_EQ(decodedQuery(sent[0].out).maxRespMs, 300u);
}

TEST(QuerierGroupQuery, SuppressFlagOnceTheGroupTimerWasRaised) {
    Fixture f;
    f.q.requestSpecificQuery({kGroup, true, {}}, f.t0);
    auto first = f.q.takeOutbound();
    ASSERT_EQ(first.size(), 1u);
    EXPECT_FALSE(decodedQuery(first[0]).suppressRouterSide);   // timer was just lowered to LMQT
    // A report refreshed the group timer (> LMQT): RFC 9776 §6.6.3.1 sets S.
    f.q.onGroupTimerRaised(kGroup);
    auto sent = f.specific(10s);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(decodedQuery(sent[0].out).suppressRouterSide);
    EXPECT_TRUE(sent[0].out.spec.suppressRouterSide);
}

TEST(QuerierGroupQuery, NewRequestRestartsTheCount) {
    Fixture f;
    f.q.requestSpecificQuery({kGroup, true, {}}, f.t0);
    f.q.onGroupTimerRaised(kGroup);
    runUntil(f.q, f.clock, f.t0 + 500ms);
    // Another leave: timer lowered again, LMQC fresh transmissions with S = 0.
    EXPECT_EQ(f.q.requestSpecificQuery({kGroup, true, {}}, f.clock.now), SpecificQueryResult::Scheduled);
    auto sent = f.specific(10s);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].at, f.t0 + 500ms);
    EXPECT_EQ(sent[1].at, f.t0 + 1500ms);
    EXPECT_FALSE(sent[0].out.spec.suppressRouterSide);
    EXPECT_FALSE(sent[1].out.spec.suppressRouterSide);
    EXPECT_EQ(f.q.counters().groupQueriesSent, 3u);
}

TEST(QuerierSourceQuery, TwoListsWithAndWithoutSuppress) {
    Fixture f;
    ASSERT_EQ(f.q.requestSpecificQuery({kGroup, false, {kS1, kS2}}, f.t0),
              SpecificQueryResult::Scheduled);
    auto first = f.q.takeOutbound();
    ASSERT_EQ(first.size(), 1u);   // only the S = 0 part: no source has S yet
    EXPECT_EQ(first[0].kind, QueryKind::GroupSourceSpecific);
    wire::Query q0 = decodedQuery(first[0]);
    EXPECT_FALSE(q0.suppressRouterSide);
    EXPECT_EQ(q0.sources, (std::vector<IpAddr>{kS1, kS2}));
    EXPECT_EQ(decoded(first[0]).dst, kGroup);

    // A report raised S1's timer: RFC 9776 §6.6.3.2 splits the next transmission.
    f.q.onSourceTimersRaised(kGroup, std::vector<IpAddr>{kS1});
    auto sent = f.specific(10s);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].at, f.t0 + 1s);
    EXPECT_EQ(sent[1].at, f.t0 + 1s);
    wire::Query withS = decodedQuery(sent[0].out);
    wire::Query withoutS = decodedQuery(sent[1].out);
    EXPECT_TRUE(withS.suppressRouterSide);
    EXPECT_EQ(withS.sources, std::vector<IpAddr>{kS1});
    EXPECT_FALSE(withoutS.suppressRouterSide);
    EXPECT_EQ(withoutS.sources, std::vector<IpAddr>{kS2});
    EXPECT_EQ(f.q.counters().groupSourceQueriesSent, 3u);
}

TEST(QuerierSourceQuery, GroupQueryAtTheSameTimeSuppressesTheSFlagSourceMessage) {
    Fixture f;
    // EXCLUDE + TO_IN: Send Q(G,X-A) and Send Q(G) (RFC 9776 Table 9).
    f.q.requestSpecificQuery({kGroup, true, {kS1, kS2}}, f.t0);
    auto first = f.q.takeOutbound();
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].kind, QueryKind::GroupSpecific);
    EXPECT_EQ(first[1].kind, QueryKind::GroupSourceSpecific);
    f.q.onSourceTimersRaised(kGroup, std::vector<IpAddr>{kS1});
    auto sent = f.specific(10s);
    // At t0+1: Q(G) and the S = 0 message {S2}; the S = 1 message {S1} may be left out.
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].out.kind, QueryKind::GroupSpecific);
    EXPECT_EQ(sent[1].out.spec.sources, std::vector<IpAddr>{kS2});
    EXPECT_FALSE(sent[1].out.spec.suppressRouterSide);
}

TEST(QuerierSourceQuery, EachSourceKeepsItsOwnSpacing) {
    Fixture f;
    f.q.requestSpecificQuery({kGroup, false, {kS1}}, f.t0);
    auto sent = runUntil(f.q, f.clock, f.t0 + 400ms);
    f.q.requestSpecificQuery({kGroup, false, {kS2}}, f.clock.now);
    for (auto& s : f.specific(10s)) sent.push_back(std::move(s));
    std::vector<std::pair<Duration, std::vector<IpAddr>>> got;
    for (auto& s : sent) got.push_back({std::chrono::duration_cast<Duration>(s.at - f.t0), s.out.spec.sources});
    EXPECT_EQ(got, (std::vector<std::pair<Duration, std::vector<IpAddr>>>{
                       {0ms, {kS1}}, {400ms, {kS2}}, {1000ms, {kS1}}, {1400ms, {kS2}}}));
}

TEST(QuerierSourceQuery, MldV2Frames) {
    Fixture f(fast(v6Config("fe80::10")), v6Identity());
    const IpAddr g = ip("ff3e::8000:1");
    const IpAddr s = ip("2001:db8::5");
    ASSERT_EQ(f.q.requestSpecificQuery({g, false, {s}}, f.t0), SpecificQueryResult::Scheduled);
    auto out = f.q.takeOutbound();
    ASSERT_EQ(out.size(), 1u);
    const wire::Decoded d = decoded(out[0]);
    EXPECT_EQ(d.dst, g);
    EXPECT_EQ(d.ttl, 1);
    EXPECT_TRUE(d.routerAlert);
    const auto& qu = std::get<wire::Query>(d.msg);
    EXPECT_EQ(qu.version, ProtoVersion::MldV2);
    EXPECT_EQ(qu.group, g);
    EXPECT_EQ(qu.sources, std::vector<IpAddr>{s});
    EXPECT_EQ(qu.maxRespMs, 1000u);
}

TEST(QuerierSourceQuery, SplitsSourceListsToFitTheMtu) {
    Fixture f;
    std::vector<IpAddr> many;
    for (uint32_t i = 0; i < 400; ++i) many.push_back(IpAddr::v4(0xc6336400u + i));   // 198.51.100.0+
    ASSERT_EQ(f.q.requestSpecificQuery({kGroup, false, many}, f.t0), SpecificQueryResult::Scheduled);
    auto out = f.q.takeOutbound();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].spec.sources.size(), Querier::kMaxSourcesV4);
    EXPECT_EQ(out[1].spec.sources.size(), 400u - Querier::kMaxSourcesV4);
    EXPECT_EQ(out[0].frame.size(), 14u + 1500u) << "366 sources fill the 1500-byte MTU exactly";
    EXPECT_EQ(decodedQuery(out[0]).sources.size(), Querier::kMaxSourcesV4);

    Fixture f6(fast(v6Config("fe80::10")), v6Identity());
    std::vector<IpAddr> many6;
    for (int i = 1; i <= 100; ++i) many6.push_back(ip(("2001:db8::" + std::to_string(i)).c_str()));
    f6.q.requestSpecificQuery({ip("ff3e::1"), false, many6}, f6.t0);
    auto out6 = f6.q.takeOutbound();
    ASSERT_EQ(out6.size(), 2u);
    EXPECT_EQ(out6[0].spec.sources.size(), Querier::kMaxSourcesV6);
    EXPECT_LE(out6[0].frame.size(), 14u + 1500u);
    EXPECT_EQ(decodedQuery(out6[0]).sources.size(), Querier::kMaxSourcesV6);
}

TEST(QuerierSpecific, NonQuerierAndDisabledDoNotSend) {
    Fixture f;
    f.q.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV3, 2000), f.t0);
    EXPECT_EQ(f.q.requestSpecificQuery({kGroup, true, {kS1}}, f.t0), SpecificQueryResult::NotQuerier);
    EXPECT_TRUE(f.specific(10s).empty());
    EXPECT_EQ(f.q.counters().specificRequestsNotQuerier, 1u);

    QuerierConfig off = fast(v4Config());
    off.enabled = false;
    Fixture d(off);
    EXPECT_EQ(d.q.requestSpecificQuery({kGroup, true, {}}, d.t0), SpecificQueryResult::Disabled);
    EXPECT_TRUE(d.q.takeOutbound().empty());
}

TEST(QuerierSpecific, LosingTheElectionCancelsRetransmissions) {
    Fixture f;
    f.q.requestSpecificQuery({kGroup, true, {kS1}}, f.t0);
    f.q.takeOutbound();
    f.q.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV3, 2000), f.t0 + 100ms);
    EXPECT_TRUE(f.specific(10s).empty());
    EXPECT_EQ(f.q.counters().specificQueriesCancelled, 1u);
    EXPECT_EQ(f.q.timers().pendingSpecificGroups, 0u);
}

TEST(QuerierSpecific, CancelStopsRetransmissions) {
    Fixture f;
    f.q.requestSpecificQuery({kGroup, true, {}}, f.t0);
    f.q.takeOutbound();
    f.q.cancelSpecificQueries(kGroup);
    EXPECT_TRUE(f.specific(10s).empty());
}

TEST(QuerierSpecific, OlderVersionsSupportLess) {
    Fixture v2(fast(v4Config("192.0.2.10", ProtoVersion::IgmpV2)));
    EXPECT_EQ(v2.q.requestSpecificQuery({kGroup, false, {kS1}}, v2.t0),
              SpecificQueryResult::NotSupportedByVersion);
    EXPECT_TRUE(v2.q.canQueryGroups());
    EXPECT_FALSE(v2.q.canQuerySources());
    EXPECT_EQ(v2.q.requestSpecificQuery({kGroup, true, {kS1}}, v2.t0),
              SpecificQueryResult::ScheduledGroupOnly);
    auto out = v2.q.takeOutbound();
    ASSERT_EQ(out.size(), 1u);   // the group part only
    const wire::Query qu = decodedQuery(out[0]);
    EXPECT_EQ(qu.version, ProtoVersion::IgmpV2);
    EXPECT_EQ(qu.group, kGroup);
    EXPECT_EQ(qu.maxRespMs, 1000u);
    EXPECT_EQ(decoded(out[0]).dst, kGroup);   // not 224.0.0.1 (the kernel's v2 quirk, §1.1)
    EXPECT_EQ(v2.q.counters().sourcesIgnoredVersion, 2u);

    Fixture v1(fast(v4Config("192.0.2.10", ProtoVersion::IgmpV1)));
    EXPECT_FALSE(v1.q.canQueryGroups());
    EXPECT_EQ(v1.q.requestSpecificQuery({kGroup, true, {}}, v1.t0),
              SpecificQueryResult::NotSupportedByVersion);
}

TEST(QuerierSpecific, InvalidRequests) {
    Fixture f;
    EXPECT_EQ(f.q.requestSpecificQuery({ip("192.0.2.7"), true, {}}, f.t0),
              SpecificQueryResult::InvalidGroup);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("ff3e::1"), true, {}}, f.t0),
              SpecificQueryResult::InvalidGroup);
    EXPECT_EQ(f.q.requestSpecificQuery({kGroup, false, {}}, f.t0), SpecificQueryResult::NothingToQuery);
    EXPECT_EQ(f.q.requestSpecificQuery({kGroup, false, {ip("0.0.0.0"), ip("239.9.9.9")}}, f.t0),
              SpecificQueryResult::NothingToQuery);
    EXPECT_EQ(f.q.counters().sourcesIgnoredInvalid, 2u);
    EXPECT_TRUE(f.q.takeOutbound().empty());
}

TEST(QuerierSpecific, LimitsAreAllOrNothingAndCounted) {
    QuerierConfig c = fast(v4Config());
    c.maxPendingGroups = 2;
    c.maxPendingSources = 3;
    Fixture f(c);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.0.0.1"), true, {}}, f.t0), SpecificQueryResult::Scheduled);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.0.0.2"), false, {kS1, kS2}}, f.t0),
              SpecificQueryResult::Scheduled);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.0.0.3"), true, {}}, f.t0),
              SpecificQueryResult::LimitReached);
    EXPECT_EQ(f.q.counters().pendingGroupsLimitHit, 1u);
    // Two more new sources would make 4 > 3: nothing of it is taken.
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.0.0.2"), false, {kS2, kS3, ip("198.51.100.4")}}, f.t0),
              SpecificQueryResult::LimitReached);
    EXPECT_EQ(f.q.counters().pendingSourcesLimitHit, 1u);
    EXPECT_EQ(f.q.timers().pendingSpecificSources, 2u);
    // Restarting already pending sources needs no room.
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.0.0.2"), false, {kS1, kS2, kS3}}, f.t0),
              SpecificQueryResult::Scheduled);
    // Once the retransmissions are done there is room again.
    f.specific(10s);
    EXPECT_EQ(f.q.timers().pendingSpecificGroups, 0u);
    EXPECT_EQ(f.q.requestSpecificQuery({ip("239.0.0.3"), true, {}}, f.clock.now),
              SpecificQueryResult::Scheduled);
}

}  // namespace
}  // namespace mcs::querier::test
