#include "bridge/link_message.h"

#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cstring>

#include "bridge/nl_attr.h"

namespace mcs::bridge {

namespace {

StpState stpFrom(uint8_t v) { return v <= 4 ? static_cast<StpState>(v) : StpState::Disabled; }
RouterMode routerFrom(uint8_t v) { return v <= 3 ? static_cast<RouterMode>(v) : RouterMode::TempQuery; }

struct CommonLink {
    IfIndex ifindex;
    uint32_t flags = 0;
};

bool readIfinfo(const nlmsghdr& nlh, CommonLink& c, unsigned char& family) {
    if (nlmsg_datalen(&nlh) < static_cast<int>(sizeof(ifinfomsg))) return false;
    ifinfomsg ifi;
    std::memcpy(&ifi, nlmsg_data(&nlh), sizeof ifi);
    family = ifi.ifi_family;
    c.ifindex = IfIndex{ifi.ifi_index};
    c.flags = ifi.ifi_flags;
    return c.ifindex.valid();
}

NlMsgPtr newLinkMsg(int type, int flags, unsigned char family, int ifindex) {
    NlMsgPtr m(nlmsg_alloc_simple(type, flags));
    if (!m) return m;
    ifinfomsg ifi{};
    ifi.ifi_family = family;
    ifi.ifi_index = ifindex;
    if (nlmsg_append(m.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0) return {};
    return m;
}

}  // namespace

BridgeMcastOptions parseBridgeInfoData(const nlattr* infoData) {
    BridgeMcastOptions o;
    auto tb = nl::parseNested<IFLA_BR_MAX>(infoData);
    if (auto v = nl::u8(tb[IFLA_BR_MCAST_SNOOPING])) o.snooping = *v != 0;
    if (auto v = nl::u8(tb[IFLA_BR_MCAST_QUERIER])) o.querier = *v != 0;
    if (auto v = nl::u8(tb[IFLA_BR_MCAST_ROUTER])) o.router = routerFrom(*v);
    if (auto v = nl::u32(tb[IFLA_BR_MCAST_HASH_MAX])) o.hashMax = *v;
    if (auto v = nl::u8(tb[IFLA_BR_VLAN_FILTERING])) o.vlanFiltering = *v != 0;
    if (auto v = nl::u8(tb[IFLA_BR_MCAST_QUERY_USE_IFADDR])) o.queryUseIfaddr = *v != 0;
    if (auto v = nl::u8(tb[IFLA_BR_MCAST_IGMP_VERSION])) o.igmpVersion = *v;
    if (auto v = nl::u8(tb[IFLA_BR_MCAST_MLD_VERSION])) o.mldVersion = *v;
    auto bo = nl::bytes(tb[IFLA_BR_MULTI_BOOLOPT]);
    if (bo.size() >= sizeof(br_boolopt_multi)) {
        br_boolopt_multi m;
        std::memcpy(&m, bo.data(), sizeof m);
        o.vlanSnooping = (m.optval >> BR_BOOLOPT_MCAST_VLAN_SNOOPING) & 1u;
    }
    return o;
}

BridgePortAttrs parsePortAttrs(const nlattr* nest) {
    BridgePortAttrs p;
    auto tb = nl::parseNested<IFLA_BRPORT_MAX>(nest);
    if (auto v = nl::u8(tb[IFLA_BRPORT_STATE])) p.stp = stpFrom(*v);
    if (auto v = nl::u8(tb[IFLA_BRPORT_MULTICAST_ROUTER])) p.mcastRouter = routerFrom(*v);
    if (auto v = nl::u8(tb[IFLA_BRPORT_MCAST_FLOOD])) p.mcastFlood = *v != 0;
    if (auto v = nl::u8(tb[IFLA_BRPORT_FAST_LEAVE])) p.fastLeave = *v != 0;
    return p;
}

std::vector<PortVlan> parseVlanList(const nlattr* afSpec) {
    std::vector<PortVlan> out;
    std::optional<uint16_t> rangeStart;
    nl::forEachNested(afSpec, [&](const nlattr& a) {
        if (nl::type(a) != IFLA_BRIDGE_VLAN_INFO || nla_len(&a) < static_cast<int>(sizeof(bridge_vlan_info)))
            return;
        bridge_vlan_info vi;
        std::memcpy(&vi, nla_data(&a), sizeof vi);
        if (vi.vid == 0 || vi.vid > VlanId::kMax) return;
        const bool pvid = vi.flags & BRIDGE_VLAN_INFO_PVID;
        const bool untagged = vi.flags & BRIDGE_VLAN_INFO_UNTAGGED;
        if (vi.flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) {
            rangeStart = vi.vid;
            return;
        }
        uint16_t from = vi.vid;
        if ((vi.flags & BRIDGE_VLAN_INFO_RANGE_END) && rangeStart && *rangeStart < vi.vid) from = *rangeStart;
        rangeStart.reset();
        // Bounded by the VID space: at most 4094 entries per port.
        for (uint32_t v = from; v <= vi.vid; ++v) out.push_back({VlanId{static_cast<uint16_t>(v)}, pvid, untagged});
    });
    return out;
}

std::optional<LinkMessage> parseLinkMessage(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWLINK && nlh.nlmsg_type != RTM_DELLINK) return std::nullopt;
    CommonLink c;
    unsigned char family = 0;
    if (!readIfinfo(nlh, c, family) || family == AF_BRIDGE) return std::nullopt;
    LinkMessage m;
    m.deleted = nlh.nlmsg_type == RTM_DELLINK;
    m.ifindex = c.ifindex;
    m.flags = c.flags;
    nl::AttrTable<IFLA_MAX> tb;
    nl::parseMessage<IFLA_MAX>(nlh, sizeof(ifinfomsg), tb);
    if (auto n = nl::str(tb[IFLA_IFNAME])) m.name = *n;
    if (auto v = nl::u8(tb[IFLA_OPERSTATE])) m.operState = *v;
    if (auto v = nl::u32(tb[IFLA_MASTER])) m.master = IfIndex{static_cast<int>(*v)};
    if (auto b = nl::bytes(tb[IFLA_ADDRESS]); b.size() == 6) m.mac = MacAddr::fromBytes(b.data());
    if (tb[IFLA_LINKINFO]) {
        auto li = nl::parseNested<IFLA_INFO_MAX>(tb[IFLA_LINKINFO]);
        if (auto k = nl::str(li[IFLA_INFO_KIND])) m.kind = *k;
        if (auto k = nl::str(li[IFLA_INFO_SLAVE_KIND])) m.slaveKind = *k;
        if (m.kind == "bridge") m.bridgeOptions = parseBridgeInfoData(li[IFLA_INFO_DATA]);
        if (m.slaveKind == "bridge" && li[IFLA_INFO_SLAVE_DATA]) m.portAttrs = parsePortAttrs(li[IFLA_INFO_SLAVE_DATA]);
    }
    return m;
}

std::optional<BridgePortMessage> parseBridgePortMessage(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWLINK && nlh.nlmsg_type != RTM_DELLINK) return std::nullopt;
    CommonLink c;
    unsigned char family = 0;
    if (!readIfinfo(nlh, c, family) || family != AF_BRIDGE) return std::nullopt;
    BridgePortMessage m;
    m.deleted = nlh.nlmsg_type == RTM_DELLINK;
    m.ifindex = c.ifindex;
    m.flags = c.flags;
    nl::AttrTable<IFLA_MAX> tb;
    nl::parseMessage<IFLA_MAX>(nlh, sizeof(ifinfomsg), tb);
    if (auto n = nl::str(tb[IFLA_IFNAME])) m.name = *n;
    if (auto v = nl::u8(tb[IFLA_OPERSTATE])) m.operState = *v;
    if (auto v = nl::u32(tb[IFLA_MASTER])) m.master = IfIndex{static_cast<int>(*v)};
    if (tb[IFLA_PROTINFO]) m.attrs = parsePortAttrs(tb[IFLA_PROTINFO]);
    if (tb[IFLA_AF_SPEC]) m.vlans = parseVlanList(tb[IFLA_AF_SPEC]);
    return m;
}

NlMsgPtr buildLinkDumpRequest() { return newLinkMsg(RTM_GETLINK, NLM_F_DUMP, AF_UNSPEC, 0); }

NlMsgPtr buildBridgePortDumpRequest() {
    NlMsgPtr m = newLinkMsg(RTM_GETLINK, NLM_F_DUMP, AF_BRIDGE, 0);
    if (m && nla_put_u32(m.get(), IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN_COMPRESSED) < 0) return {};
    return m;
}

NlMsgPtr buildLinkGetRequest(IfIndex ifindex) { return newLinkMsg(RTM_GETLINK, 0, AF_UNSPEC, ifindex.value); }

}  // namespace mcs::bridge
