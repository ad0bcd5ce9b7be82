// Unit tests of the building blocks: GroupPortState (spill rule, denySource,
// reconcile), HostTable merge rules, MrouterTable, group filter matching.
#include "agent/core/group_state.h"
#include "agent/core/host_table.h"
#include "agent/core/mrouter_ports.h"
#include "agent/core/policy.h"
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

StateParams params(TimePoint now, uint32_t maxSources = 64) {
    return StateParams{now, seconds(260), seconds(260), seconds(1), 2, maxSources};
}

RecordIn in(RecordType t, std::vector<IpAddr> s) {
    normalize(s);
    return RecordIn{t, std::move(s)};
}

const Plan v4{Family::V4};

TEST(GroupPortState, SpillNeverLosesInterest) {
    GroupPortState st(Family::V4);
    auto r = st.apply(in(RecordType::IsInclude, v4.srcs({1, 2, 3})), params(t(0), 2));
    EXPECT_TRUE(r.spilled);
    EXPECT_EQ(st.mode(), FilterMode::Exclude);
    EXPECT_EQ(st.groupTimer(), t(260));
    EXPECT_TRUE(st.filterSources().empty());   // nothing blocked: every source forwarded
}

TEST(GroupPortState, DenySourceRemovesOrBlocks) {
    GroupPortState st(Family::V4);
    st.apply(in(RecordType::IsInclude, v4.srcs({1, 2})), params(t(0)));
    EXPECT_TRUE(st.denySource(v4.src(1)));
    EXPECT_EQ(st.filterSources(), v4.srcs({2}));
    st.apply(in(RecordType::IsExclude, {}), params(t(1)));
    EXPECT_TRUE(st.denySource(v4.src(1)));
    EXPECT_FALSE(st.denySource(v4.src(1)));
    EXPECT_EQ(st.filterSources(), v4.srcs({1}));
}

TEST(GroupPortState, ReconcileKeepsRunningTimers) {
    GroupPortState st(Family::V4);
    st.apply(in(RecordType::IsInclude, v4.srcs({1, 2})), params(t(0)));
    st.reconcile(FilterMode::Include, v4.srcs({2, 3}), {}, params(t(10)));
    ASSERT_EQ(st.sources().size(), 2u);
    EXPECT_EQ(st.sources()[0].timer, t(260));   // 2 kept its timer
    EXPECT_EQ(st.sources()[1].timer, t(270));   // 3 new: GMI
}

TEST(GroupPortState, DeadlineCoversEveryTimer) {
    GroupPortState st(Family::V4);
    EXPECT_EQ(st.nextDeadline(), kNever);
    st.noteReportVersion(ProtoVersion::IgmpV2, params(t(0)));
    st.apply(in(RecordType::IsExclude, {}), params(t(5)));
    EXPECT_EQ(st.nextDeadline(), t(260));       // host-present timer first
    st.expire(t(260));
    EXPECT_EQ(st.compat(t(260)), CompatMode::IgmpV3);
    EXPECT_EQ(st.nextDeadline(), t(265));
}

TEST(HostTable, MergeFollowsSocketMergeRules) {
    HostTable h;
    h.apply(v4.host(1), in(RecordType::IsInclude, v4.srcs({1, 2})), t(100), 8, 64);
    h.apply(v4.host(2), in(RecordType::IsExclude, v4.srcs({2, 3, 4})), t(100), 8, 64);
    h.apply(v4.host(3), in(RecordType::IsExclude, v4.srcs({3, 4, 5})), t(100), 8, 64);
    FilterMode m;
    AddrList fwd, blk;
    h.merged(m, fwd, blk);
    EXPECT_EQ(m, FilterMode::Exclude);
    EXPECT_EQ(blk, v4.srcs({3, 4}));            // intersection of excludes minus includes
    EXPECT_EQ(fwd, v4.srcs({1, 2}));
    EXPECT_EQ(h.apply(v4.host(2), in(RecordType::ToInclude, {}), t(101), 8, 64), HostTable::Outcome::Removed);
    EXPECT_TRUE(h.expire(t(100)));
    EXPECT_TRUE(h.empty());
}

TEST(MrouterTable, OnOffChanges) {
    MrouterTable m;
    EXPECT_TRUE(m.learn(IfIndex{1}, MrouterOrigin::Query, t(10)).has_value());
    EXPECT_FALSE(m.learn(IfIndex{1}, MrouterOrigin::Pim, t(20)).has_value());
    EXPECT_FALSE(m.forget(IfIndex{1}, MrouterOrigin::Query).has_value());
    const auto c = m.expire(t(20));
    ASSERT_EQ(c.size(), 1u);
    EXPECT_FALSE(c[0].on);
    EXPECT_EQ(c[0].origin, MrouterOrigin::Pim);
    EXPECT_EQ(m.nextDeadline(), kNever);
}

TEST(GroupFilterRules, PrefixMatching) {
    EXPECT_TRUE(rangeContains(GroupRange{ip("239.0.0.0"), 8, {}}, ip("239.255.1.1")));
    EXPECT_FALSE(rangeContains(GroupRange{ip("239.0.0.0"), 9, {}}, ip("239.255.1.1")));
    EXPECT_TRUE(rangeContains(GroupRange{ip("ff3e::"), 16, {}}, ip("ff3e::1234")));
    EXPECT_FALSE(rangeContains(GroupRange{ip("ff3e::"), 16, {}}, ip("239.1.1.1")));
    EXPECT_TRUE(rangeContains(GroupRange{ip("0.0.0.0"), 0, {}}, ip("224.1.1.1")));
}

}  // namespace
}  // namespace mcs::core::test
