// Encodes MDB requests (RTM_NEWMDB / RTM_DELMDB) straight into a caller's byte buffer.
//
// Why not libnl: a batch of thousands built with nlmsg_alloc costs an allocation and a
// free per message, and every message is then copied into the send buffer. Appending
// to one reusable buffer costs neither; the buffer is what goes to send(). The bytes
// are exactly those buildMdbAdd() / buildMdbDel() return (they wrap these), so the
// byte-level tests of mdb_message_test.cc cover this encoder too.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "agent/base/mdb.h"

namespace mcs::bridge {

// The kernel's source-list limit: PG_SRC_ENT_LIMIT is 32 but netlink refuses
// num_src_entries >= 32, so at most 31 per (*,G).
inline constexpr size_t kMaxMdbSources = 31;

struct MdbEncoding {
    bool permanent = true;                 // port entries; host entries are always temporary
    std::optional<uint8_t> rtprot;         // port entries; nullopt = kernel default (static)
    bool sourceLists = true;               // encode filter mode + source list for port (*,G)
};

// Both append one message at the end of `buf`, whose size must be a multiple of
// NLMSG_ALIGNTO (messages back to back, as in one sendmsg). The header has seq 0, pid 0
// and only the request's own flags; NlSocket sets the rest when it sends. They return
// the message length (nlmsg_len, always aligned here), or 0 when the message cannot be
// expressed (an attribute past netlink's 16-bit length), leaving `buf` as it was.
//
// RTM_NEWMDB, see buildMdbAdd(). nestOffset (optional out) = byte offset of
// MDBA_SET_ENTRY_ATTRS from the message's nlmsghdr (0 when there is none).
size_t appendMdbAdd(std::vector<uint8_t>& buf, IfIndex bridge, const MdbKey& key, const MdbAttrs& attrs,
                    const MdbEncoding& enc, bool replace, uint32_t* nestOffset = nullptr);
// RTM_DELMDB of one entry, see buildMdbDel().
size_t appendMdbDel(std::vector<uint8_t>& buf, IfIndex bridge, const MdbKey& key);

}  // namespace mcs::bridge
