#include "bridge/port_config.h"

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "bridge/link_query.h"
#include "bridge/log.h"
#include "bridge/nl_handles.h"

namespace mcs::bridge {

namespace {
NlMsgPtr newLinkMsg(int type, unsigned char family, IfIndex ifindex) {
    NlMsgPtr m(nlmsg_alloc_simple(type, 0));
    if (!m) return m;
    ifinfomsg ifi{};
    ifi.ifi_family = family;
    ifi.ifi_index = ifindex.value;
    if (nlmsg_append(m.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0) return {};
    return m;
}

std::string describe(const PortOptionsChange& c) {
    std::string s;
    if (c.mcastRouter) s += " mcast_router " + std::string(to_string(*c.mcastRouter));
    if (c.mcastFlood) s += std::string(" mcast_flood ") + (*c.mcastFlood ? "on" : "off");
    if (c.fastLeave) s += std::string(" fastleave ") + (*c.fastLeave ? "on" : "off");
    return s;
}

std::string describe(const BridgeOptionsChange& c) {
    std::string s;
    if (c.snooping) s += " mcast_snooping " + std::to_string(*c.snooping);
    if (c.querier) s += " mcast_querier " + std::to_string(*c.querier);
    if (c.router) s += " mcast_router " + std::string(to_string(*c.router));
    if (c.hashMax) s += " mcast_hash_max " + std::to_string(*c.hashMax);
    if (c.igmpVersion) s += " mcast_igmp_version " + std::to_string(*c.igmpVersion);
    if (c.mldVersion) s += " mcast_mld_version " + std::to_string(*c.mldVersion);
    if (c.queryUseIfaddr) s += " mcast_query_use_ifaddr " + std::to_string(*c.queryUseIfaddr);
    return s;
}
}  // namespace

Status setPortOptions(NlSocket& sock, IfIndex port, const PortOptionsChange& c) {
    if (c.empty()) return okStatus();
    const std::string ctx = "RTM_SETLINK port " + log::ifname(port) + describe(c);
    NlMsgPtr m = newLinkMsg(RTM_SETLINK, AF_BRIDGE, port);
    if (!m) return fail(Error::fromErrno(ENOMEM, ctx));
    nlattr* pi = nla_nest_start(m.get(), IFLA_PROTINFO | NLA_F_NESTED);
    if (!pi) return fail(Error::fromErrno(EMSGSIZE, ctx));
    if (c.mcastRouter) nla_put_u8(m.get(), IFLA_BRPORT_MULTICAST_ROUTER, static_cast<uint8_t>(*c.mcastRouter));
    if (c.mcastFlood) nla_put_u8(m.get(), IFLA_BRPORT_MCAST_FLOOD, *c.mcastFlood ? 1 : 0);
    if (c.fastLeave) nla_put_u8(m.get(), IFLA_BRPORT_FAST_LEAVE, *c.fastLeave ? 1 : 0);
    nla_nest_end(m.get(), pi);
    auto st = sock.request(m.get(), ctx);
    if (st)
        log::netlink()->info("port {}:{}", log::ifname(port), describe(c));
    else
        log::netlink()->warn("{}", st.error().str());
    return st;
}

Result<BridgePortAttrs, Error> readPortOptions(NlSocket& sock, IfIndex port) {
    auto l = readLink(sock, port);
    if (!l) return fail(l.error());
    if (!l->portAttrs)
        return fail(Error::fromErrno(ENOTCONN, "port " + log::ifname(port) + " is not a bridge port"));
    return *l->portAttrs;
}

Status setBridgeOptions(NlSocket& sock, IfIndex bridge, const BridgeOptionsChange& c) {
    if (c.empty()) return okStatus();
    const std::string ctx = "RTM_NEWLINK bridge " + log::ifname(bridge) + describe(c);
    NlMsgPtr m = newLinkMsg(RTM_NEWLINK, AF_UNSPEC, bridge);
    if (!m) return fail(Error::fromErrno(ENOMEM, ctx));
    nlattr* li = nla_nest_start(m.get(), IFLA_LINKINFO | NLA_F_NESTED);
    if (!li || nla_put_string(m.get(), IFLA_INFO_KIND, "bridge") < 0) return fail(Error::fromErrno(EMSGSIZE, ctx));
    nlattr* data = nla_nest_start(m.get(), IFLA_INFO_DATA | NLA_F_NESTED);
    if (!data) return fail(Error::fromErrno(EMSGSIZE, ctx));
    if (c.snooping) nla_put_u8(m.get(), IFLA_BR_MCAST_SNOOPING, *c.snooping ? 1 : 0);
    if (c.querier) nla_put_u8(m.get(), IFLA_BR_MCAST_QUERIER, *c.querier ? 1 : 0);
    if (c.router) nla_put_u8(m.get(), IFLA_BR_MCAST_ROUTER, static_cast<uint8_t>(*c.router));
    if (c.hashMax) nla_put_u32(m.get(), IFLA_BR_MCAST_HASH_MAX, *c.hashMax);
    if (c.igmpVersion) nla_put_u8(m.get(), IFLA_BR_MCAST_IGMP_VERSION, *c.igmpVersion);
    if (c.mldVersion) nla_put_u8(m.get(), IFLA_BR_MCAST_MLD_VERSION, *c.mldVersion);
    if (c.queryUseIfaddr) nla_put_u8(m.get(), IFLA_BR_MCAST_QUERY_USE_IFADDR, *c.queryUseIfaddr ? 1 : 0);
    nla_nest_end(m.get(), data);
    nla_nest_end(m.get(), li);
    auto st = sock.request(m.get(), ctx);
    if (st)
        log::netlink()->info("bridge {}:{}", log::ifname(bridge), describe(c));
    else
        log::netlink()->warn("{}", st.error().str());
    return st;
}

Result<BridgeState, Error> readBridgeState(NlSocket& sock, IfIndex bridge) {
    auto l = readLink(sock, bridge);
    if (!l) return fail(l.error());
    if (!l->bridgeOptions)
        return fail(Error::fromErrno(ENOTTY, "ifindex " + std::to_string(bridge.value) + " ('" + l->name +
                                                 "') is not a bridge"));
    BridgeState s;
    s.up = l->flags & IFF_UP;
    s.name = l->name;
    s.mcast = *l->bridgeOptions;
    return s;
}

}  // namespace mcs::bridge
