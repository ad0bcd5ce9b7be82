// Link message parsing on hand-built messages: VLAN lists (this kernel has no VLAN
// filtering, so only here), bridge options, port attributes.
#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "bridge/link_message.h"

namespace mcs::bridge {
namespace {

NlMsgPtr linkMsg(int type, unsigned char family, int ifindex, unsigned flags) {
    NlMsgPtr m(nlmsg_alloc_simple(type, 0));
    ifinfomsg ifi{};
    ifi.ifi_family = family;
    ifi.ifi_index = ifindex;
    ifi.ifi_flags = flags;
    nlmsg_append(m.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO);
    return m;
}

void putVlan(nl_msg* m, uint16_t vid, uint16_t flags) {
    bridge_vlan_info v{flags, vid};
    nla_put(m, IFLA_BRIDGE_VLAN_INFO, sizeof v, &v);
}

TEST(LinkMessage, BridgePortWithVlansAndProtinfo) {
    NlMsgPtr m = linkMsg(RTM_NEWLINK, AF_BRIDGE, 5, IFF_UP | IFF_RUNNING);
    nla_put_string(m.get(), IFLA_IFNAME, "v1");
    nla_put_u32(m.get(), IFLA_MASTER, 2);
    nla_put_u8(m.get(), IFLA_OPERSTATE, IF_OPER_UP);
    nlattr* pi = nla_nest_start(m.get(), IFLA_PROTINFO | NLA_F_NESTED);
    nla_put_u8(m.get(), IFLA_BRPORT_STATE, BR_STATE_BLOCKING);
    nla_put_u8(m.get(), IFLA_BRPORT_MULTICAST_ROUTER, 2);
    nla_put_u8(m.get(), IFLA_BRPORT_MCAST_FLOOD, 0);
    nla_put_u8(m.get(), IFLA_BRPORT_FAST_LEAVE, 1);
    nla_nest_end(m.get(), pi);
    nlattr* af = nla_nest_start(m.get(), IFLA_AF_SPEC);
    putVlan(m.get(), 1, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
    putVlan(m.get(), 10, BRIDGE_VLAN_INFO_RANGE_BEGIN);  // compressed 10-12
    putVlan(m.get(), 12, BRIDGE_VLAN_INFO_RANGE_END);
    putVlan(m.get(), 20, 0);
    putVlan(m.get(), 5000, 0);  // out of range: ignored
    nla_nest_end(m.get(), af);

    auto p = parseBridgePortMessage(*nlmsg_hdr(m.get()));
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->deleted);
    EXPECT_EQ(p->ifindex, IfIndex{5});
    EXPECT_EQ(p->master, IfIndex{2});
    EXPECT_EQ(p->name, "v1");
    ASSERT_TRUE(p->attrs);
    EXPECT_EQ(p->attrs->stp, StpState::Blocking);
    EXPECT_EQ(p->attrs->mcastRouter, RouterMode::Permanent);
    EXPECT_FALSE(p->attrs->mcastFlood);
    EXPECT_TRUE(p->attrs->fastLeave);
    ASSERT_TRUE(p->vlans);
    const std::vector<PortVlan> want{{VlanId{1}, true, true},
                                     {VlanId{10}, false, false},
                                     {VlanId{11}, false, false},
                                     {VlanId{12}, false, false},
                                     {VlanId{20}, false, false}};
    EXPECT_EQ(*p->vlans, want);
    // Not an AF_UNSPEC message.
    EXPECT_FALSE(parseLinkMessage(*nlmsg_hdr(m.get())));
}

TEST(LinkMessage, BridgeWithOptions) {
    NlMsgPtr m = linkMsg(RTM_NEWLINK, AF_UNSPEC, 2, IFF_UP);
    nla_put_string(m.get(), IFLA_IFNAME, "br0");
    const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
    nla_put(m.get(), IFLA_ADDRESS, 6, mac);
    nlattr* li = nla_nest_start(m.get(), IFLA_LINKINFO);
    nla_put_string(m.get(), IFLA_INFO_KIND, "bridge");
    nlattr* d = nla_nest_start(m.get(), IFLA_INFO_DATA);
    nla_put_u8(m.get(), IFLA_BR_MCAST_SNOOPING, 0);
    nla_put_u8(m.get(), IFLA_BR_MCAST_QUERIER, 1);
    nla_put_u32(m.get(), IFLA_BR_MCAST_HASH_MAX, 8192);
    nla_put_u8(m.get(), IFLA_BR_VLAN_FILTERING, 1);
    nla_put_u8(m.get(), IFLA_BR_MCAST_IGMP_VERSION, 3);
    nla_put_u8(m.get(), IFLA_BR_MCAST_MLD_VERSION, 2);
    br_boolopt_multi bo{1u << BR_BOOLOPT_MCAST_VLAN_SNOOPING, 1u << BR_BOOLOPT_MCAST_VLAN_SNOOPING};
    nla_put(m.get(), IFLA_BR_MULTI_BOOLOPT, sizeof bo, &bo);
    nla_nest_end(m.get(), d);
    nla_nest_end(m.get(), li);

    auto l = parseLinkMessage(*nlmsg_hdr(m.get()));
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->isBridge());
    EXPECT_FALSE(l->isBridgePort());
    EXPECT_EQ(l->mac.b[5], 0x01);
    ASSERT_TRUE(l->bridgeOptions);
    const BridgeMcastOptions& o = *l->bridgeOptions;
    EXPECT_FALSE(o.snooping);
    EXPECT_TRUE(o.querier);
    EXPECT_EQ(o.hashMax, 8192u);
    EXPECT_TRUE(o.vlanFiltering);
    EXPECT_TRUE(o.vlanSnooping);
    EXPECT_EQ(o.igmpVersion, 3);
    EXPECT_EQ(o.mldVersion, 2);
}

TEST(LinkMessage, DeletedAndShortMessages) {
    NlMsgPtr m = linkMsg(RTM_DELLINK, AF_UNSPEC, 7, 0);
    auto l = parseLinkMessage(*nlmsg_hdr(m.get()));
    ASSERT_TRUE(l);
    EXPECT_TRUE(l->deleted);
    EXPECT_EQ(l->ifindex, IfIndex{7});
    nlmsghdr bare{};
    bare.nlmsg_len = NLMSG_HDRLEN;
    bare.nlmsg_type = RTM_NEWLINK;
    EXPECT_FALSE(parseLinkMessage(bare));
    EXPECT_FALSE(parseBridgePortMessage(bare));
}

}  // namespace
}  // namespace mcs::bridge
