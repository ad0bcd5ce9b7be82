// An MDB entry as the kernel reports it (dump or notification): the key the core
// uses plus what only the kernel knows (state, flags, protocol, timers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/types.h"

namespace mcs::bridge {

enum class MdbState : uint8_t { Temporary, Permanent };
std::string_view to_string(MdbState s);

struct MdbSource {
    IpAddr addr;
    uint32_t timerCs = 0;  // remaining centiseconds, 0 = none
    bool operator==(const MdbSource&) const = default;
};

struct MdbEntry {
    IfIndex bridge;
    MdbKey key;                          // key.port == bridge for host entries
    MdbState state = MdbState::Temporary;
    uint8_t flags = 0;                   // uapi::kMdbFlags*
    std::optional<uint8_t> protocol;     // absent for host entries and before 5.10
    std::optional<FilterMode> mode;      // dumped only in IGMPv3 / MLDv2 mode (bridge-global)
    std::vector<MdbSource> sources;      // ditto
    uint32_t timerCs = 0;

    bool isHost() const { return key.port == bridge; }
    // "br 3 port 5 vid 0 239.1.1.1 src * permanent proto 183"
    std::string str() const;
};

// A router port of the bridge-global context (MDBA_ROUTER).
struct MdbRouterPort {
    IfIndex bridge;
    IfIndex port;
    std::optional<uint8_t> type;         // MDB_RTR_TYPE_*, dumps only
    std::optional<uint32_t> timerCs;
    bool inet = false;                   // IPv4 router timer present (5.14+)
    bool inet6 = false;
    VlanId vid;                          // per-VLAN contexts only
};

}  // namespace mcs::bridge
