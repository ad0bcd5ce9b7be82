// Parses rtnetlink link messages: AF_UNSPEC RTM_NEWLINK/RTM_DELLINK (every link, with
// IFLA_LINKINFO kind/slave data) and AF_BRIDGE ones (bridge ports: IFLA_PROTINFO and
// the VLAN list in IFLA_AF_SPEC). Builds the matching GETLINK requests. Pure.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/base/types.h"
#include "bridge/link_types.h"
#include "bridge/nl_handles.h"

namespace mcs::bridge {

struct LinkMessage {
    bool deleted = false;          // RTM_DELLINK
    IfIndex ifindex;
    std::string name;
    uint32_t flags = 0;            // IFF_*
    uint8_t operState = 0;         // IF_OPER_*
    IfIndex master;                // 0 = none
    MacAddr mac;
    std::string kind;              // IFLA_INFO_KIND ("bridge", "veth", ...)
    std::string slaveKind;         // IFLA_INFO_SLAVE_KIND ("bridge" for bridge ports)
    std::optional<BridgeMcastOptions> bridgeOptions;  // kind == "bridge"
    std::optional<BridgePortAttrs> portAttrs;         // slaveKind == "bridge"
    bool isBridge() const { return kind == "bridge"; }
    bool isBridgePort() const { return slaveKind == "bridge" && master.valid(); }
};
// nullopt unless an AF_UNSPEC/AF_INET... RTM_NEWLINK or RTM_DELLINK.
std::optional<LinkMessage> parseLinkMessage(const nlmsghdr& nlh);

struct BridgePortMessage {
    bool deleted = false;          // RTM_DELLINK: the port left its bridge
    IfIndex ifindex;
    IfIndex master;
    std::string name;
    uint32_t flags = 0;
    uint8_t operState = 0;
    std::optional<BridgePortAttrs> attrs;
    std::optional<std::vector<PortVlan>> vlans;  // present only with VLAN info (filtering on)
};
// nullopt unless an AF_BRIDGE RTM_NEWLINK / RTM_DELLINK.
std::optional<BridgePortMessage> parseBridgePortMessage(const nlmsghdr& nlh);

// IFLA_AF_SPEC of an AF_BRIDGE message: IFLA_BRIDGE_VLAN_INFO entries, plain or as
// RANGE_BEGIN/RANGE_END pairs (the compressed form notifications use).
std::vector<PortVlan> parseVlanList(const nlattr* afSpec);

BridgeMcastOptions parseBridgeInfoData(const nlattr* infoData);
BridgePortAttrs parsePortAttrs(const nlattr* nest);

// RTM_GETLINK requests.
NlMsgPtr buildLinkDumpRequest();                    // AF_UNSPEC, every link
NlMsgPtr buildBridgePortDumpRequest();              // AF_BRIDGE + RTEXT_FILTER_BRVLAN_COMPRESSED
NlMsgPtr buildLinkGetRequest(IfIndex ifindex);      // AF_UNSPEC, one link

}  // namespace mcs::bridge
