// Byte-level checks of the MDB request builder and the dump parser (no kernel).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>

#include <cstring>
#include <vector>

#include "bridge/mdb_message.h"

namespace mcs::bridge {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

std::vector<uint8_t> bytesOf(nl_msg* m) {
    auto* h = nlmsg_hdr(m);
    auto* p = reinterpret_cast<const uint8_t*>(h);
    return {p, p + h->nlmsg_len};
}

// The worked example of kernel-bridge.md §3.2: permanent port (*,G) INCLUDE {192.0.2.1},
// group 239.1.1.1, VID 10, protocol 0x42, bridge ifindex 3, port ifindex 5.
TEST(MdbMessage, AddMatchesWorkedExample) {
    MdbKey k;
    k.vid = VlanId{10};
    k.group = ip("239.1.1.1");
    k.source = IpAddr::unspecified(Family::V4);
    k.port = IfIndex{5};
    MdbAttrs a{FilterMode::Include, {ip("192.0.2.1")}};
    MdbEncoding enc;
    enc.rtprot = 0x42;
    uint32_t nestOff = 0;
    NlMsgPtr m = buildMdbAdd(IfIndex{3}, k, a, enc, false, &nestOff);
    ASSERT_TRUE(m);
    auto b = bytesOf(m.get());
    ASSERT_EQ(b.size(), 92u);
    const auto* h = nlmsg_hdr(m.get());
    EXPECT_EQ(h->nlmsg_type, RTM_NEWMDB);
    EXPECT_EQ(h->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL | NLM_F_REPLACE), NLM_F_CREATE | NLM_F_EXCL);
    EXPECT_EQ(nestOff, 16u + 8u + 32u);
    const std::vector<uint8_t> payload{
        // br_port_msg: family AF_BRIDGE(7), 3 pad, ifindex 3
        0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
        // nla len 32, type MDBA_SET_ENTRY(1)
        0x20, 0x00, 0x01, 0x00,
        //   br_mdb_entry: ifindex 5, state 1 (permanent), flags 0, vid 10
        0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0a, 0x00,
        //   addr.u: 239.1.1.1 + 12 zero bytes of the in6_addr union
        0xef, 0x01, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        //   addr.proto htons(0x0800), 2 bytes struct padding
        0x08, 0x00, 0x00, 0x00,
        // nla len 36, type MDBA_SET_ENTRY_ATTRS(2)|NLA_F_NESTED
        0x24, 0x00, 0x02, 0x80,
        //   MDBE_ATTR_GROUP_MODE(3) len 5: 1 = MCAST_INCLUDE, 3 pad
        0x05, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,
        //   MDBE_ATTR_SRC_LIST(2)|NESTED len 16
        0x10, 0x00, 0x02, 0x80,
        //     MDBE_SRC_LIST_ENTRY(1)|NESTED len 12
        0x0c, 0x00, 0x01, 0x80,
        //       MDBE_SRCATTR_ADDRESS(1) len 8: 192.0.2.1
        0x08, 0x00, 0x01, 0x00, 0xc0, 0x00, 0x02, 0x01,
        //   MDBE_ATTR_RTPROT(4) len 5: 0x42, 3 pad
        0x05, 0x00, 0x04, 0x00, 0x42, 0x00, 0x00, 0x00,
    };
    EXPECT_EQ(std::vector<uint8_t>(b.begin() + 16, b.end()), payload);
}

TEST(MdbMessage, ReplaceSetsReplaceFlag) {
    MdbKey k{VlanId{0}, ip("239.1.1.1"), IpAddr::unspecified(Family::V4), IfIndex{5}};
    NlMsgPtr m = buildMdbAdd(IfIndex{3}, k, {}, {}, true);
    ASSERT_TRUE(m);
    EXPECT_TRUE(nlmsg_hdr(m.get())->nlmsg_flags & NLM_F_REPLACE);
    EXPECT_FALSE(nlmsg_hdr(m.get())->nlmsg_flags & NLM_F_EXCL);
}

// Host entries take no state, protocol, mode or sources (br_mdb_add refuses them).
TEST(MdbMessage, HostEntryIsBare) {
    MdbKey k{VlanId{0}, ip("ff0e::1"), IpAddr::unspecified(Family::V6), IfIndex{3}};
    MdbEncoding enc;
    enc.rtprot = 183;
    NlMsgPtr m = buildMdbAdd(IfIndex{3}, k, {FilterMode::Include, {ip("2001:db8::1")}}, enc, false);
    ASSERT_TRUE(m);
    // header 16 + br_port_msg 8 + MDBA_SET_ENTRY 32, no attribute nest.
    EXPECT_EQ(nlmsg_hdr(m.get())->nlmsg_len, 56u);
    br_mdb_entry e;
    std::memcpy(&e, reinterpret_cast<uint8_t*>(nlmsg_hdr(m.get())) + 16 + 8 + 4, sizeof e);
    EXPECT_EQ(e.state, MDB_TEMPORARY);
    EXPECT_EQ(ntohs(e.addr.proto), 0x86dd);
}

TEST(MdbMessage, SgCarriesSourceOnly) {
    MdbKey k{VlanId{0}, ip("239.1.1.1"), ip("192.0.2.7"), IfIndex{5}};
    MdbEncoding enc;
    enc.rtprot = 183;
    NlMsgPtr m = buildMdbAdd(IfIndex{3}, k, {FilterMode::Include, {}}, enc, false);
    ASSERT_TRUE(m);
    // nest (4) + SOURCE (8) + RTPROT (8), no GROUP_MODE on (S,G).
    EXPECT_EQ(nlmsg_hdr(m.get())->nlmsg_len, 56u + 4 + 8 + 8);
    NlMsgPtr d = buildMdbDel(IfIndex{3}, k);
    ASSERT_TRUE(d);
    EXPECT_EQ(nlmsg_hdr(d.get())->nlmsg_type, RTM_DELMDB);
    EXPECT_EQ(nlmsg_hdr(d.get())->nlmsg_len, 56u + 4 + 8);
}

// A notification as br_mdb_notify sends it: (S,G) on port 5 of bridge 3, with
// timer, source and protocol attributes after the raw br_mdb_entry.
TEST(MdbMessage, ParsesEntryInfoWithAttributes) {
    std::vector<uint8_t> msg{
        // nlmsghdr: len 100, RTM_NEWMDB (84), flags 0, seq 0, pid 0
        100, 0, 0, 0, 84, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // br_port_msg: AF_BRIDGE, bridge 3
        7, 0, 0, 0, 3, 0, 0, 0,
        // MDBA_MDB(1)|NESTED len 76
        76, 0, 1, 0x80,
        //   MDBA_MDB_ENTRY(1)|NESTED len 72
        72, 0, 1, 0x80,
        //     MDBA_MDB_ENTRY_INFO(1) len 68: br_mdb_entry (28) + attrs (36)
        68, 0, 1, 0,
        //       ifindex 5, state temp, flags STAR_EXCL(4), vid 0
        5, 0, 0, 0, 0, 4, 0, 0,
        //       239.1.1.1 + union padding, proto 0x0800 + pad
        0xef, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0, 0,
        //       MDBA_MDB_EATTR_TIMER(1) u32 250 cs
        8, 0, 1, 0, 250, 0, 0, 0,
        //       MDBA_MDB_EATTR_SOURCE(4) 192.0.2.7
        8, 0, 4, 0, 192, 0, 2, 7,
        //       MDBA_MDB_EATTR_RTPROT(5) u8 2 (kernel)
        5, 0, 5, 0, 2, 0, 0, 0,
        //       MDBA_MDB_EATTR_GROUP_MODE(3) u8 1 (include)
        5, 0, 3, 0, 1, 0, 0, 0,
        //       padding attribute of type 0 (ignored)
        4, 0, 0, 0,
    };
    ASSERT_EQ(msg.size(), 100u);
    MdbParsed out;
    parseMdbMessage(*reinterpret_cast<const nlmsghdr*>(msg.data()), out);
    ASSERT_EQ(out.entries.size(), 1u);
    const MdbEntry& e = out.entries[0];
    EXPECT_EQ(e.bridge, IfIndex{3});
    EXPECT_EQ(e.key.port, IfIndex{5});
    EXPECT_EQ(e.key.group, ip("239.1.1.1"));
    EXPECT_EQ(e.key.source, ip("192.0.2.7"));
    EXPECT_EQ(e.state, MdbState::Temporary);
    EXPECT_EQ(e.flags, 4);
    EXPECT_EQ(e.protocol, std::optional<uint8_t>(2));
    EXPECT_EQ(e.mode, std::optional<FilterMode>(FilterMode::Include));
    EXPECT_EQ(e.timerCs, 250u);
    EXPECT_EQ(out.malformed, 0u);
}

TEST(MdbMessage, TruncatedEntryInfoIsCountedNotRead) {
    std::vector<uint8_t> msg{
        44, 0, 0, 0, 84, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        7, 0, 0, 0, 3, 0, 0, 0,
        20, 0, 1, 0x80,             // MDBA_MDB
        16, 0, 1, 0x80,             //   MDBA_MDB_ENTRY
        12, 0, 1, 0,                //     MDBA_MDB_ENTRY_INFO with 8 bytes: too short
        5, 0, 0, 0, 1, 0, 0, 0,
    };
    MdbParsed out;
    parseMdbMessage(*reinterpret_cast<const nlmsghdr*>(msg.data()), out);
    EXPECT_TRUE(out.entries.empty());
    EXPECT_EQ(out.malformed, 1u);
}

TEST(MdbMessage, CountsHashEntriesPerVidGroupSource) {
    std::vector<MdbEntry> v(4);
    v[0].key = {VlanId{0}, ip("239.1.1.1"), IpAddr::unspecified(Family::V4), IfIndex{5}};
    v[1].key = {VlanId{0}, ip("239.1.1.1"), IpAddr::unspecified(Family::V4), IfIndex{6}};  // same mp
    v[2].key = {VlanId{0}, ip("239.1.1.1"), ip("192.0.2.1"), IfIndex{5}};
    v[3].key = {VlanId{7}, ip("239.1.1.1"), IpAddr::unspecified(Family::V4), IfIndex{5}};
    EXPECT_EQ(countHashEntries(v), 3u);
}

}  // namespace
}  // namespace mcs::bridge
