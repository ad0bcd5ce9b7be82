#include "bridge/vlan_config.h"

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "bridge/log.h"
#include "bridge/nl_attr.h"

namespace mcs::bridge {

namespace {

NlMsgPtr newVlanMsg(int type, int flags, IfIndex dev) {
    NlMsgPtr m(nlmsg_alloc_simple(type, flags));
    if (!m) return m;
    br_vlan_msg bvm{};
    bvm.family = AF_BRIDGE;
    bvm.ifindex = static_cast<uint32_t>(dev.value);
    if (nlmsg_append(m.get(), &bvm, sizeof bvm, NLMSG_ALIGNTO) < 0) return {};
    return m;
}

std::string describe(const VlanGlobalOptions& o) {
    std::string s = " vid " + std::to_string(o.vid.value);
    if (o.snooping) s += " mcast_snooping " + std::to_string(*o.snooping);
    if (o.igmpVersion) s += " mcast_igmp_version " + std::to_string(*o.igmpVersion);
    if (o.mldVersion) s += " mcast_mld_version " + std::to_string(*o.mldVersion);
    return s;
}

Status send(NlSocket& sock, NlMsgPtr m, const std::string& ctx, const std::string& done) {
    if (!m) return fail(Error::fromErrno(ENOMEM, ctx));
    auto st = sock.request(m.get(), ctx);
    if (st)
        log::netlink()->info("{}", done);
    else
        log::netlink()->warn("{}", st.error().str());
    return st;
}

// A range end (BRIDGE_VLANDB_ENTRY_RANGE / GOPTS_RANGE) bounded to valid ids.
uint16_t rangeEnd(uint16_t first, std::optional<uint16_t> end) {
    if (!end || *end < first) return first;
    return *end > VlanId::kMax ? static_cast<uint16_t>(VlanId::kMax) : *end;
}

}  // namespace

NlMsgPtr buildVlanSnooping(IfIndex bridge, bool on) {
    NlMsgPtr m(nlmsg_alloc_simple(RTM_NEWLINK, 0));
    if (!m) return m;
    ifinfomsg ifi{};
    ifi.ifi_family = AF_UNSPEC;
    ifi.ifi_index = bridge.value;
    if (nlmsg_append(m.get(), &ifi, sizeof ifi, NLMSG_ALIGNTO) < 0) return {};
    nlattr* li = nla_nest_start(m.get(), IFLA_LINKINFO | NLA_F_NESTED);
    if (!li || nla_put_string(m.get(), IFLA_INFO_KIND, "bridge") < 0) return {};
    nlattr* data = nla_nest_start(m.get(), IFLA_INFO_DATA | NLA_F_NESTED);
    if (!data) return {};
    br_boolopt_multi bm{};
    bm.optmask = 1u << BR_BOOLOPT_MCAST_VLAN_SNOOPING;
    bm.optval = on ? bm.optmask : 0;
    if (nla_put(m.get(), IFLA_BR_MULTI_BOOLOPT, sizeof bm, &bm) < 0) return {};
    nla_nest_end(m.get(), data);
    nla_nest_end(m.get(), li);
    return m;
}

NlMsgPtr buildVlanGlobalOptions(IfIndex bridge, const VlanGlobalOptions& o) {
    NlMsgPtr m = newVlanMsg(RTM_NEWVLAN, 0, bridge);
    if (!m) return m;
    nlattr* g = nla_nest_start(m.get(), BRIDGE_VLANDB_GLOBAL_OPTIONS | NLA_F_NESTED);
    if (!g || nla_put_u16(m.get(), BRIDGE_VLANDB_GOPTS_ID, o.vid.value) < 0) return {};
    if (o.snooping && nla_put_u8(m.get(), BRIDGE_VLANDB_GOPTS_MCAST_SNOOPING, *o.snooping ? 1 : 0) < 0) return {};
    if (o.igmpVersion && nla_put_u8(m.get(), BRIDGE_VLANDB_GOPTS_MCAST_IGMP_VERSION, *o.igmpVersion) < 0) return {};
    if (o.mldVersion && nla_put_u8(m.get(), BRIDGE_VLANDB_GOPTS_MCAST_MLD_VERSION, *o.mldVersion) < 0) return {};
    nla_nest_end(m.get(), g);
    return m;
}

NlMsgPtr buildPortVlanRouter(IfIndex port, VlanId vid, RouterMode mode) {
    NlMsgPtr m = newVlanMsg(RTM_NEWVLAN, 0, port);
    if (!m) return m;
    nlattr* e = nla_nest_start(m.get(), BRIDGE_VLANDB_ENTRY | NLA_F_NESTED);
    if (!e) return {};
    bridge_vlan_info vi{};
    vi.flags = BRIDGE_VLAN_INFO_ONLY_OPTS;  // options only: never add the VLAN
    vi.vid = vid.value;
    if (nla_put(m.get(), BRIDGE_VLANDB_ENTRY_INFO, sizeof vi, &vi) < 0) return {};
    if (nla_put_u8(m.get(), BRIDGE_VLANDB_ENTRY_MCAST_ROUTER, static_cast<uint8_t>(mode)) < 0) return {};
    nla_nest_end(m.get(), e);
    return m;
}

NlMsgPtr buildVlanDump(IfIndex dev, bool global) {
    NlMsgPtr m = newVlanMsg(RTM_GETVLAN, NLM_F_DUMP, dev);
    if (!m) return m;
    if (global && nla_put_u32(m.get(), BRIDGE_VLANDB_DUMP_FLAGS, BRIDGE_VLANDB_DUMPF_GLOBAL) < 0) return {};
    return m;
}

std::optional<VlanDumpMessage> parseVlanDumpMessage(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWVLAN) return std::nullopt;
    if (nlmsg_datalen(&nlh) < static_cast<int>(sizeof(br_vlan_msg))) return std::nullopt;
    br_vlan_msg bvm;
    std::memcpy(&bvm, nlmsg_data(&nlh), sizeof bvm);
    VlanDumpMessage out;
    out.ifindex = IfIndex{static_cast<int>(bvm.ifindex)};
    const auto* attrs = reinterpret_cast<const uint8_t*>(nlmsg_data(&nlh)) + NLMSG_ALIGN(sizeof bvm);
    const int len = nlmsg_datalen(&nlh) - static_cast<int>(NLMSG_ALIGN(sizeof bvm));
    const nlattr* pos;
    int rem;
    nla_for_each_attr(pos, reinterpret_cast<nlattr*>(const_cast<uint8_t*>(attrs)), len, rem) {
        if (nl::type(*pos) == BRIDGE_VLANDB_ENTRY) {
            auto tb = nl::parseNested<BRIDGE_VLANDB_ENTRY_MAX>(pos);
            auto info = nl::bytes(tb[BRIDGE_VLANDB_ENTRY_INFO]);
            if (info.size() < sizeof(bridge_vlan_info)) continue;
            bridge_vlan_info vi;
            std::memcpy(&vi, info.data(), sizeof vi);
            if (vi.vid == 0 || vi.vid > VlanId::kMax) continue;
            DeviceVlan v;
            v.pvid = vi.flags & BRIDGE_VLAN_INFO_PVID;
            v.untagged = vi.flags & BRIDGE_VLAN_INFO_UNTAGGED;
            if (auto r = nl::u8(tb[BRIDGE_VLANDB_ENTRY_MCAST_ROUTER]); r && *r <= 3)
                v.mcastRouter = static_cast<RouterMode>(*r);
            const uint16_t last = rangeEnd(vi.vid, nl::u16(tb[BRIDGE_VLANDB_ENTRY_RANGE]));
            for (uint32_t id = vi.vid; id <= last; ++id) {
                v.vid = VlanId{static_cast<uint16_t>(id)};
                out.vlans.push_back(v);
            }
        } else if (nl::type(*pos) == BRIDGE_VLANDB_GLOBAL_OPTIONS) {
            auto tb = nl::parseNested<BRIDGE_VLANDB_GOPTS_MAX>(pos);
            auto id = nl::u16(tb[BRIDGE_VLANDB_GOPTS_ID]);
            if (!id || *id == 0 || *id > VlanId::kMax) continue;
            VlanGlobalOptions g;
            if (auto s = nl::u8(tb[BRIDGE_VLANDB_GOPTS_MCAST_SNOOPING])) g.snooping = *s != 0;
            if (auto s = nl::u8(tb[BRIDGE_VLANDB_GOPTS_MCAST_IGMP_VERSION])) g.igmpVersion = *s;
            if (auto s = nl::u8(tb[BRIDGE_VLANDB_GOPTS_MCAST_MLD_VERSION])) g.mldVersion = *s;
            const uint16_t last = rangeEnd(*id, nl::u16(tb[BRIDGE_VLANDB_GOPTS_RANGE]));
            for (uint32_t v = *id; v <= last; ++v) {
                g.vid = VlanId{static_cast<uint16_t>(v)};
                out.globals.push_back(g);
            }
        }
    }
    return out;
}

Status setVlanSnooping(NlSocket& sock, IfIndex bridge, bool on) {
    const std::string what = "bridge " + log::ifname(bridge) + " mcast_vlan_snooping " + (on ? "1" : "0");
    return send(sock, buildVlanSnooping(bridge, on), "RTM_NEWLINK " + what, what);
}

Status setVlanGlobalOptions(NlSocket& sock, IfIndex bridge, const VlanGlobalOptions& o) {
    const std::string what = "bridge " + log::ifname(bridge) + describe(o);
    return send(sock, buildVlanGlobalOptions(bridge, o), "RTM_NEWVLAN global " + what, what);
}

Status setPortVlanRouter(NlSocket& sock, IfIndex port, VlanId vid, RouterMode mode) {
    const std::string what = "port " + log::ifname(port) + " vid " + std::to_string(vid.value) +
                             " mcast_router " + std::string(to_string(mode));
    return send(sock, buildPortVlanRouter(port, vid, mode), "RTM_NEWVLAN " + what, what);
}

namespace {

template <typename F, typename R>
Status dumpVlans(NlSocket& sock, IfIndex dev, bool global, F&& onMessage, R&& onRestart,
                 const std::string& ctx) {
    NlMsgPtr m = buildVlanDump(dev, global);
    if (!m) return fail(Error::fromErrno(ENOMEM, ctx));
    return sock.dump(
        m.get(),
        [&](const nlmsghdr& nlh) {
            auto p = parseVlanDumpMessage(nlh);
            if (p && p->ifindex == dev) onMessage(*p);
        },
        onRestart, ctx);
}

}  // namespace

Result<std::vector<DeviceVlan>, Error> readDeviceVlans(NlSocket& sock, IfIndex dev) {
    std::vector<DeviceVlan> out;
    auto st = dumpVlans(
        sock, dev, false, [&](const VlanDumpMessage& m) { out.insert(out.end(), m.vlans.begin(), m.vlans.end()); },
        [&] { out.clear(); }, "RTM_GETVLAN " + log::ifname(dev));
    if (!st) return fail(st.error());
    return out;
}

Result<std::vector<VlanGlobalOptions>, Error> readVlanGlobals(NlSocket& sock, IfIndex bridge) {
    std::vector<VlanGlobalOptions> out;
    auto st = dumpVlans(
        sock, bridge, true,
        [&](const VlanDumpMessage& m) { out.insert(out.end(), m.globals.begin(), m.globals.end()); },
        [&] { out.clear(); }, "RTM_GETVLAN global " + log::ifname(bridge));
    if (!st) return fail(st.error());
    return out;
}

}  // namespace mcs::bridge
