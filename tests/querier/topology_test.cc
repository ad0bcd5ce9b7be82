// STP topology change: a general query at once when we are the querier (RFC 4541 §2.1.1,
// catalog S-10), optionally a 0.0.0.0 proxy query with the elected querier's parameters
// when we are not (S-11/S-12).
#include "harness.h"

namespace mcs::querier::test {
namespace {

TEST(QuerierTopologyChange, QuerierSendsGeneralQueryNow) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config());
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, clock.now);
    q.takeOutbound();
    clock.advance(4s);
    q.onTopologyChange(clock.now);
    auto out = q.takeOutbound();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, QueryKind::General);
    EXPECT_EQ(out[0].reason, QueryReason::TopologyChange);
    EXPECT_EQ(decoded(out[0]).dst, ip("224.0.0.1"));
    EXPECT_EQ(q.counters().topologyChangeQueriesSent, 1u);
    // The periodic schedule is not moved.
    EXPECT_EQ(q.nextDeadline(), clock.now + 6s);
}

TEST(QuerierTopologyChange, StormsAreHeldOff) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config());
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, clock.now);
    q.takeOutbound();
    q.onTopologyChange(clock.now + 500ms);   // the startup query went out 0.5 s ago
    EXPECT_TRUE(q.takeOutbound().empty());
    q.onTopologyChange(clock.now + 2s);
    q.onTopologyChange(clock.now + 2500ms);
    EXPECT_EQ(q.takeOutbound().size(), 1u);
    EXPECT_EQ(q.counters().topologyChanges, 3u);
    EXPECT_EQ(q.counters().topologyChangeQueriesSuppressed, 2u);
}

TEST(QuerierTopologyChange, ConfigurableAndSilentAsNonQuerier) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config());
    c.queryOnTopologyChange = false;
    Querier q(v4Identity(), kL2, c, clock.now);
    q.takeOutbound();
    q.onTopologyChange(clock.now + 5s);
    EXPECT_TRUE(q.takeOutbound().empty());

    Querier n(v4Identity(), kL2, fast(v4Config()), clock.now);
    n.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV3, 2000), clock.now);
    n.takeOutbound();
    n.onTopologyChange(clock.now + 5s);
    EXPECT_TRUE(n.takeOutbound().empty());
}

TEST(QuerierTopologyChange, ProxyQueryWithTheElectedQueriersParameters) {
    FakeClock clock;
    QuerierConfig c = fast(v4Config());
    c.proxyQueryOnTopologyChange = true;
    Querier n(v4Identity(), kL2, c, clock.now);
    n.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV3, 5000, 3, 30), clock.now);
    n.takeOutbound();
    n.onTopologyChange(clock.now + 5s);
    auto out = n.takeOutbound();
    ASSERT_EQ(out.size(), 1u);
    const wire::Decoded d = decoded(out[0]);
    EXPECT_EQ(d.src, ip("0.0.0.0"));
    const auto& qu = std::get<wire::Query>(d.msg);
    EXPECT_EQ(qu.version, ProtoVersion::IgmpV3);
    EXPECT_EQ(qu.maxRespMs, 5000u);
    EXPECT_EQ(qu.qrv, 3);
    EXPECT_EQ(qu.qqiSec, 30u);
    EXPECT_EQ(n.counters().proxyTopologyChangeQueriesSent, 1u);
    EXPECT_EQ(n.counters().generalQueriesSent, 1u) << "only our startup query";

    // The elected querier speaks v2: so does the proxy query (never inject v3 into v2, or
    // v2 into v3, catalog S-11).
    Querier m(v4Identity(), kL2, c, clock.now);
    m.onQueryReceived(ip("192.0.2.1"), generalQuery(ProtoVersion::IgmpV2, 5000), clock.now);
    m.takeOutbound();
    m.onTopologyChange(clock.now + 5s);
    auto out2 = m.takeOutbound();
    ASSERT_EQ(out2.size(), 1u);
    EXPECT_EQ(decodedQuery(out2[0]).version, ProtoVersion::IgmpV2);

    // IPv6 has no proxy queries.
    QuerierConfig c6 = fast(v6Config("fe80::10"));
    c6.proxyQueryOnTopologyChange = true;
    Querier n6(v6Identity(), kL2, c6, clock.now);
    n6.onQueryReceived(ip("fe80::1"), generalQuery(ProtoVersion::MldV2, 5000), clock.now);
    n6.takeOutbound();
    n6.onTopologyChange(clock.now + 5s);
    EXPECT_TRUE(n6.takeOutbound().empty());
}

}  // namespace
}  // namespace mcs::querier::test
