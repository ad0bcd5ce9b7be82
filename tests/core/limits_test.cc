// Limits on what the network can make the core allocate (limits.h), each counted,
// and the source spill rule (safe over-forwarding, never a silent cap).
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

class LimitsTest : public ::testing::Test {
protected:
    void start(Limits l) {
        SnooperConfig c;
        c.limits = l;
        sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{1}, c);
        sn->portAdded(P1, "p1", t(0));
        sn->portAdded(P2, "p2", t(0));
    }
    RxVerdict v3(IfIndex port, RecordType type, const IpAddr& g, std::vector<IpAddr> s, TimePoint at) {
        return sn->onMessage(port, v3report(v4, v4.host(1), {rec(type, g, std::move(s))}), at);
    }
    std::vector<IpAddr> many(int from, int n) const {
        std::vector<IpAddr> v;
        for (int i = 0; i < n; ++i) v.push_back(v4.src(from + i));
        return v;
    }
    Plan v4{Family::V4};
    std::unique_ptr<Snooper> sn;
    IfIndex P1{1}, P2{2};
};

TEST_F(LimitsTest, GroupsPerVlan) {
    Limits l;
    l.groupsPerVlan = 2;
    start(l);
    v3(P1, RecordType::IsExclude, v4.group(1), {}, t(1));
    v3(P1, RecordType::IsExclude, v4.group(2), {}, t(1));
    const auto v = v3(P2, RecordType::IsExclude, v4.group(3), {}, t(1));
    EXPECT_EQ(v.action, RxAction::Drop);
    EXPECT_EQ(v.reason, Cause::GroupLimitVlan);
    v3(P2, RecordType::IsExclude, v4.group(1), {}, t(1));   // existing group: fine
    EXPECT_EQ(sn->groupCount(), 2u);
    EXPECT_EQ(sn->counters().get(Cause::GroupLimitVlan), 1u);
    EXPECT_EQ(sn->portCounters(P2)->get(Cause::GroupLimitVlan), 1u);
}

TEST_F(LimitsTest, GroupsPerPort) {
    Limits l;
    l.groupsPerPort = 1;
    start(l);
    v3(P1, RecordType::IsExclude, v4.group(1), {}, t(1));
    EXPECT_EQ(v3(P1, RecordType::IsExclude, v4.group(2), {}, t(1)).reason, Cause::GroupLimitPort);
    v3(P2, RecordType::IsExclude, v4.group(2), {}, t(1));
    EXPECT_EQ(sn->groupCount(), 2u);
}

TEST_F(LimitsTest, IncludeOverflowSpillsToExcludeWithGroupTimer) {
    Limits l;
    l.sourcesPerGroup = 4;
    start(l);
    v3(P1, RecordType::IsInclude, v4.group(), many(1, 3), t(1));
    v3(P1, RecordType::AllowNewSources, v4.group(), many(10, 3), t(5));
    const auto s = state(*sn, v4.group(), P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);             // forwards every source
    EXPECT_EQ(s.sources.size(), 4u);
    EXPECT_TRUE(blocked(s).empty());
    EXPECT_EQ(s.groupTimer, t(5) + seconds(260));       // covers the sources not stored
    EXPECT_EQ(sn->counters().get(Cause::SourceLimit), 1u);
    EXPECT_EQ(dump(sn->desiredMdb(KernelCaps{})), "vid 1 239.1.1.1 * port 1 exclude\n");
    // After the group timer the stored running sources remain (RFC 9776 §6.5).
    runUntil(*sn, t(265));
    EXPECT_FALSE(hasState(*sn, v4.group(), P1));        // all timers ran out together
}

TEST_F(LimitsTest, ExcludeOverflowKeepsBlockedSourcesAndRaisesGroupTimer) {
    Limits l;
    l.sourcesPerGroup = 4;
    start(l);
    v3(P1, RecordType::IsExclude, v4.group(), many(1, 2), t(1));      // Y = {1,2}, GT = t1+GMI
    v3(P1, RecordType::AllowNewSources, v4.group(), many(20, 5), t(100));   // X wants 5 more
    const auto s = state(*sn, v4.group(), P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(blocked(s), many(1, 2));                  // blocking stays exact
    EXPECT_EQ(s.sources.size(), 4u);
    EXPECT_EQ(s.groupTimer, t(100) + seconds(260));
}

TEST_F(LimitsTest, BlockedListOverflowForwardsTheRest) {
    Limits l;
    l.sourcesPerGroup = 3;
    start(l);
    v3(P1, RecordType::IsExclude, v4.group(), many(1, 5), t(1));
    EXPECT_EQ(blocked(state(*sn, v4.group(), P1)), many(1, 3));
    EXPECT_EQ(sn->counters().get(Cause::SourceLimit), 1u);
}

TEST_F(LimitsTest, SourcesPerVlanBudget) {
    Limits l;
    l.sourcesPerVlan = 5;
    start(l);
    v3(P1, RecordType::IsInclude, v4.group(1), many(1, 4), t(1));
    v3(P2, RecordType::IsInclude, v4.group(2), many(1, 4), t(1));       // only 1 left
    const auto s = state(*sn, v4.group(2), P2);
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(s.sources.size(), 1u);
    // Budget comes back when state goes away.
    v3(P1, RecordType::IsExclude, v4.group(1), {}, t(2));
    v3(P2, RecordType::IsInclude, v4.group(3), many(1, 4), t(2));
    EXPECT_EQ(state(*sn, v4.group(3), P2).mode, FilterMode::Include);
}

TEST_F(LimitsTest, RecordsPerReport) {
    Limits l;
    l.recordsPerReport = 2;
    start(l);
    std::vector<wire::GroupRecord> r;
    for (int i = 1; i <= 5; ++i) r.push_back(rec(RecordType::IsExclude, v4.group(i)));
    sn->onMessage(P1, v3report(v4, v4.host(1), r), t(1));
    EXPECT_EQ(sn->groupCount(), 2u);
    EXPECT_EQ(sn->counters().get(Cause::RecordLimit), 3u);
    EXPECT_EQ(sn->counters().get(Stat::RecordsProcessed), 2u);
}

TEST_F(LimitsTest, RecordsOfUnknownTypeAreCounted) {
    start(Limits{});
    auto d = v3report(v4, v4.host(1), {rec(RecordType::IsExclude, v4.group(1))});
    std::get<wire::Report>(d.msg).skippedRecords = 2;   // as the codec reports them
    sn->onMessage(P1, d, t(1));
    EXPECT_EQ(sn->groupCount(), 1u);                    // the known record still counts
    EXPECT_EQ(sn->counters().get(Cause::UnknownRecordType), 2u);
}

TEST_F(LimitsTest, HostsPerVlan) {
    Limits l;
    l.hostsPerVlan = 2;
    SnooperConfig c;
    c.limits = l;
    c.vlan.immediateLeave = true;
    sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{1}, c);
    sn->portAdded(P1, "p1", t(0));
    for (int h = 1; h <= 3; ++h)
        sn->onMessage(P1, oldReport(ProtoVersion::IgmpV2, v4.host(h), v4.group(h)), t(1));
    EXPECT_EQ(sn->counters().get(Cause::HostLimit), 1u);
    EXPECT_EQ(state(*sn, v4.group(3), P1).trackedHosts, 0u);
}

TEST_F(LimitsTest, HostSourceListOverflowMeansWantEverything) {
    SnooperConfig c;
    c.vlan.immediateLeave = true;
    c.limits.sourcesPerGroup = 2;
    sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{1}, c);
    sn->portAdded(P1, "p1", t(0));
    const IpAddr g = v4.group();
    sn->onMessage(P1, v3report(v4, v4.host(1), {rec(RecordType::IsInclude, g, many(1, 5))}), t(1));
    sn->onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::IsInclude, g, many(1, 1))}), t(1));
    sn->onMessage(P1, v3report(v4, v4.host(2), {rec(RecordType::ToInclude, g)}), t(2));
    const auto s = state(*sn, g, P1);
    EXPECT_EQ(s.mode, FilterMode::Exclude);             // host 1 is kept on "everything"
    EXPECT_TRUE(blocked(s).empty());
}

}  // namespace
}  // namespace mcs::core::test
