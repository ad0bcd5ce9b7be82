// One test per row of RFC 9776 Table 8 (current-state records) and Table 9
// (filter-mode-change and source-list-change records), run for IGMPv3 and for
// MLDv2 (RFC 9777 Tables 7 and 8). Sets and expected results follow the worked
// examples of rfc-conformance.md §3.2 (sources 1,2,3 = 192.0.2.1.. / 2001:db8::1..).
// Defaults: GMI = 2 x 125 s + 10 s = 260 s, LMQT = 2 x 1 s.
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

constexpr auto kGmi = seconds(260);
constexpr auto kLmqt = seconds(2);

class RouterTable : public ::testing::TestWithParam<Family> {
protected:
    void SetUp() override {
        sn.portAdded(P1, "p1", t(0));
        sn.portAdded(R, "uplink", t(0));
        // Our querier is active: Table 9 "Send Q(...)" actions become GroupQueryRequests.
        sn.setOwnQuerierActive(p.f, true, t(0));
        sn.takeOutbound();
    }
    void send(RecordType type, std::initializer_list<int> s, TimePoint at) {
        sn.onMessage(P1, v3report(p, p.host(1), {rec(type, G, p.srcs(s))}), at);
    }
    // INCLUDE{1,2,3}, all source timers t(0) + GMI.
    void include123() {
        send(RecordType::IsInclude, {1, 2, 3}, t(0));
        sn.takeOutbound();
    }
    // EXCLUDE({1,2},{20,21}) with 1,2 = t(0)+GMI and group timer t(0)+GMI.
    void exclude12_2021() {
        include123();
        send(RecordType::IsExclude, {1, 2, 20, 21}, t(0));
        sn.takeOutbound();
    }
    GroupPortInfo st() const { return state(sn, G, P1); }

    Plan p{GetParam()};
    Snooper sn{"br0", IfIndex{100}, VlanId{10}, SnooperConfig{}};
    IfIndex P1{1}, R{9};
    IpAddr G = p.group();
};

// ---------------- Table 8: current-state records ----------------

TEST_P(RouterTable, IncludeA_IsInB_BecomesIncludeAplusB) {
    include123();
    send(RecordType::IsInclude, {3, 10, 11}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), p.srcs({1, 2, 3, 10, 11}));
    EXPECT_EQ(timerOf(s, p.src(1)), t(0) + kGmi);          // A-B untouched
    for (int i : {3, 10, 11}) EXPECT_EQ(timerOf(s, p.src(i)), t(10) + kGmi);   // (B)=GMI
    EXPECT_TRUE(sn.takeOutbound().empty());                // §6.1: never a query
}

TEST_P(RouterTable, IncludeA_IsExB_BecomesExcludeAxB_BminusA) {
    include123();
    send(RecordType::IsExclude, {1, 2, 20, 21}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({1, 2}));                 // A*B keep their timers
    EXPECT_EQ(timerOf(s, p.src(1)), t(0) + kGmi);
    EXPECT_EQ(blocked(s), p.srcs({20, 21}));               // (B-A)=0
    EXPECT_EQ(s.groupTimer, t(10) + kGmi);                 // Group Timer=GMI
    EXPECT_TRUE(sn.takeOutbound().empty());
}

TEST_P(RouterTable, ExcludeXY_IsInA_BecomesExcludeXplusA_YminusA) {
    exclude12_2021();
    send(RecordType::IsInclude, {20, 30}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({1, 2, 20, 30}));
    EXPECT_EQ(blocked(s), p.srcs({21}));
    EXPECT_EQ(timerOf(s, p.src(20)), t(10) + kGmi);        // (A)=GMI
    EXPECT_EQ(timerOf(s, p.src(30)), t(10) + kGmi);
    EXPECT_EQ(timerOf(s, p.src(1)), t(0) + kGmi);
    EXPECT_EQ(s.groupTimer, t(0) + kGmi);                  // unchanged
    EXPECT_TRUE(sn.takeOutbound().empty());
}

TEST_P(RouterTable, ExcludeXY_IsExA_BecomesExcludeAminusY_YxA) {
    exclude12_2021();
    send(RecordType::IsExclude, {20, 30}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({30}));                   // 1,2 (X-A) and 21 (Y-A) deleted
    EXPECT_EQ(blocked(s), p.srcs({20}));
    EXPECT_EQ(timerOf(s, p.src(30)), t(10) + kGmi);        // (A-X-Y)=GMI
    EXPECT_EQ(s.groupTimer, t(10) + kGmi);
    EXPECT_TRUE(sn.takeOutbound().empty());
}

// ---------------- Table 9: state-change records ----------------

TEST_P(RouterTable, IncludeA_AllowB_BecomesIncludeAplusB) {
    include123();
    send(RecordType::AllowNewSources, {10, 11, 12}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), p.srcs({1, 2, 3, 10, 11, 12}));
    EXPECT_EQ(timerOf(s, p.src(12)), t(10) + kGmi);
    EXPECT_TRUE(sn.takeOutbound().empty());
}

TEST_P(RouterTable, IncludeA_BlockB_SendsQofAxB) {
    include123();
    send(RecordType::BlockOldSources, {1, 20, 30}, t(10));
    auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), p.srcs({1, 2, 3}));              // INCLUDE(A) unchanged
    EXPECT_EQ(timerOf(s, p.src(1)), t(10) + kLmqt);        // §6.6.3.2: lowered to LMQT
    EXPECT_EQ(timerOf(s, p.src(2)), t(0) + kGmi);
    auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].group, G);
    EXPECT_EQ(q[0].sources, p.srcs({1}));                  // Q(G, A*B)
    EXPECT_FALSE(q[0].suppressRouterSide);
    EXPECT_EQ(q[0].maxResp, seconds(1));
    // LMQC = 2: one retransmission LMQI later; no answer -> 1 is deleted after LMQT.
    runUntil(sn, t(11));
    q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].sources, p.srcs({1}));
    runUntil(sn, t(12));
    EXPECT_TRUE(groupQueries(sn.takeOutbound()).empty());
    EXPECT_EQ(running(st()), p.srcs({2, 3}));
}

TEST_P(RouterTable, IncludeA_ToExB_BecomesExcludeAxB_BminusA) {
    include123();
    send(RecordType::ToExclude, {1, 20, 30}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({1}));                    // 2,3 (A-B) deleted
    EXPECT_EQ(blocked(s), p.srcs({20, 30}));               // (B-A)=0
    EXPECT_EQ(timerOf(s, p.src(1)), t(10) + kLmqt);        // Send Q(G, A*B) lowers it
    EXPECT_EQ(s.groupTimer, t(10) + kGmi);
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].sources, p.srcs({1}));
}

TEST_P(RouterTable, IncludeA_ToInB_BecomesIncludeAplusB_SendsQofAminusB) {
    include123();
    send(RecordType::ToInclude, {2, 4}, t(10));
    auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), p.srcs({1, 2, 3, 4}));
    EXPECT_EQ(timerOf(s, p.src(2)), t(10) + kGmi);         // (B)=GMI
    EXPECT_EQ(timerOf(s, p.src(4)), t(10) + kGmi);
    EXPECT_EQ(timerOf(s, p.src(1)), t(10) + kLmqt);        // queried
    EXPECT_EQ(timerOf(s, p.src(3)), t(10) + kLmqt);
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].sources, p.srcs({1, 3}));               // Q(G, A-B)
    runUntil(sn, t(12));
    EXPECT_EQ(running(st()), p.srcs({2, 4}));              // 1,3 unanswered: gone
}

TEST_P(RouterTable, ExcludeXY_AllowA_BecomesExcludeXplusA_YminusA) {
    exclude12_2021();
    send(RecordType::AllowNewSources, {20, 30}, t(10));
    const auto s = st();
    EXPECT_EQ(running(s), p.srcs({1, 2, 20, 30}));
    EXPECT_EQ(blocked(s), p.srcs({21}));
    EXPECT_EQ(timerOf(s, p.src(20)), t(10) + kGmi);
    EXPECT_EQ(s.groupTimer, t(0) + kGmi);
    EXPECT_TRUE(sn.takeOutbound().empty());
}

TEST_P(RouterTable, ExcludeXY_BlockA_BecomesExcludeXplusAminusY_Y) {
    exclude12_2021();
    send(RecordType::BlockOldSources, {1, 20, 30}, t(10));
    auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({1, 2, 30}));
    EXPECT_EQ(blocked(s), p.srcs({20, 21}));
    // (A-X-Y)=Group Timer (t0+GMI), then Send Q(G, A-Y) lowers 1 and 30 to LMQT.
    EXPECT_EQ(timerOf(s, p.src(30)), t(10) + kLmqt);
    EXPECT_EQ(timerOf(s, p.src(1)), t(10) + kLmqt);
    EXPECT_EQ(timerOf(s, p.src(2)), t(0) + kGmi);
    EXPECT_EQ(s.groupTimer, t(0) + kGmi);
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].sources, p.srcs({1, 30}));
    // Unanswered: the sources move to Y (blocked), not deleted (Table 7).
    runUntil(sn, t(12));
    s = st();
    EXPECT_EQ(running(s), p.srcs({2}));
    EXPECT_EQ(blocked(s), p.srcs({1, 20, 21, 30}));
}

TEST_P(RouterTable, ExcludeXY_ToExA_BecomesExcludeAminusY_YxA) {
    exclude12_2021();
    send(RecordType::ToExclude, {1, 20, 30}, t(10));
    const auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({1, 30}));                // 2 (X-A), 21 (Y-A) deleted
    EXPECT_EQ(blocked(s), p.srcs({20}));
    EXPECT_EQ(timerOf(s, p.src(30)), t(10) + kLmqt);       // (A-X-Y)=GT, then queried
    EXPECT_EQ(timerOf(s, p.src(1)), t(10) + kLmqt);
    EXPECT_EQ(s.groupTimer, t(10) + kGmi);                 // Group Timer=GMI
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].sources, p.srcs({1, 30}));              // Q(G, A-Y)
}

TEST_P(RouterTable, ExcludeXY_ToInA_SendsQofXminusA_AndQofG) {
    exclude12_2021();
    send(RecordType::ToInclude, {1, 20}, t(10));
    auto s = st();
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), p.srcs({1, 2, 20}));
    EXPECT_EQ(blocked(s), p.srcs({21}));
    EXPECT_EQ(timerOf(s, p.src(1)), t(10) + kGmi);         // (A)=GMI
    EXPECT_EQ(timerOf(s, p.src(20)), t(10) + kGmi);
    EXPECT_EQ(timerOf(s, p.src(2)), t(10) + kLmqt);        // Q(G, X-A)
    EXPECT_EQ(s.groupTimer, t(10) + kLmqt);                // Q(G): group timer to LMQT
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 2u);
    EXPECT_TRUE(q[0].sources.empty());                     // Q(G)
    EXPECT_FALSE(q[0].suppressRouterSide);
    EXPECT_EQ(q[1].sources, p.srcs({2}));                  // Q(G, X-A)
    // Nobody answers: EXCLUDE -> INCLUDE with the running sources (RFC 9776 §6.5).
    runUntil(sn, t(12));
    s = st();
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), p.srcs({1, 20}));
}

// ---------------- related rules ----------------

TEST_P(RouterTable, ToInEmptyOnIncludeQueriesAllAndDeletesTheRecord) {
    include123();
    send(RecordType::ToInclude, {}, t(10));
    EXPECT_EQ(groupQueries(sn.takeOutbound()).size(), 1u);
    runUntil(sn, t(12));
    EXPECT_FALSE(hasState(sn, G, P1));                     // last source gone: record deleted
}

TEST_P(RouterTable, IsInEmptyOnNoStateCreatesNothing) {
    send(RecordType::IsInclude, {}, t(0));
    send(RecordType::ToInclude, {}, t(0));
    send(RecordType::BlockOldSources, {1}, t(0));
    EXPECT_EQ(sn.groupCount(), 0u);
}

TEST_P(RouterTable, RetransmissionSetsSFlagForSourcesRefreshedMeanwhile) {
    include123();
    send(RecordType::BlockOldSources, {1, 2}, t(10));
    ASSERT_EQ(groupQueries(sn.takeOutbound()).size(), 1u);
    send(RecordType::IsInclude, {1}, t(10.5));             // a host still wants 1
    runUntil(sn, t(11));
    const auto q = groupQueries(sn.takeOutbound());
    // §6.6.3.2: S=0 part for sources at <= LMQT, S=1 part for refreshed ones.
    ASSERT_EQ(q.size(), 2u);
    EXPECT_EQ(q[0].sources, p.srcs({2}));
    EXPECT_FALSE(q[0].suppressRouterSide);
    EXPECT_EQ(q[1].sources, p.srcs({1}));
    EXPECT_TRUE(q[1].suppressRouterSide);
    runUntil(sn, t(13));
    EXPECT_EQ(running(st()), p.srcs({1, 3}));
}

TEST_P(RouterTable, GroupQueryRetransmissionHasSFlagAfterReport) {
    exclude12_2021();
    send(RecordType::ToInclude, {}, t(10));
    sn.takeOutbound();
    send(RecordType::IsExclude, {}, t(10.5));              // another member answers
    runUntil(sn, t(11));
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_FALSE(q.empty());
    EXPECT_TRUE(q[0].sources.empty());
    EXPECT_TRUE(q[0].suppressRouterSide);                  // §6.6.3.1: group timer > LMQT
}

TEST_P(RouterTable, NonQuerierSendsNothingAndKeepsTimers) {
    sn.setOwnQuerierActive(p.f, false, t(0));
    include123();
    send(RecordType::BlockOldSources, {1}, t(10));
    EXPECT_TRUE(sn.takeOutbound().empty());
    EXPECT_EQ(timerOf(st(), p.src(1)), t(0) + kGmi);       // waits for the querier's query
}

TEST_P(RouterTable, NonQuerierLowersOnObservedGroupAndSourceQuery) {
    sn.setOwnQuerierActive(p.f, false, t(0));
    include123();
    const auto v = p.v3();
    // Querier's Q(G,{1}) with MRT 1 s and QRV 3: LMQT = 3 x 1 s (RFC 9776 Table 10).
    sn.onMessage(R, query(v, p.router(), G, p.srcs({1}), 1000, false, 3), t(10));
    EXPECT_EQ(timerOf(st(), p.src(1)), t(13));
    EXPECT_EQ(timerOf(st(), p.src(2)), t(0) + kGmi);
    // With S = 1 nothing is lowered.
    sn.onMessage(R, query(v, p.router(), G, p.srcs({2}), 1000, true), t(10));
    EXPECT_EQ(timerOf(st(), p.src(2)), t(0) + kGmi);
    runUntil(sn, t(13));
    EXPECT_EQ(running(st()), p.srcs({2, 3}));
}

TEST_P(RouterTable, NonQuerierLowersGroupTimerOnGroupSpecificQuery) {
    sn.setOwnQuerierActive(p.f, false, t(0));
    exclude12_2021();
    sn.onMessage(R, query(p.v3(), p.router(), G, {}, 1000, false, 2), t(10));
    EXPECT_EQ(st().groupTimer, t(12));
    runUntil(sn, t(12));
    const auto s = st();   // sources 1,2 still run: INCLUDE{1,2}
    EXPECT_EQ(s.mode, FilterMode::Include);
    EXPECT_EQ(running(s), p.srcs({1, 2}));
}

TEST_P(RouterTable, SpecificQueriesOnlyCountFromTheElectedQuerier) {
    sn.setOwnQuerierActive(p.f, false, t(0));
    exclude12_2021();
    sn.onMessage(R, query(p.v3(), p.router(1), {}), t(1));          // elected querier
    sn.onMessage(P1, query(p.v3(), p.host(7), G, {}, 1000), t(10)); // a host pretending
    EXPECT_EQ(st().groupTimer, t(0) + kGmi);
    EXPECT_EQ(sn.counters().get(Cause::ForeignQuery), 1u);
    sn.onMessage(R, query(p.v3(), p.router(1), G, {}, 1000), t(11));
    EXPECT_EQ(st().groupTimer, t(13));
}

INSTANTIATE_TEST_SUITE_P(IgmpV3AndMldV2, RouterTable, ::testing::Values(Family::V4, Family::V6),
                         [](const auto& i) { return i.param == Family::V4 ? "IGMPv3" : "MLDv2"; });

}  // namespace
}  // namespace mcs::core::test
