// Timer expiry (RFC 9776 §6.5 Tables 6/7), deadlines and the MDB as it follows.
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

class Timers : public ::testing::TestWithParam<Family> {
protected:
    void SetUp() override {
        sn.portAdded(P1, "p1", t(0));
        sn.portAdded(P2, "p2", t(0));
    }
    void send(IfIndex port, RecordType type, std::initializer_list<int> s, TimePoint at) {
        sn.onMessage(port, v3report(p, p.host(1), {rec(type, G, p.srcs(s))}), at);
    }
    Plan p{GetParam()};
    Snooper sn{"br0", IfIndex{100}, VlanId{1}, SnooperConfig{}};
    IfIndex P1{1}, P2{2};
    IpAddr G = p.group();
};

TEST_P(Timers, GroupTimerExpiryWithoutSourcesDeletesTheMembership) {
    EXPECT_FALSE(sn.nextDeadline().has_value());
    send(P1, RecordType::IsExclude, {}, t(0));
    EXPECT_EQ(sn.nextDeadline(), t(260));
    sn.takeEvents();
    runUntil(sn, t(259.999));
    EXPECT_TRUE(hasState(sn, G, P1));
    runUntil(sn, t(260));
    EXPECT_FALSE(hasState(sn, G, P1));
    EXPECT_EQ(sn.groupCount(), 0u);
    const auto ev = sn.takeEvents();
    ASSERT_EQ(ev.size(), 1u);
    const auto& left = std::get<GroupLeft>(ev[0]);
    EXPECT_EQ(left.reason, LeaveReason::Expired);
    EXPECT_EQ(left.port, P1);
    EXPECT_EQ(sn.counters().get(Stat::Expired), 1u);
    EXPECT_FALSE(sn.nextDeadline().has_value());
    EXPECT_TRUE(sn.desiredMdb(KernelCaps{}).empty());
}

TEST_P(Timers, RefreshMovesTheDeadline) {
    send(P1, RecordType::IsExclude, {}, t(0));
    send(P1, RecordType::IsExclude, {}, t(125));
    EXPECT_EQ(sn.nextDeadline(), t(385));
    runUntil(sn, t(300));
    EXPECT_TRUE(hasState(sn, G, P1));
}

TEST_P(Timers, ExcludeSwitchesToIncludeWithRunningSourcesWhenGroupTimerExpires) {
    send(P1, RecordType::IsExclude, {9}, t(0));               // EXCLUDE({}, {9}), GT 260
    send(P1, RecordType::AllowNewSources, {1, 2}, t(100));    // X = {1,2} until 360
    const KernelCaps caps;
    EXPECT_EQ(sn.desiredMdb(caps).begin()->second.mode, FilterMode::Exclude);
    runUntil(sn, t(260));
    const auto s = state(sn, G, P1);
    EXPECT_EQ(s.mode, FilterMode::Include);                   // Table 6
    EXPECT_EQ(running(s), p.srcs({1, 2}));
    EXPECT_FALSE(s.groupTimer.has_value());
    const auto& mdb = sn.desiredMdb(caps);
    ASSERT_EQ(mdb.size(), 1u);
    EXPECT_EQ(mdb.begin()->second, (MdbAttrs{FilterMode::Include, p.srcs({1, 2})}));
    runUntil(sn, t(360));
    EXPECT_FALSE(hasState(sn, G, P1));                        // Table 7: INCLUDE source expiry
}

TEST_P(Timers, SourceExpiryInExcludeBlocksTheSource) {
    send(P1, RecordType::IsExclude, {}, t(0));
    send(P1, RecordType::AllowNewSources, {1}, t(10));
    send(P1, RecordType::IsExclude, {}, t(200));              // X deleted by IS_EX({}) (X-A)
    send(P1, RecordType::AllowNewSources, {1}, t(201));       // 1 until 461, GT until 460
    send(P1, RecordType::IsExclude, {1}, t(202));             // GT 462; 1 stays in X
    runUntil(sn, t(461));
    const auto s = state(sn, G, P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(blocked(s), p.srcs({1}));                       // Table 7: moved to Y
}

TEST_P(Timers, IndependentPortsExpireIndependently) {
    send(P1, RecordType::IsExclude, {}, t(0));
    send(P2, RecordType::IsExclude, {}, t(100));
    runUntil(sn, t(300));
    EXPECT_FALSE(hasState(sn, G, P1));
    EXPECT_TRUE(hasState(sn, G, P2));
    EXPECT_EQ(sn.nextDeadline(), t(360));
}

TEST_P(Timers, MdbCacheMatchesAFullRebuild) {
    for (int i = 1; i <= 20; ++i) {
        sn.onMessage(i % 2 ? P1 : P2, v3report(p, p.host(1), {rec(RecordType::IsInclude, p.group(i), p.srcs({i, i + 1}))}),
                     t(i));
        if (i % 3 == 0) (void)sn.desiredMdb(KernelCaps{});   // interleave cache patches
    }
    runUntil(sn, t(270));                                       // half of them expired
    sn.onMessage(P1, v3report(p, p.host(1), {rec(RecordType::ToExclude, p.group(19), {})}), t(271));
    const std::string incremental = dump(sn.desiredMdb(KernelCaps{}));
    KernelCaps other;
    other.srcList = false;
    (void)sn.desiredMdb(other);                                // forces a rebuild
    EXPECT_EQ(dump(sn.desiredMdb(KernelCaps{})), incremental);
    EXPECT_EQ(sn.desiredMdb(KernelCaps{}).size(), 10u);
}

TEST_P(Timers, MdbChangesNameTheGroupsTheCacheRetranslated) {
    (void)sn.desiredMdb(KernelCaps{});
    EXPECT_TRUE(sn.takeMdbChanges().full);                     // the first snapshot is a rebuild
    EXPECT_FALSE(sn.takeMdbChanges().full);
    send(P1, RecordType::IsExclude, {}, t(0));
    sn.onMessage(P2, v3report(p, p.host(2), {rec(RecordType::IsExclude, p.group(2), {})}), t(0));
    (void)sn.desiredMdb(KernelCaps{});
    send(P2, RecordType::IsExclude, {}, t(1));                 // G again, in a later patch
    (void)sn.desiredMdb(KernelCaps{});
    auto c = sn.takeMdbChanges();
    EXPECT_FALSE(c.full);
    EXPECT_EQ(c.groups, (std::vector<IpAddr>{std::min(G, p.group(2)), std::max(G, p.group(2))}));
    EXPECT_TRUE(sn.takeMdbChanges().groups.empty());
    // Changes nobody takes are bounded: a group erased and created again is queued
    // again; past the number of groups (at least 64) the list becomes "full".
    for (int i = 0; i < 100; ++i) {
        sn.portRemoved(P2, t(2 + i));                          // its memberships go ...
        sn.portAdded(P2, "p2", t(2 + i));
        sn.onMessage(P2, v3report(p, p.host(2), {rec(RecordType::IsExclude, p.group(2), {})}),
                     t(2.5 + i));                             // ... and come back
        (void)sn.desiredMdb(KernelCaps{});
    }
    c = sn.takeMdbChanges();
    EXPECT_TRUE(c.full);
    EXPECT_TRUE(c.groups.empty());
}

TEST_P(Timers, RefreshDoesNotBumpTheMdbGeneration) {
    send(P1, RecordType::IsExclude, {}, t(0));
    const auto gen = sn.mdbGeneration();
    send(P1, RecordType::IsExclude, {}, t(125));
    EXPECT_EQ(sn.mdbGeneration(), gen);
    send(P1, RecordType::IsExclude, {3}, t(126));          // 3 goes to X: still "all sources"
    EXPECT_EQ(sn.mdbGeneration(), gen);
    send(P2, RecordType::IsExclude, {}, t(127));
    EXPECT_GT(sn.mdbGeneration(), gen);
}

INSTANTIATE_TEST_SUITE_P(Families, Timers, ::testing::Values(Family::V4, Family::V6),
                         [](const auto& i) { return i.param == Family::V4 ? "IGMP" : "MLD"; });

}  // namespace
}  // namespace mcs::core::test
