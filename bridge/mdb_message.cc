#include "bridge/mdb_message.h"

#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <cstring>
#include <set>
#include <tuple>

#include "agent/base/enum_table.h"
#include "bridge/nl_attr.h"
#include "bridge/uapi_compat.h"

namespace mcs::bridge {

namespace {

constexpr EnumTable<MdbState, 2> kStateNames{{
    {MdbState::Temporary, "temp"},
    {MdbState::Permanent, "permanent"},
}};

// Sized to the message: nlmsg_alloc_simple() would calloc a whole page per message,
// which dominates when thousands are built for one batch.
NlMsgPtr newMdbMsg(int type, int flags, IfIndex bridge, size_t payload = 128) {
    NlMsgPtr m(nlmsg_alloc_size(NLMSG_HDRLEN + payload));
    if (!m) return m;
    if (!nlmsg_put(m.get(), 0, 0, type, 0, flags)) return {};
    br_port_msg bpm{};
    bpm.family = AF_BRIDGE;
    bpm.ifindex = static_cast<uint32_t>(bridge.value);
    if (nlmsg_append(m.get(), &bpm, sizeof bpm, NLMSG_ALIGNTO) < 0) return {};
    return m;
}

std::optional<IpAddr> addrFrom(const nlattr* a, Family f) {
    auto b = nl::bytes(a);
    if (f == Family::V4 && b.size() >= 4) return IpAddr::v4Bytes(b.data());
    if (f == Family::V6 && b.size() >= 16) return IpAddr::v6Bytes(b.data());
    return std::nullopt;
}

void parseEntryInfo(IfIndex bridge, const nlattr& info, MdbParsed& out) {
    if (nla_len(&info) < static_cast<int>(sizeof(br_mdb_entry))) {
        ++out.malformed;
        return;
    }
    br_mdb_entry e;
    std::memcpy(&e, nla_data(&info), sizeof e);
    MdbEntry me;
    me.bridge = bridge;
    Family fam;
    switch (ntohs(e.addr.proto)) {
    case ETH_P_IP:
        fam = Family::V4;
        me.key.group = IpAddr::v4Bytes(reinterpret_cast<const uint8_t*>(&e.addr.u.ip4));
        break;
    case ETH_P_IPV6:
        fam = Family::V6;
        me.key.group = IpAddr::v6Bytes(reinterpret_cast<const uint8_t*>(&e.addr.u.ip6));
        break;
    default:
        ++out.skippedL2;
        return;
    }
    me.key.source = IpAddr::unspecified(fam);
    me.key.port = IfIndex{static_cast<int>(e.ifindex)};
    me.key.vid = VlanId{e.vid};
    me.state = e.state == MDB_PERMANENT ? MdbState::Permanent : MdbState::Temporary;
    me.flags = e.flags;

    // br_mdb_entry is followed by MDBA_MDB_EATTR_* (nla_put_nohdr + attributes).
    constexpr int kHdr = NLA_ALIGN(sizeof(br_mdb_entry));
    const int rest = nla_len(&info) - kHdr;
    if (rest > 0) {
        auto tb = nl::parseStream<MDBA_MDB_EATTR_MAX>(static_cast<const uint8_t*>(nla_data(&info)) + kHdr, rest);
        if (auto t = nl::u32(tb[MDBA_MDB_EATTR_TIMER])) me.timerCs = *t;
        if (tb[MDBA_MDB_EATTR_SOURCE]) {
            if (auto s = addrFrom(tb[MDBA_MDB_EATTR_SOURCE], fam))
                me.key.source = *s;
            else
                ++out.malformed;
        }
        me.protocol = nl::u8(tb[MDBA_MDB_EATTR_RTPROT]);
        if (auto m = nl::u8(tb[MDBA_MDB_EATTR_GROUP_MODE]))
            me.mode = *m == uapi::kMcastInclude ? FilterMode::Include : FilterMode::Exclude;
        nl::forEachNested(tb[MDBA_MDB_EATTR_SRC_LIST], [&](const nlattr& ent) {
            if (nl::type(ent) != MDBA_MDB_SRCLIST_ENTRY) return;
            auto st = nl::parseNested<MDBA_MDB_SRCATTR_MAX>(&ent);
            auto a = addrFrom(st[MDBA_MDB_SRCATTR_ADDRESS], fam);
            if (!a) {
                ++out.malformed;
                return;
            }
            me.sources.push_back({*a, nl::u32(st[MDBA_MDB_SRCATTR_TIMER]).value_or(0)});
        });
    }
    out.entries.push_back(std::move(me));
}

void parseRouter(IfIndex bridge, const nlattr& rt, MdbParsed& out) {
    nl::forEachNested(&rt, [&](const nlattr& p) {
        if (nl::type(p) != MDBA_ROUTER_PORT) return;
        auto port = nl::u32(&p);
        if (!port) {
            ++out.malformed;
            return;
        }
        MdbRouterPort r;
        r.bridge = bridge;
        r.port = IfIndex{static_cast<int>(*port)};
        // A u32 ifindex followed by MDBA_ROUTER_PATTR_* (dumps; notifications may add VID).
        constexpr int kHdr = NLA_ALIGN(sizeof(uint32_t));
        const int rest = nla_len(&p) - kHdr;
        if (rest > 0) {
            auto tb = nl::parseStream<MDBA_ROUTER_PATTR_MAX>(static_cast<const uint8_t*>(nla_data(&p)) + kHdr, rest);
            r.timerCs = nl::u32(tb[MDBA_ROUTER_PATTR_TIMER]);
            r.type = nl::u8(tb[MDBA_ROUTER_PATTR_TYPE]);
            r.inet = tb[MDBA_ROUTER_PATTR_INET_TIMER] != nullptr;
            r.inet6 = tb[MDBA_ROUTER_PATTR_INET6_TIMER] != nullptr;
            if (auto v = nl::u16(tb[MDBA_ROUTER_PATTR_VID])) r.vid = VlanId{*v};
        }
        out.routers.push_back(r);
    });
}

}  // namespace

std::string_view to_string(MdbState s) { return enumName(kStateNames, s); }

std::string MdbEntry::str() const {
    std::string s = "bridge " + std::to_string(bridge.value) + " port " + std::to_string(key.port.value) +
                    " vid " + std::to_string(key.vid.value) + " grp " + key.group.str() + " src " +
                    (key.isStarG() ? std::string("*") : key.source.str()) + ' ' + std::string(to_string(state));
    if (protocol) s += " proto " + std::to_string(*protocol);
    if (mode) {
        s += ' ';
        s += to_string(*mode);
    }
    if (!sources.empty()) {
        s += " {";
        for (size_t i = 0; i < sources.size(); ++i) s += (i ? "," : "") + sources[i].addr.str();
        s += '}';
    }
    return s;
}

namespace {
// The libnl form of a message the encoder wrote (for single requests and tests).
NlMsgPtr toNlMsg(std::vector<uint8_t>& buf, size_t len) {
    if (!len) return {};
    return NlMsgPtr(nlmsg_convert(reinterpret_cast<nlmsghdr*>(buf.data())));
}
}  // namespace

NlMsgPtr buildMdbAdd(IfIndex bridge, const MdbKey& key, const MdbAttrs& attrs, const MdbEncoding& enc,
                     bool replace, uint32_t* nestOffset) {
    std::vector<uint8_t> buf;
    buf.reserve(128);
    const size_t len = appendMdbAdd(buf, bridge, key, attrs, enc, replace, nestOffset);
    return toNlMsg(buf, len);
}

NlMsgPtr buildMdbDel(IfIndex bridge, const MdbKey& key) {
    std::vector<uint8_t> buf;
    buf.reserve(64);
    const size_t len = appendMdbDel(buf, bridge, key);
    return toNlMsg(buf, len);
}

NlMsgPtr buildMdbFlush(IfIndex bridge, uint8_t rtprot, std::optional<IfIndex> port) {
    NlMsgPtr m = newMdbMsg(RTM_DELMDB, NLM_F_BULK, bridge);
    if (!m) return m;
    // Bulk delete wants an all-zero address and flags (rtnl_validate_mdb_entry_del_bulk).
    br_mdb_entry e{};
    if (port) e.ifindex = static_cast<uint32_t>(port->value);
    if (nla_put(m.get(), MDBA_SET_ENTRY, sizeof e, &e) < 0) return {};
    nlattr* nest = nla_nest_start(m.get(), MDBA_SET_ENTRY_ATTRS | NLA_F_NESTED);
    if (!nest || nla_put_u8(m.get(), uapi::kMdbeAttrRtprot, rtprot) < 0) return {};
    nla_nest_end(m.get(), nest);
    return m;
}

NlMsgPtr buildMdbDumpRequest() { return newMdbMsg(RTM_GETMDB, NLM_F_DUMP, IfIndex{0}); }

void parseMdbMessage(const nlmsghdr& nlh, MdbParsed& out) {
    if (nlmsg_datalen(&nlh) < static_cast<int>(sizeof(br_port_msg))) {
        ++out.malformed;
        return;
    }
    br_port_msg bpm;
    std::memcpy(&bpm, nlmsg_data(&nlh), sizeof bpm);
    const IfIndex bridge{static_cast<int>(bpm.ifindex)};
    const nlattr* a;
    int rem;
    nlmsg_for_each_attr(a, const_cast<nlmsghdr*>(&nlh), sizeof(br_port_msg), rem) {
        if (nl::type(*a) == MDBA_MDB) {
            nl::forEachNested(a, [&](const nlattr& entry) {
                if (nl::type(entry) != MDBA_MDB_ENTRY) return;
                nl::forEachNested(&entry, [&](const nlattr& info) {
                    if (nl::type(info) == MDBA_MDB_ENTRY_INFO) parseEntryInfo(bridge, info, out);
                });
            });
        } else if (nl::type(*a) == MDBA_ROUTER) {
            parseRouter(bridge, *a, out);
        }
    }
}

size_t countHashEntries(const std::vector<MdbEntry>& entries) {
    std::set<std::tuple<uint16_t, IpAddr, IpAddr>> mps;
    for (const auto& e : entries) mps.emplace(e.key.vid.value, e.key.group, e.key.source);
    return mps.size();
}

}  // namespace mcs::bridge
