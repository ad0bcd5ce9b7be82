// Builds and parses the MDB netlink messages (include/uapi/linux/if_bridge.h,
// kernel-bridge.md §3): RTM_NEWMDB/RTM_DELMDB requests with br_port_msg +
// MDBA_SET_ENTRY + MDBA_SET_ENTRY_ATTRS, and the MDBA_MDB/MDBA_ROUTER layout of dumps
// and notifications. Pure: no socket here, so the bytes are unit-tested.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "agent/base/mdb.h"
#include "bridge/mdb_encode.h"  // MdbEncoding, kMaxMdbSources
#include "bridge/mdb_entry.h"
#include "bridge/nl_handles.h"

namespace mcs::bridge {

// RTM_NEWMDB. replace=false: NLM_F_CREATE|NLM_F_EXCL (fails with EEXIST on an existing
// port group); replace=true: NLM_F_CREATE|NLM_F_REPLACE (the kernel only looks at
// REPLACE). Attributes the kernel refuses for a kind of entry are left out: no state,
// protocol, mode or sources on host entries, no mode/sources on (S,G).
// nestOffset (optional out) = byte offset of MDBA_SET_ENTRY_ATTRS from the nlmsghdr.
// buildMdbAdd/buildMdbDel are appendMdbAdd/appendMdbDel (mdb_encode.h) in a libnl
// message of its own, for single requests; batches use the encoder directly.
NlMsgPtr buildMdbAdd(IfIndex bridge, const MdbKey& key, const MdbAttrs& attrs, const MdbEncoding& enc,
                     bool replace, uint32_t* nestOffset = nullptr);
// RTM_DELMDB of one entry; the kernel matches (group[, source], vid, port) only.
NlMsgPtr buildMdbDel(IfIndex bridge, const MdbKey& key);
// RTM_DELMDB + NLM_F_BULK (6.8+): every port entry of `bridge` with protocol `rtprot`
// (host entries are never matched by a protocol filter), optionally one port only.
NlMsgPtr buildMdbFlush(IfIndex bridge, uint8_t rtprot, std::optional<IfIndex> port = std::nullopt);
// RTM_GETMDB dump of all bridges (strict dump requests need ifindex 0: filter later).
NlMsgPtr buildMdbDumpRequest();

struct MdbParsed {
    std::vector<MdbEntry> entries;
    std::vector<MdbRouterPort> routers;
    size_t skippedL2 = 0;     // MAC entries: not representable as MdbKey, not ours
    size_t malformed = 0;
};
// RTM_GETMDB (dump), RTM_NEWMDB / RTM_DELMDB (notifications); appends to `out`.
void parseMdbMessage(const nlmsghdr& nlh, MdbParsed& out);

// Number of distinct MDB hash entries (vid, group, source) -- what mcast_hash_max limits.
size_t countHashEntries(const std::vector<MdbEntry>& entries);

}  // namespace mcs::bridge
