#include "agent/base/mdb.h"

#include <gtest/gtest.h>

namespace mcs {
namespace {
MdbKey key(const char* g, int port, const char* src = "0.0.0.0") {
    return MdbKey{VlanId{0}, *IpAddr::parse(g), *IpAddr::parse(src), IfIndex{port}};
}
}  // namespace

TEST(Mdb, DiffAddsChangesAndRemoves) {
    MdbSnapshot applied{{key("239.1.1.1", 2), {}}, {key("239.1.1.2", 2), {}}};
    MdbSnapshot desired{{key("239.1.1.1", 2), {FilterMode::Include, {*IpAddr::parse("10.0.0.1")}}},
                        {key("239.1.1.3", 3), {}}};
    auto d = diff(applied, desired);
    ASSERT_EQ(d.add.size(), 1u);
    EXPECT_EQ(d.add[0].first, key("239.1.1.3", 3));
    ASSERT_EQ(d.change.size(), 1u);
    EXPECT_EQ(d.change[0].first, key("239.1.1.1", 2));
    ASSERT_EQ(d.remove.size(), 1u);
    EXPECT_EQ(d.remove[0], key("239.1.1.2", 2));
    EXPECT_TRUE(diff(desired, desired).empty());
}

TEST(Mdb, DumpIsStable) {
    MdbSnapshot s{{key("239.1.1.1", 2), {FilterMode::Include, {*IpAddr::parse("10.0.0.1")}}},
                  {key("232.1.1.1", 3, "10.0.0.9"), {FilterMode::Include, {}}}};
    EXPECT_EQ(dump(s), "vid 0 232.1.1.1 src 10.0.0.9 port 3\nvid 0 239.1.1.1 * port 2 include {10.0.0.1}\n");
}

}  // namespace mcs
