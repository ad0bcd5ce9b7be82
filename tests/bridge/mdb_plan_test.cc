// Ordering rules of planMdbOps (see bridge/mdb_plan.h for the kernel behaviour).
#include <gtest/gtest.h>

#include "bridge/mdb_plan.h"

namespace mcs::bridge {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
MdbKey star(const char* g, int port) { return {VlanId{0}, ip(g), IpAddr::unspecified(ip(g).family()), IfIndex{port}}; }
MdbKey sg(const char* g, const char* s, int port) { return {VlanId{0}, ip(g), ip(s), IfIndex{port}}; }
const MdbAttrs kExcl{FilterMode::Exclude, {}};
const MdbAttrs kSg{FilterMode::Include, {}};

std::vector<std::pair<MdbOp, MdbKey>> ops(const std::vector<PlannedOp>& p) {
    std::vector<std::pair<MdbOp, MdbKey>> v;
    for (const auto& o : p) v.emplace_back(o.op, o.key);
    return v;
}

TEST(MdbPlan, RemovesThenReplacesThenStarGThenSgAdds) {
    MdbDelta d;
    d.add = {{sg("239.1.1.1", "192.0.2.1", 5), kSg}, {star("239.1.1.1", 6), kExcl}};
    d.change = {{star("239.2.2.2", 5), MdbAttrs{FilterMode::Include, {ip("192.0.2.9")}}}};
    d.remove = {star("239.3.3.3", 5), sg("239.3.3.3", "192.0.2.3", 6)};
    auto p = planMdbOps(d, {});
    const std::vector<std::pair<MdbOp, MdbKey>> want{
        {MdbOp::Remove, sg("239.3.3.3", "192.0.2.3", 6)},
        {MdbOp::Remove, star("239.3.3.3", 5)},
        {MdbOp::Replace, star("239.2.2.2", 5)},
        {MdbOp::Add, star("239.1.1.1", 6)},
        {MdbOp::Add, sg("239.1.1.1", "192.0.2.1", 5)},
    };
    EXPECT_EQ(ops(p), want);
    for (const auto& o : p) EXPECT_EQ(o.reason, OpReason::Delta);
}

// A group gaining an EXCLUDE (*,G) re-seats one installed stand-alone (S,G) per source.
TEST(MdbPlan, ReseatsInstalledSgWhenGroupGainsExclude) {
    SgIndex installed;
    installed[{VlanId{0}, ip("239.1.1.1")}] = {{ip("192.0.2.1"), IfIndex{5}}, {ip("192.0.2.1"), IfIndex{7}},
                                               {ip("192.0.2.2"), IfIndex{5}}};
    MdbDelta d;
    d.add = {{star("239.1.1.1", 6), kExcl}};
    auto p = planMdbOps(d, installed);
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(p[0].key, star("239.1.1.1", 6));
    EXPECT_EQ(p[1].op, MdbOp::Remove);
    EXPECT_EQ(p[1].reason, OpReason::Reseat);
    EXPECT_EQ(p[1].key, sg("239.1.1.1", "192.0.2.1", 5));
    EXPECT_EQ(p[2].op, MdbOp::Add);
    EXPECT_EQ(p[2].key, sg("239.1.1.1", "192.0.2.1", 5));
    EXPECT_EQ(p[3].key, sg("239.1.1.1", "192.0.2.2", 5));
    EXPECT_EQ(p[4].key, sg("239.1.1.1", "192.0.2.2", 5));
}

// No re-seat for a source the delta adds an (S,G) for anyway, nor for other groups,
// nor when the new (*,G) is INCLUDE.
TEST(MdbPlan, NoReseatWhenNotNeeded) {
    SgIndex installed;
    installed[{VlanId{0}, ip("239.1.1.1")}] = {{ip("192.0.2.1"), IfIndex{5}}};
    installed[{VlanId{0}, ip("239.9.9.9")}] = {{ip("192.0.2.1"), IfIndex{5}}};
    MdbDelta d;
    d.add = {{star("239.1.1.1", 6), kExcl}, {sg("239.1.1.1", "192.0.2.1", 8), kSg},
             {star("239.9.9.9", 6), MdbAttrs{FilterMode::Include, {ip("192.0.2.1")}}}};
    for (const auto& o : planMdbOps(d, installed)) EXPECT_EQ(o.reason, OpReason::Delta);
}

// Removing an EXCLUDE (*,G) deletes the kernel's STAR_EXCL copies on that port, unless
// the port has its own (S,G) for the source.
TEST(MdbPlan, CleansStarExclLeftovers) {
    SgIndex installed;
    installed[{VlanId{0}, ip("239.1.1.1")}] = {{ip("192.0.2.1"), IfIndex{5}}, {ip("192.0.2.2"), IfIndex{5}},
                                               {ip("192.0.2.2"), IfIndex{6}}};
    MdbDelta d;
    d.remove = {star("239.1.1.1", 6)};
    auto p = planMdbOps(d, installed);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[1].op, MdbOp::Remove);
    EXPECT_EQ(p[1].reason, OpReason::StaleStarExcl);
    EXPECT_EQ(p[1].key, sg("239.1.1.1", "192.0.2.1", 6));
}

TEST(MdbPlan, SwitchToIncludeKeepsListedSources) {
    SgIndex installed;
    installed[{VlanId{0}, ip("239.1.1.1")}] = {{ip("192.0.2.1"), IfIndex{5}}, {ip("192.0.2.2"), IfIndex{5}}};
    MdbDelta d;
    d.change = {{star("239.1.1.1", 6), MdbAttrs{FilterMode::Include, {ip("192.0.2.2")}}}};
    auto p = planMdbOps(d, installed);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[1].key, sg("239.1.1.1", "192.0.2.1", 6));
    EXPECT_EQ(p[1].reason, OpReason::StaleStarExcl);
}

}  // namespace
}  // namespace mcs::bridge
