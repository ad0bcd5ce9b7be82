// What bridge/ reports about bridges and their ports (rtnetlink link messages).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/types.h"

namespace mcs::bridge {

// Port STP state, values of BR_STATE_* (include/uapi/linux/if_bridge.h).
enum class StpState : uint8_t { Disabled = 0, Listening = 1, Learning = 2, Forwarding = 3, Blocking = 4 };
std::string_view to_string(StpState s);

// IFLA_BRPORT_MULTICAST_ROUTER / IFLA_BR_MCAST_ROUTER values (MDB_RTR_TYPE_*).
// Temp (3) is accepted on ports only.
enum class RouterMode : uint8_t { Disabled = 0, TempQuery = 1, Permanent = 2, Temp = 3 };
std::string_view to_string(RouterMode m);

struct PortVlan {
    VlanId vid;
    bool pvid = false;
    bool untagged = false;
    auto operator<=>(const PortVlan&) const = default;
};

// Multicast options of a bridge (IFLA_INFO_DATA, IFLA_BR_*); kernel defaults.
struct BridgeMcastOptions {
    bool snooping = true;
    bool querier = false;
    RouterMode router = RouterMode::TempQuery;
    uint32_t hashMax = 4096;
    bool vlanFiltering = false;
    bool vlanSnooping = false;
    bool queryUseIfaddr = false;
    uint8_t igmpVersion = 2;
    uint8_t mldVersion = 1;
    bool operator==(const BridgeMcastOptions&) const = default;
};

// Per-port bridge attributes (IFLA_BRPORT_*), from IFLA_INFO_SLAVE_DATA or the
// AF_BRIDGE IFLA_PROTINFO.
struct BridgePortAttrs {
    StpState stp = StpState::Disabled;
    RouterMode mcastRouter = RouterMode::TempQuery;
    bool mcastFlood = true;
    bool fastLeave = false;
    bool operator==(const BridgePortAttrs&) const = default;
};

}  // namespace mcs::bridge
