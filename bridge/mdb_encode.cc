#include "bridge/mdb_encode.h"

#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstring>
#include <limits>

#include "bridge/uapi_compat.h"

namespace mcs::bridge {

namespace {

br_mdb_entry toWire(const MdbKey& key, bool permanent) {
    br_mdb_entry e{};
    e.ifindex = static_cast<uint32_t>(key.port.value);
    e.state = permanent ? MDB_PERMANENT : MDB_TEMPORARY;
    e.vid = key.vid.value;
    if (key.group.isV4())
        std::memcpy(&e.addr.u.ip4, key.group.data(), 4);
    else
        std::memcpy(&e.addr.u.ip6, key.group.data(), 16);
    e.addr.proto = htons(key.group.isV4() ? ETH_P_IP : ETH_P_IPV6);
    return e;
}

// One message being appended to the buffer. Lengths are written as each part is
// closed; growing the vector zero-fills, which gives the zero padding netlink expects
// (the same bytes libnl's nla_put writes).
class MsgWriter {
public:
    MsgWriter(std::vector<uint8_t>& buf, uint16_t type, uint16_t flags, IfIndex bridge)
        : buf_(buf), start_(buf.size()) {
        grow(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(br_port_msg)));
        nlmsghdr h{};
        h.nlmsg_type = type;
        h.nlmsg_flags = flags;
        std::memcpy(buf_.data() + start_, &h, sizeof h);
        br_port_msg bpm{};
        bpm.family = AF_BRIDGE;
        bpm.ifindex = static_cast<uint32_t>(bridge.value);
        std::memcpy(buf_.data() + start_ + NLMSG_HDRLEN, &bpm, sizeof bpm);
    }

    // Returns the attribute's offset in the buffer (for nests).
    size_t put(uint16_t type, const void* data, size_t len) {
        const size_t off = buf_.size();
        if (NLA_HDRLEN + len > std::numeric_limits<uint16_t>::max()) {
            tooBig_ = true;
            return off;
        }
        grow(NLA_ALIGN(NLA_HDRLEN + len));
        setAttrHeader(off, static_cast<uint16_t>(NLA_HDRLEN + len), type);
        if (len) std::memcpy(buf_.data() + off + NLA_HDRLEN, data, len);
        return off;
    }
    size_t putAddr(uint16_t type, const IpAddr& a) { return put(type, a.data(), a.size()); }
    size_t putU8(uint16_t type, uint8_t v) { return put(type, &v, 1); }
    size_t open(uint16_t type) { return put(static_cast<uint16_t>(type | NLA_F_NESTED), nullptr, 0); }
    void close(size_t nest) {
        const size_t len = buf_.size() - nest;
        if (len > std::numeric_limits<uint16_t>::max()) {
            tooBig_ = true;
            return;
        }
        const auto l = static_cast<uint16_t>(len);
        std::memcpy(buf_.data() + nest + offsetof(nlattr, nla_len), &l, sizeof l);
    }
    uint32_t offsetInMessage(size_t off) const { return static_cast<uint32_t>(off - start_); }

    // Sets nlmsg_len; on failure takes the message back out of the buffer.
    size_t finish() {
        if (tooBig_) {
            buf_.resize(start_);
            return 0;
        }
        const auto len = static_cast<uint32_t>(buf_.size() - start_);
        std::memcpy(buf_.data() + start_ + offsetof(nlmsghdr, nlmsg_len), &len, sizeof len);
        return len;
    }

private:
    void grow(size_t n) { buf_.resize(buf_.size() + n); }
    void setAttrHeader(size_t off, uint16_t len, uint16_t type) {
        const nlattr a{len, type};
        std::memcpy(buf_.data() + off, &a, sizeof a);
    }

    std::vector<uint8_t>& buf_;
    const size_t start_;
    bool tooBig_ = false;
};

}  // namespace

size_t appendMdbAdd(std::vector<uint8_t>& buf, IfIndex bridge, const MdbKey& key, const MdbAttrs& attrs,
                    const MdbEncoding& enc, bool replace, uint32_t* nestOffset) {
    if (nestOffset) *nestOffset = 0;
    // replace=false: CREATE|EXCL fails with EEXIST on an existing port group;
    // replace=true: the kernel only looks at REPLACE.
    const auto flags = static_cast<uint16_t>(NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL));
    MsgWriter m(buf, RTM_NEWMDB, flags, bridge);
    const bool host = key.port == bridge;
    // "Flags are not allowed for host groups" (br_mdb_add): host entries are temporary.
    const br_mdb_entry e = toWire(key, enc.permanent && !host);
    m.put(MDBA_SET_ENTRY, &e, sizeof e);

    // Attributes the kernel refuses for a kind of entry are left out: no protocol,
    // mode or sources on host entries, no mode/sources on (S,G).
    const bool sg = !key.isStarG();
    const bool rtprot = enc.rtprot && !host;
    const bool modeAndList = enc.sourceLists && !host && !sg;
    if (sg || rtprot || modeAndList) {
        const size_t nest = m.open(MDBA_SET_ENTRY_ATTRS);
        if (nestOffset) *nestOffset = m.offsetInMessage(nest);
        if (sg) m.putAddr(uapi::kMdbeAttrSource, key.source);
        if (modeAndList) {
            m.putU8(uapi::kMdbeAttrGroupMode,
                    attrs.mode == FilterMode::Include ? uapi::kMcastInclude : uapi::kMcastExclude);
            if (!attrs.sources.empty()) {
                const size_t list = m.open(uapi::kMdbeAttrSrcList);
                for (const IpAddr& s : attrs.sources) {
                    const size_t ent = m.open(uapi::kMdbeSrcListEntry);
                    m.putAddr(uapi::kMdbeSrcattrAddress, s);
                    m.close(ent);
                }
                m.close(list);
            }
        }
        if (rtprot) m.putU8(uapi::kMdbeAttrRtprot, *enc.rtprot);
        m.close(nest);
    }
    const size_t len = m.finish();
    if (!len && nestOffset) *nestOffset = 0;
    return len;
}

size_t appendMdbDel(std::vector<uint8_t>& buf, IfIndex bridge, const MdbKey& key) {
    MsgWriter m(buf, RTM_DELMDB, 0, bridge);
    // The kernel matches (group[, source], vid, port) only; state is ignored.
    const br_mdb_entry e = toWire(key, false);
    m.put(MDBA_SET_ENTRY, &e, sizeof e);
    if (!key.isStarG()) {
        const size_t nest = m.open(MDBA_SET_ENTRY_ATTRS);
        m.putAddr(uapi::kMdbeAttrSource, key.source);
        m.close(nest);
    }
    return m.finish();
}

}  // namespace mcs::bridge
