// Per-VLAN multicast state of a VLAN-filtering bridge over the bridge VLAN
// database (RTM_NEWVLAN / RTM_GETVLAN, family AF_BRIDGE, struct br_vlan_msg;
// kernel-bridge.md §3.7, §5.6). With mcast_vlan_snooping on (5.15+) every VLAN has
// its own multicast context: querier state, router ports, IGMP/MLD versions. The
// bridge-wide and port-wide knobs of port_config.h then no longer apply, these do:
//  - global options of a VLAN (on the bridge: `bridge vlan global set ... vid N`):
//    BRIDGE_VLANDB_GLOBAL_OPTIONS { GOPTS_ID, GOPTS_MCAST_SNOOPING,
//    GOPTS_MCAST_IGMP_VERSION, GOPTS_MCAST_MLD_VERSION };
//  - a port-VLAN's router mode (`bridge vlan set dev P vid N mcast_router M`):
//    BRIDGE_VLANDB_ENTRY { ENTRY_INFO (flags BRIDGE_VLAN_INFO_ONLY_OPTS: change
//    options only, never create the VLAN), ENTRY_MCAST_ROUTER }.
// mcast_vlan_snooping itself is a bridge boolean option (IFLA_BR_MULTI_BOOLOPT).
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/types.h"
#include "bridge/error.h"
#include "bridge/link_types.h"
#include "bridge/nl_handles.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

// A VLAN's multicast context options; nullopt = leave as is / not reported.
struct VlanGlobalOptions {
    VlanId vid;
    std::optional<bool> snooping;
    std::optional<uint8_t> igmpVersion;  // 2 | 3
    std::optional<uint8_t> mldVersion;   // 1 | 2
    bool operator==(const VlanGlobalOptions&) const = default;
};

// One VLAN of one device as the VLAN database dumps it. For the bridge device the
// dump lists the VLANs it is a member of itself (`bridge vlan add ... self`), the
// ones it can send in.
struct DeviceVlan {
    VlanId vid;
    bool pvid = false;
    bool untagged = false;
    std::optional<RouterMode> mcastRouter;  // reported for port-VLANs and bridge VLANs
    bool operator==(const DeviceVlan&) const = default;
};

// mcast_vlan_snooping on/off (the kernel refuses "on" without vlan_filtering).
Status setVlanSnooping(NlSocket& sock, IfIndex bridge, bool on);
Status setVlanGlobalOptions(NlSocket& sock, IfIndex bridge, const VlanGlobalOptions& opts);
// Router mode of one port-VLAN; Permanent (2) or Disabled (0) for us, like the
// port-wide knob (a port-VLAN in TempQuery mode would learn router ports itself).
Status setPortVlanRouter(NlSocket& sock, IfIndex port, VlanId vid, RouterMode mode);

Result<std::vector<DeviceVlan>, Error> readDeviceVlans(NlSocket& sock, IfIndex dev);
Result<std::vector<VlanGlobalOptions>, Error> readVlanGlobals(NlSocket& sock, IfIndex bridge);

// ---- messages (pure; the functions above send them) ----
NlMsgPtr buildVlanSnooping(IfIndex bridge, bool on);
NlMsgPtr buildVlanGlobalOptions(IfIndex bridge, const VlanGlobalOptions& opts);
NlMsgPtr buildPortVlanRouter(IfIndex port, VlanId vid, RouterMode mode);
NlMsgPtr buildVlanDump(IfIndex dev, bool global);
// One RTM_NEWVLAN message of a dump: its device and entries, ranges expanded.
struct VlanDumpMessage {
    IfIndex ifindex;
    std::vector<DeviceVlan> vlans;
    std::vector<VlanGlobalOptions> globals;
};
std::optional<VlanDumpMessage> parseVlanDumpMessage(const nlmsghdr& nlh);

}  // namespace mcs::bridge
