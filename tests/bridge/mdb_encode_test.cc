// The batch encoder's own contract (no kernel): messages land back to back and aligned
// after whatever the buffer holds, lengths and offsets are per message, and a message
// that cannot be expressed leaves the buffer as it was. Its bytes are checked through
// buildMdbAdd/buildMdbDel in mdb_message_test.cc.
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <vector>

#include "bridge/mdb_encode.h"
#include "bridge/mdb_message.h"

namespace mcs::bridge {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

nlmsghdr headerAt(const std::vector<uint8_t>& b, size_t off) {
    nlmsghdr h;
    std::memcpy(&h, b.data() + off, sizeof h);
    return h;
}

TEST(MdbEncode, AppendsAlignedMessagesBackToBack) {
    const MdbKey star{VlanId{0}, ip("239.1.1.1"), IpAddr::unspecified(Family::V4), IfIndex{5}};
    const MdbKey sg{VlanId{0}, ip("ff0e::1"), ip("2001:db8::1"), IfIndex{5}};
    MdbEncoding enc;
    enc.rtprot = 183;
    std::vector<uint8_t> buf(8, 0xee);  // something already there: the next message starts after it

    uint32_t nest1 = 0, nest2 = 0;
    const size_t len1 = appendMdbAdd(buf, IfIndex{3}, star, {FilterMode::Include, {ip("192.0.2.1")}}, enc, false, &nest1);
    const size_t len2 = appendMdbDel(buf, IfIndex{3}, sg);
    const size_t len3 = appendMdbAdd(buf, IfIndex{3}, sg, {}, enc, true, &nest2);
    ASSERT_EQ(len1, 92u);  // the worked example's size (mdb_message_test.cc)
    ASSERT_GT(len2, 0u);
    ASSERT_GT(len3, 0u);
    EXPECT_EQ(len1 % NLMSG_ALIGNTO + len2 % NLMSG_ALIGNTO + len3 % NLMSG_ALIGNTO, 0u);
    ASSERT_EQ(buf.size(), 8 + len1 + len2 + len3);
    EXPECT_EQ(buf[7], 0xee);

    const nlmsghdr h1 = headerAt(buf, 8), h2 = headerAt(buf, 8 + len1), h3 = headerAt(buf, 8 + len1 + len2);
    EXPECT_EQ(h1.nlmsg_len, len1);
    EXPECT_EQ(h1.nlmsg_type, RTM_NEWMDB);
    EXPECT_EQ(h2.nlmsg_len, len2);
    EXPECT_EQ(h2.nlmsg_type, RTM_DELMDB);
    EXPECT_EQ(h3.nlmsg_len, len3);
    EXPECT_EQ(h3.nlmsg_flags & NLM_F_REPLACE, NLM_F_REPLACE);
    // Offsets are from each message's own header, not from the buffer.
    EXPECT_EQ(nest1, 16u + 8u + 32u);
    EXPECT_EQ(nest2, 16u + 8u + 32u);

    // The same bytes as the libnl form.
    NlMsgPtr m = buildMdbDel(IfIndex{3}, sg);
    ASSERT_TRUE(m);
    EXPECT_EQ(0, std::memcmp(nlmsg_hdr(m.get()), buf.data() + 8 + len1, len2));
}

// A source list whose nest would pass netlink's 16-bit attribute length.
TEST(MdbEncode, InexpressibleMessageLeavesBufferAlone) {
    const MdbKey star{VlanId{0}, ip("ff0e::1"), IpAddr::unspecified(Family::V6), IfIndex{5}};
    MdbAttrs huge{FilterMode::Include, {}};
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
    for (int i = 0; i < 3000; ++i) {
        a[14] = static_cast<uint8_t>(i >> 8);
        a[15] = static_cast<uint8_t>(i);
        huge.sources.push_back(IpAddr::v6Bytes(a));
    }
    std::vector<uint8_t> buf(12, 0x11);
    uint32_t nest = 7;
    EXPECT_EQ(appendMdbAdd(buf, IfIndex{3}, star, huge, {}, false, &nest), 0u);
    EXPECT_EQ(buf, std::vector<uint8_t>(12, 0x11));
    EXPECT_EQ(nest, 0u);
    EXPECT_FALSE(buildMdbAdd(IfIndex{3}, star, huge, {}, false));
}

}  // namespace
}  // namespace mcs::bridge
