#include "bridge/kernel_features.h"

#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cerrno>

#include "bridge/log.h"
#include "bridge/mdb_message.h"
#include "bridge/port_config.h"
#include "bridge/uapi_compat.h"

namespace mcs::bridge {

namespace {

// Administratively scoped, organisation-local (RFC 2365); never actually installed.
constexpr uint32_t kProbeGroup = 0xeffffffe;  // 239.255.255.254

// RTM_NEWMDB for a host entry with exactly one attribute in MDBA_SET_ENTRY_ATTRS.
NlMsgPtr buildProbe(IfIndex bridge, uint16_t type, std::span<const uint8_t> value, uint32_t& nestOffset) {
    NlMsgPtr m(nlmsg_alloc_simple(RTM_NEWMDB, NLM_F_CREATE | NLM_F_EXCL));
    if (!m) return m;
    br_port_msg bpm{};
    bpm.family = AF_BRIDGE;
    bpm.ifindex = static_cast<uint32_t>(bridge.value);
    if (nlmsg_append(m.get(), &bpm, sizeof bpm, NLMSG_ALIGNTO) < 0) return {};
    br_mdb_entry e{};
    e.ifindex = static_cast<uint32_t>(bridge.value);
    e.state = MDB_TEMPORARY;
    e.addr.u.ip4 = htonl(kProbeGroup);
    e.addr.proto = htons(ETH_P_IP);
    if (nla_put(m.get(), MDBA_SET_ENTRY, sizeof e, &e) < 0) return {};
    nlattr* nest = nla_nest_start(m.get(), MDBA_SET_ENTRY_ATTRS | NLA_F_NESTED);
    if (!nest) return {};
    nestOffset = static_cast<uint32_t>(reinterpret_cast<uint8_t*>(nest) -
                                       reinterpret_cast<uint8_t*>(nlmsg_hdr(m.get())));
    if (nla_put(m.get(), type, static_cast<int>(value.size()), value.data()) < 0) return {};
    nla_nest_end(m.get(), nest);
    return m;
}

Result<bool, Error> probeBulk(NlSocket& sock, IfIndex bridge) {
    NlMsgPtr m(nlmsg_alloc_simple(RTM_DELMDB, NLM_F_BULK));
    if (!m) return fail(Error::fromErrno(ENOMEM, "bulk probe"));
    br_port_msg bpm{};
    bpm.family = AF_BRIDGE;
    bpm.ifindex = static_cast<uint32_t>(bridge.value);
    if (nlmsg_append(m.get(), &bpm, sizeof bpm, NLMSG_ALIGNTO) < 0) return fail(Error::fromErrno(ENOMEM, "bulk probe"));
    auto ack = sock.transact(m.get());
    if (!ack) return fail(ack.error());
    const bool ok = ack->error == EINVAL && ack->missingAttr && *ack->missingAttr == MDBA_SET_ENTRY;
    log::netlink()->debug("bridge {}: probe NLM_F_BULK: {} ('{}'): {}", log::ifname(bridge), ack->error, ack->extack,
                          ok ? "supported" : "unsupported");
    return ok;
}

}  // namespace

Result<bool, Error> probeMdbEntryAttr(NlSocket& sock, IfIndex bridge, uint16_t type,
                                      std::span<const uint8_t> value) {
    uint32_t nestOffset = 0;
    NlMsgPtr m = buildProbe(bridge, type, value, nestOffset);
    if (!m) return fail(Error::fromErrno(ENOMEM, "probe message"));
    auto ack = sock.transact(m.get());
    if (!ack) return fail(ack.error());
    auto lg = log::netlink();
    if (ack->error == 0) {
        // Accepted: the attribute set was ignored (pre-5.10 kernels). Undo the host join.
        MdbKey k;
        k.group = IpAddr::v4(kProbeGroup);
        k.port = bridge;
        if (NlMsgPtr del = buildMdbDel(bridge, k)) (void)sock.transact(del.get());
        lg->debug("bridge {}: probe attribute {} accepted on a host entry: ignored, unsupported", log::ifname(bridge), type);
        return false;
    }
    const bool pointsIntoAttrs = ack->badAttrOffset && *ack->badAttrOffset >= nestOffset;
    if (ack->error == EINVAL && (pointsIntoAttrs || ack->extack == "Unknown attribute type")) {
        lg->debug("bridge {}: probe attribute {}: rejected while parsing ('{}', offset {}, attribute set at {}): "
                  "unsupported", log::ifname(bridge), type, ack->extack, ack->badAttrOffset.value_or(0), nestOffset);
        return false;
    }
    if (ack->error == EINVAL) {
        lg->debug("bridge {}: probe attribute {}: parsed, refused for host entries ('{}'): supported",
                  log::ifname(bridge), type, ack->extack);
        return true;
    }
    return fail(Error::fromErrno(ack->error, "probe MDB attribute " + std::to_string(type), ack->extack));
}

std::string KernelFeatures::str() const {
    auto yn = [](bool b) { return b ? "yes" : "no"; };
    return std::string("rtprot=") + yn(rtprot) + " source-lists=" + yn(sourceLists) + " sg=" + yn(sgEntries) +
           " bulk-delete=" + yn(bulkDelete);
}

Result<KernelFeatures, Error> probeKernelFeatures(NlSocket& sock, IfIndex bridge) {
    auto st = readBridgeState(sock, bridge);
    if (!st) return fail(st.error());
    const std::string where = "probe kernel MDB features on bridge '" + st->name + "'";
    if (!st->up) return fail(Error::fromErrno(ENETDOWN, where, "bridge is down"));
    if (!st->mcast.snooping) return fail(Error::fromErrno(EPERM, where, "mcast_snooping is off"));
    KernelFeatures f;
    const uint8_t proto = 200;                      // any value >= RTPROT_STATIC
    const uint8_t mode = uapi::kMcastExclude;
    const uint8_t source[4] = {192, 0, 2, 1};       // unicast, as MDBE_ATTR_SOURCE must be
    auto r = probeMdbEntryAttr(sock, bridge, uapi::kMdbeAttrRtprot, {&proto, 1});
    if (!r) return fail(r.error());
    f.rtprot = *r;
    r = probeMdbEntryAttr(sock, bridge, uapi::kMdbeAttrGroupMode, {&mode, 1});
    if (!r) return fail(r.error());
    f.sourceLists = *r;
    r = probeMdbEntryAttr(sock, bridge, uapi::kMdbeAttrSource, source);
    if (!r) return fail(r.error());
    f.sgEntries = *r;
    r = probeBulk(sock, bridge);
    if (!r) return fail(r.error());
    f.bulkDelete = *r;
    log::netlink()->info("bridge {}: kernel MDB features: {}", log::ifname(bridge), f.str());
    return f;
}

}  // namespace mcs::bridge
