// bridge/vlan_config: the VLAN database messages, built and parsed without a kernel
// (this host's kernel has no VLAN filtering; the VM lane, tests/vm/test_vlan.py,
// runs them against Debian's 6.1 kernel).
#include <gtest/gtest.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cstring>

#include "bridge/nl_attr.h"
#include "bridge/vlan_config.h"

namespace mcs::bridge::test {
namespace {

const br_vlan_msg& header(nl_msg* m) { return *static_cast<const br_vlan_msg*>(nlmsg_data(nlmsg_hdr(m))); }

// The top-level attributes after struct br_vlan_msg.
nl::AttrTable<BRIDGE_VLANDB_MAX> topAttrs(nl_msg* m) {
    nl::AttrTable<BRIDGE_VLANDB_MAX> tb{};
    nl::parseMessage<BRIDGE_VLANDB_MAX>(*nlmsg_hdr(m), sizeof(br_vlan_msg), tb);
    return tb;
}

TEST(VlanConfigMessage, PortVlanRouterChangesOptionsOnly) {
    NlMsgPtr m = buildPortVlanRouter(IfIndex{7}, VlanId{10}, RouterMode::Permanent);
    ASSERT_TRUE(m);
    EXPECT_EQ(nlmsg_hdr(m.get())->nlmsg_type, RTM_NEWVLAN);
    EXPECT_EQ(header(m.get()).family, AF_BRIDGE);
    EXPECT_EQ(header(m.get()).ifindex, 7u);
    auto tb = topAttrs(m.get());
    ASSERT_NE(tb[BRIDGE_VLANDB_ENTRY], nullptr);
    auto e = nl::parseNested<BRIDGE_VLANDB_ENTRY_MAX>(tb[BRIDGE_VLANDB_ENTRY]);
    auto info = nl::bytes(e[BRIDGE_VLANDB_ENTRY_INFO]);
    ASSERT_EQ(info.size(), sizeof(bridge_vlan_info));
    bridge_vlan_info vi;
    std::memcpy(&vi, info.data(), sizeof vi);
    EXPECT_EQ(vi.vid, 10);
    // ONLY_OPTS: the kernel must not create the VLAN or change its flags.
    EXPECT_EQ(vi.flags, BRIDGE_VLAN_INFO_ONLY_OPTS);
    EXPECT_EQ(nl::u8(e[BRIDGE_VLANDB_ENTRY_MCAST_ROUTER]), 2);
}

TEST(VlanConfigMessage, GlobalOptionsCarryOnlyWhatIsSet) {
    VlanGlobalOptions o;
    o.vid = VlanId{20};
    o.igmpVersion = 3;
    o.mldVersion = 2;
    NlMsgPtr m = buildVlanGlobalOptions(IfIndex{3}, o);
    ASSERT_TRUE(m);
    EXPECT_EQ(header(m.get()).ifindex, 3u);
    auto tb = topAttrs(m.get());
    ASSERT_NE(tb[BRIDGE_VLANDB_GLOBAL_OPTIONS], nullptr);
    auto g = nl::parseNested<BRIDGE_VLANDB_GOPTS_MAX>(tb[BRIDGE_VLANDB_GLOBAL_OPTIONS]);
    EXPECT_EQ(nl::u16(g[BRIDGE_VLANDB_GOPTS_ID]), 20);
    EXPECT_EQ(nl::u8(g[BRIDGE_VLANDB_GOPTS_MCAST_IGMP_VERSION]), 3);
    EXPECT_EQ(nl::u8(g[BRIDGE_VLANDB_GOPTS_MCAST_MLD_VERSION]), 2);
    EXPECT_EQ(g[BRIDGE_VLANDB_GOPTS_MCAST_SNOOPING], nullptr);
}

TEST(VlanConfigMessage, VlanSnoopingIsOneMaskedBoolopt) {
    NlMsgPtr m = buildVlanSnooping(IfIndex{3}, true);
    ASSERT_TRUE(m);
    nl::AttrTable<IFLA_MAX> tb{};
    ASSERT_TRUE(nl::parseMessage<IFLA_MAX>(*nlmsg_hdr(m.get()), sizeof(ifinfomsg), tb));
    auto li = nl::parseNested<IFLA_INFO_MAX>(tb[IFLA_LINKINFO]);
    EXPECT_EQ(nl::str(li[IFLA_INFO_KIND]), "bridge");
    auto data = nl::parseNested<IFLA_BR_MAX>(li[IFLA_INFO_DATA]);
    auto b = nl::bytes(data[IFLA_BR_MULTI_BOOLOPT]);
    ASSERT_EQ(b.size(), sizeof(br_boolopt_multi));
    br_boolopt_multi bm;
    std::memcpy(&bm, b.data(), sizeof bm);
    // Only the VLAN snooping bit is touched.
    EXPECT_EQ(bm.optmask, 1u << BR_BOOLOPT_MCAST_VLAN_SNOOPING);
    EXPECT_EQ(bm.optval, 1u << BR_BOOLOPT_MCAST_VLAN_SNOOPING);
}

TEST(VlanConfigMessage, GlobalDumpAsksForGlobalOptions) {
    NlMsgPtr m = buildVlanDump(IfIndex{3}, true);
    ASSERT_TRUE(m);
    EXPECT_EQ(nlmsg_hdr(m.get())->nlmsg_type, RTM_GETVLAN);
    nl::AttrTable<BRIDGE_VLANDB_DUMP_MAX> tb{};
    nl::parseMessage<BRIDGE_VLANDB_DUMP_MAX>(*nlmsg_hdr(m.get()), sizeof(br_vlan_msg), tb);
    EXPECT_EQ(nl::u32(tb[BRIDGE_VLANDB_DUMP_FLAGS]), BRIDGE_VLANDB_DUMPF_GLOBAL);
}

// A dump message as the kernel sends it: ranges of equal VLANs are compressed.
TEST(VlanConfigMessage, DumpRangesAreExpanded) {
    NlMsgPtr m(nlmsg_alloc_simple(RTM_NEWVLAN, NLM_F_MULTI));
    br_vlan_msg bvm{};
    bvm.family = AF_BRIDGE;
    bvm.ifindex = 5;
    ASSERT_GE(nlmsg_append(m.get(), &bvm, sizeof bvm, NLMSG_ALIGNTO), 0);
    nlattr* e = nla_nest_start(m.get(), BRIDGE_VLANDB_ENTRY | NLA_F_NESTED);
    bridge_vlan_info vi{};
    vi.flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
    vi.vid = 10;
    nla_put(m.get(), BRIDGE_VLANDB_ENTRY_INFO, sizeof vi, &vi);
    nla_put_u16(m.get(), BRIDGE_VLANDB_ENTRY_RANGE, 12);
    nla_put_u8(m.get(), BRIDGE_VLANDB_ENTRY_MCAST_ROUTER, 2);
    nla_nest_end(m.get(), e);
    nlattr* g = nla_nest_start(m.get(), BRIDGE_VLANDB_GLOBAL_OPTIONS | NLA_F_NESTED);
    nla_put_u16(m.get(), BRIDGE_VLANDB_GOPTS_ID, 20);
    nla_put_u16(m.get(), BRIDGE_VLANDB_GOPTS_RANGE, 21);
    nla_put_u8(m.get(), BRIDGE_VLANDB_GOPTS_MCAST_IGMP_VERSION, 3);
    nla_nest_end(m.get(), g);
    // An invalid VLAN id is skipped, not trusted.
    nlattr* bad = nla_nest_start(m.get(), BRIDGE_VLANDB_ENTRY | NLA_F_NESTED);
    vi.vid = 4095;
    vi.flags = 0;
    nla_put(m.get(), BRIDGE_VLANDB_ENTRY_INFO, sizeof vi, &vi);
    nla_nest_end(m.get(), bad);

    auto p = parseVlanDumpMessage(*nlmsg_hdr(m.get()));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ifindex, IfIndex{5});
    ASSERT_EQ(p->vlans.size(), 3u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(p->vlans[i].vid, VlanId{static_cast<uint16_t>(10 + i)});
        EXPECT_TRUE(p->vlans[i].pvid);
        EXPECT_TRUE(p->vlans[i].untagged);
        EXPECT_EQ(p->vlans[i].mcastRouter, RouterMode::Permanent);
    }
    ASSERT_EQ(p->globals.size(), 2u);
    EXPECT_EQ(p->globals[0].vid, VlanId{20});
    EXPECT_EQ(p->globals[1].vid, VlanId{21});
    EXPECT_EQ(p->globals[1].igmpVersion, 3);
    EXPECT_FALSE(p->globals[1].mldVersion);
}

}  // namespace
}  // namespace mcs::bridge::test
