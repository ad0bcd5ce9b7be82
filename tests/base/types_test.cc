#include "agent/base/types.h"

#include <gtest/gtest.h>

namespace mcs {

TEST(IpAddr, ParseAndFormat) {
    auto a = IpAddr::parse("239.1.1.1");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->isV4());
    EXPECT_TRUE(a->isMulticast());
    EXPECT_EQ(a->str(), "239.1.1.1");
    auto b = IpAddr::parse("ff12::1");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->isV6());
    EXPECT_EQ(b->str(), "ff12::1");
    EXPECT_FALSE(IpAddr::parse("not-an-address"));
    EXPECT_FALSE(IpAddr::parse(""));
}

TEST(IpAddr, Classes) {
    EXPECT_TRUE(IpAddr::parse("224.0.0.251")->isLinkLocalMulticast());
    EXPECT_FALSE(IpAddr::parse("224.0.1.1")->isLinkLocalMulticast());
    EXPECT_TRUE(IpAddr::parse("ff02::1")->isLinkLocalMulticast());
    EXPECT_TRUE(IpAddr::parse("ff02::1:ff00:1")->isSolicitedNode());
    EXPECT_FALSE(IpAddr::parse("ff05::1")->isLinkLocalMulticast());
    EXPECT_TRUE(IpAddr::parse("fe80::1")->isLinkLocalUnicastV6());
    EXPECT_TRUE(IpAddr::unspecified(Family::V6).isUnspecified());
    EXPECT_TRUE(IpAddr().isUnspecified());
    // IPv4 orders before IPv6; same family by bytes.
    EXPECT_LT(*IpAddr::parse("239.255.255.255"), *IpAddr::parse("::"));
    EXPECT_LT(*IpAddr::parse("10.0.0.1"), *IpAddr::parse("10.0.0.2"));
}

TEST(MacAddr, ForGroup) {
    EXPECT_EQ(MacAddr::forGroup(*IpAddr::parse("239.129.1.1")).str(), "01:00:5e:01:01:01");
    EXPECT_EQ(MacAddr::forGroup(*IpAddr::parse("ff12::1:2:3")).str(), "33:33:00:02:00:03");
}

}  // namespace mcs
