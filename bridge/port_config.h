// Per-port and bridge-level multicast knobs. libnl 3.7 has no setters for these, so
// the messages are built by hand:
//  - ports: RTM_SETLINK, family AF_BRIDGE, IFLA_PROTINFO (NLA_F_NESTED, or br_setlink
//    takes it for the legacy one-byte STP state) with IFLA_BRPORT_*;
//  - bridge: RTM_NEWLINK on the bridge, IFLA_LINKINFO { kind "bridge", IFLA_INFO_DATA
//    { IFLA_BR_* } } (br_changelink).
#pragma once

#include <cstdint>
#include <optional>

#include "agent/base/types.h"
#include "bridge/error.h"
#include "bridge/link_types.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

struct PortOptionsChange {
    std::optional<RouterMode> mcastRouter;   // 0..3
    std::optional<bool> mcastFlood;
    std::optional<bool> fastLeave;
    bool empty() const { return !mcastRouter && !mcastFlood && !fastLeave; }
};
Status setPortOptions(NlSocket& sock, IfIndex port, const PortOptionsChange& change);
Result<BridgePortAttrs, Error> readPortOptions(NlSocket& sock, IfIndex port);

struct BridgeOptionsChange {
    std::optional<bool> snooping;
    std::optional<bool> querier;
    std::optional<RouterMode> router;        // 0..2 (the bridge refuses Temp)
    std::optional<uint32_t> hashMax;
    std::optional<uint8_t> igmpVersion;      // 2 | 3
    std::optional<uint8_t> mldVersion;       // 1 | 2
    std::optional<bool> queryUseIfaddr;
    bool empty() const {
        return !snooping && !querier && !router && !hashMax && !igmpVersion && !mldVersion && !queryUseIfaddr;
    }
};
Status setBridgeOptions(NlSocket& sock, IfIndex bridge, const BridgeOptionsChange& change);

struct BridgeState {
    bool up = false;           // IFF_UP: MDB writes fail with "Bridge device is not running" otherwise
    std::string name;
    BridgeMcastOptions mcast;
};
Result<BridgeState, Error> readBridgeState(NlSocket& sock, IfIndex bridge);

}  // namespace mcs::bridge
