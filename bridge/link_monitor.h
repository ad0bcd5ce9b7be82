// Watches bridges and their ports over rtnetlink (RTNLGRP_LINK) and reports changes as
// typed events. State comes from two kinds of messages: AF_UNSPEC link messages (name,
// flags, master, bridge options in IFLA_INFO_DATA, port attributes in
// IFLA_INFO_SLAVE_DATA) and AF_BRIDGE ones (STP state in IFLA_PROTINFO, VLANs in
// IFLA_AF_SPEC). Both update one model of links; events are the differences of the
// bridge/port view before and after each message, so a resync (full dump) emits exactly
// what was missed. An overrun of the socket (ENOBUFS: the kernel dropped notifications)
// drains what is queued and resyncs -- it never ends the monitor.
//
// The daemon polls fd() (EPOLLIN) and calls process(). Callbacks run inside process()
// and resync() and must not call back into the monitor.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/types.h"
#include "bridge/error.h"
#include "bridge/link_message.h"
#include "bridge/link_types.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

struct BridgeInfo {
    IfIndex ifindex;
    std::string name;
    MacAddr mac;
    bool up = false;
    BridgeMcastOptions mcast;
    bool operator==(const BridgeInfo&) const = default;
};

struct PortInfo {
    IfIndex ifindex;
    std::string name;
    IfIndex bridge;
    MacAddr mac;
    bool up = false;          // IFF_UP and IFF_RUNNING (carrier)
    uint8_t operState = 0;    // IF_OPER_*
    BridgePortAttrs attrs;    // STP state, mcast_router, mcast_flood, fast leave
    std::vector<PortVlan> vlans;  // empty without VLAN filtering
    bool operator==(const PortInfo&) const = default;
};

enum class LinkEventType : uint8_t {
    BridgeAdded,
    BridgeRemoved,
    BridgeUp,
    BridgeDown,
    BridgeOptionsChanged,   // mcast_snooping, querier, hash_max, vlan_filtering, versions, name, MAC
    PortAdded,              // carries the full PortInfo (up state included)
    PortRemoved,
    PortUp,
    PortDown,
    PortStpState,
    PortVlansChanged,
    PortOptionsChanged,     // mcast_router / mcast_flood / fast leave, name, MAC
};
std::string_view to_string(LinkEventType t);

struct LinkEvent {
    LinkEventType type;
    BridgeInfo bridge;
    std::optional<PortInfo> port;
    std::string str() const;  // "port-down bridge br0(2) port v1(4)"
};

struct LinkMonitorOptions {
    std::vector<std::string> bridgeNames;  // empty: every bridge
    int rcvbuf = 4 << 20;                  // notification socket buffer
};

struct LinkMonitorStats {
    uint64_t messages = 0;
    uint64_t events = 0;
    uint64_t overruns = 0;   // ENOBUFS seen
    uint64_t resyncs = 0;
};

class LinkMonitor {
public:
    using Callback = std::function<void(const LinkEvent&)>;

    // Subscribes and returns; call resync() to get the initial state as events.
    static Result<LinkMonitor, Error> open(const LinkMonitorOptions& opts, Callback cb);

    int fd() const { return events_.fd(); }
    // Handles up to maxDatagrams queued datagrams; an overrun resyncs. Errors are
    // socket failures other than an overrun.
    Status process(size_t maxDatagrams = 256);
    // Full dump (AF_UNSPEC links, then AF_BRIDGE ports with VLANs) and events for
    // every difference from what we knew.
    Status resync();

    const std::map<int, BridgeInfo>& bridges() const { return bridges_; }
    const std::map<int, PortInfo>& ports() const { return ports_; }
    const LinkMonitorStats& stats() const { return stats_; }

private:
    struct LinkRec {
        std::string name;
        uint32_t flags = 0;
        uint8_t operState = 0;
        IfIndex master;
        MacAddr mac;
        bool isBridge = false;
        BridgeMcastOptions bridgeOpts;
        bool isPort = false;
        BridgePortAttrs portAttrs;
        std::vector<PortVlan> vlans;
    };
    using Links = std::map<int, LinkRec>;

    LinkMonitor(NlSocket events, NlSocket cmd, const LinkMonitorOptions& o, Callback cb);
    static void applyLink(Links& links, const LinkMessage& m);
    static void applyBridgePort(Links& links, const BridgePortMessage& m);
    void handle(const nlmsghdr& nlh);
    std::optional<BridgeInfo> bridgeView(int ifindex) const;
    std::optional<PortInfo> portView(int ifindex) const;
    void refreshBridge(int ifindex);
    void refreshPort(int ifindex);
    void refreshLink(int ifindex);
    void emit(LinkEventType t, const BridgeInfo& b, const std::optional<PortInfo>& p);

    NlSocket events_;
    NlSocket cmd_;
    std::set<std::string> names_;
    Callback cb_;
    Links links_;
    std::map<int, BridgeInfo> bridges_;
    std::map<int, PortInfo> ports_;
    LinkMonitorStats stats_;
};

}  // namespace mcs::bridge
