// Reads a bridge's MDB (RTM_GETMDB dump) and tells whose each entry is. Used for the
// startup reconcile (which permanent entries are ours to adopt or delete) and to
// count kernel-learned entries.
#pragma once

#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "agent/base/mdb.h"
#include "bridge/error.h"
#include "bridge/mdb_entry.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

struct MdbReadResult {
    std::vector<MdbEntry> entries;
    std::vector<MdbRouterPort> routers;
    size_t skippedL2 = 0;
    size_t malformed = 0;
};
// bridge = nullopt: every bridge of the namespace.
Result<MdbReadResult, Error> readMdb(NlSocket& sock, std::optional<IfIndex> bridge);

enum class EntryOrigin : uint8_t {
    Ours,     // our protocol number, or in our record (kernels without MDBE_ATTR_RTPROT)
    Kernel,   // learned from reports (RTPROT_KERNEL), incl. STAR_EXCL copies
    Admin,    // added by someone else: `bridge mdb add`, another daemon
    Host,     // the bridge itself joined (port == bridge)
};
std::string_view to_string(EntryOrigin o);

// `record` = keys from OwnedRecord, or nullptr.
EntryOrigin classifyEntry(const MdbEntry& e, uint8_t ourProtocol, const std::set<MdbKey>* record);

// Our entries as the snapshot that produced them: (S,G) entries the kernel derived
// from one of our (*,G) source lists (same port, S in the list) fold back into that
// (*,G). Mode and sources are only dumped while the bridge runs IGMPv3/MLDv2; without
// them a (*,G) reads back as EXCLUDE {}.
MdbSnapshot ownedSnapshot(const std::vector<MdbEntry>& entries, uint8_t ourProtocol,
                          const std::set<MdbKey>* record);

}  // namespace mcs::bridge
