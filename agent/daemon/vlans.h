// The VLAN side of one snooped bridge (issue 11). On a bridge with vlan_filtering
// every VLAN is its own snooping domain: the agent runs one Snooper and one pair of
// Queriers per VLAN present on the ports, frames belong to the VLAN of their tag (an
// untagged frame to its port's PVID), and the kernel keeps one multicast context per
// VLAN once mcast_vlan_snooping is on (kernel-bridge.md §3.7, §5.6). This class holds
// what the kernel says about the VLANs and translates between the two:
//  - which VLANs to snoop (VLAN 0 alone without filtering);
//  - the VLAN of a received frame, and how a frame for a VLAN leaves a given port
//    (tagged, untagged, or not at all: the packet sockets bypass the bridge's own
//    egress policy, so it is applied here);
//  - MDB entries only on ports that carry the entry's VLAN;
//  - the kernel's per-VLAN contexts: mcast_vlan_snooping on, each VLAN's IGMP/MLD
//    version, router ports per port-VLAN (with VLAN snooping the port-wide
//    mcast_router is not consulted).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/daemon/bridge_agent.h"
#include "bridge/kernel_features.h"
#include "bridge/link_monitor.h"
#include "bridge/nl_socket.h"

namespace mcs::daemon {

class BridgeVlans {
public:
    BridgeVlans(std::string bridgeName, IfIndex bridge);

    // ---- kernel facts ----
    void setBridgeOptions(const bridge::BridgeMcastOptions& o);
    void setPort(IfIndex port, const std::string& name, const std::vector<bridge::PortVlan>& vlans);
    void removePort(IfIndex port);
    bool filtering() const { return filtering_; }
    // Router ports are per port-VLAN (kernel mcast_vlan_snooping on).
    bool perVlanContexts() const { return filtering_ && kernelVlanSnooping_; }

    // VLANs to snoop: {0} without filtering, else every VLAN some port carries.
    std::vector<VlanId> snooped() const;
    // Hands snooped() to the agent when it changed.
    void updateAgent(BridgeAgent& agent, TimePoint now);

    // ---- frames ----
    struct Ingress {
        bool accept = true;           // false: the bridge drops it (VLAN not on the port)
        std::optional<VlanId> vid;    // for BridgeAgent::onFrame
    };
    // `tag` from PACKET_AUXDATA; a tag still in the frame counts the same.
    Ingress ingress(IfIndex port, std::optional<VlanId> tag, std::span<const uint8_t> frame) const;

    // VID of the 802.1Q tag in a frame we built or retagged, nullopt if untagged.
    static std::optional<VlanId> frameVlan(std::span<const uint8_t> frame);

    enum class Egress { AsIs, Untag, Drop };
    // How `frame` (tagged with its VLAN, or untagged on VLAN 0) leaves `port`.
    Egress egress(IfIndex port, std::span<const uint8_t> frame) const;
    // Ports that carry `vid` (fan-out of bridge-bound frames the bridge cannot send).
    std::vector<IfIndex> portsOf(VlanId vid) const;
    // The bridge device can send in `vid` (member itself). Unknown: assumed yes.
    bool bridgeSendsIn(VlanId vid) const;

    // Drops entries for ports that do not carry the entry's VLAN (static groups
    // name ports, not port-VLANs; and a port may leave a VLAN before its members
    // time out). Host entries (port = bridge) stay.
    void filterMdb(MdbSnapshot& desired) const;
    // Bumps whenever filterMdb() may decide differently (ports, their VLANs, filtering).
    uint64_t filterGeneration() const { return filterGeneration_; }

    // ---- kernel ----
    // Brings the kernel's per-VLAN state in line; returns false if something failed
    // and should be retried.
    bool sync(bridge::NlSocket& cmd, const BridgeAgent& agent, const bridge::KernelFeatures& f,
              TimePoint now);

private:
    struct PortVlans {
        std::string name;
        std::optional<VlanId> pvid;
        std::map<VlanId, bool> vids;  // vid -> egress untagged
    };
    const PortVlans* port(IfIndex p) const;
    void readBridgeSelf(bridge::NlSocket& cmd, TimePoint now);

    std::string name_;
    IfIndex ifindex_;
    bool filtering_ = false;
    bool kernelVlanSnooping_ = false;
    bool vlanSnoopingRequested_ = false;
    std::map<IfIndex, PortVlans> ports_;
    std::vector<VlanId> agentVlans_;
    bool agentSet_ = false;
    // Kernel state we set: VLAN contexts (versions), port-VLAN router modes.
    std::set<VlanId> contextsSet_;
    std::map<std::pair<IfIndex, VlanId>, bool> routersSet_;
    // Router modes are recomputed when the agent's state or ours changed.
    uint64_t syncedGeneration_ = ~0ull;
    bool dirty_ = true;
    uint64_t filterGeneration_ = 0;
    // The bridge's own VLANs (`self`), re-read now and then (no event carries them).
    std::optional<std::set<VlanId>> bridgeSelf_;
    TimePoint nextSelfRead_{};
    std::set<VlanId> warnedNoSelf_;
};

}  // namespace mcs::daemon
