// Configuration of one Snooper (one bridge VLAN): protocol timers, VLAN policy with
// per-port overrides, static groups and mrouters, TCN behaviour and limits. Plain
// data; conf/ fills it from TOML and validates ranges. setConfig() applies a new
// value live (snooper.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/limits.h"

namespace mcs::core {

// Router-side protocol variables (rfc-conformance.md §4.1). While another querier
// is elected, its non-zero QRV, QQI and general-query Max Resp override robustness,
// queryInterval and queryResponseInterval (RFC 9776 §4.1.6/§4.1.7, RFC 9777 §5.1.9/
// §5.1.10); see params.h.
struct ProtocolTimers {
    uint8_t robustness = 2;
    Duration queryInterval = seconds(125);
    Duration queryResponseInterval = seconds(10);
    Duration lastMemberQueryInterval = seconds(1);
    uint8_t lastMemberQueryCount = 0;     // 0 = robustness (RFC 9776 §8.7)
    // Overrides of derived values; unset = the RFC formula.
    std::optional<Duration> membershipInterval;   // default RV*QI + QRI (RFC 3376/2236, 260 s)
    std::optional<Duration> mrouterAging;         // query-learned mrouter ports; default OQPI
    bool operator==(const ProtocolTimers&) const = default;
};

// A multicast address range with prefix length, optionally narrowed to one source
// (then it matches only that source's traffic of the groups in range).
struct GroupRange {
    IpAddr prefix;          // family decides which groups it can match
    uint8_t length = 0;     // 0..32 / 0..128
    std::optional<IpAddr> source;
    bool operator==(const GroupRange&) const = default;
};

// Cisco "ip igmp profile"/"ip igmp filter": deny wins; when `allow` holds ranges of
// a family, a group of that family must match one of them.
struct GroupFilter {
    std::vector<GroupRange> allow;
    std::vector<GroupRange> deny;
    bool empty() const { return allow.empty() && deny.empty(); }
    bool operator==(const GroupFilter&) const = default;
};

enum class MaxGroupsAction : uint8_t { Deny, Replace };
std::string_view to_string(MaxGroupsAction a);
std::optional<MaxGroupsAction> maxGroupsActionFromString(std::string_view s);

// Cisco "ip igmp max-groups N" + "max-groups action deny|replace". 0 = no limit.
struct MaxGroups {
    uint32_t limit = 0;
    MaxGroupsAction action = MaxGroupsAction::Deny;
    bool operator==(const MaxGroups&) const = default;
};

// Kernel mcast_router analogue for one port.
enum class MrouterMode : uint8_t {
    Auto,       // learned from queries / PIM hellos / MRD
    Static,     // always a router port (both families)
    Disabled,   // never a router port, nothing learned there
};
std::string_view to_string(MrouterMode m);
std::optional<MrouterMode> mrouterModeFromString(std::string_view s);

struct VlanPolicy {
    bool immediateLeave = false;      // per-host tracked fast leave (snooper.h)
    GroupFilter filter;
    MaxGroups maxGroupsPerPort;       // learned groups on each port
    MaxGroups maxGroupsVlan;          // distinct groups in the VLAN (Replace: oldest VLAN group)
    bool floodUnregistered = true;    // desired mcast_flood of the ports
    bool floodReports = false;        // reports/leaves received here go to all ports
    bool tcnFlood = true;             // take part in TCN flooding (per-port opt-out)
    bool operator==(const VlanPolicy&) const = default;
};

// Optional per-port overrides of VlanPolicy, keyed by port name in SnooperConfig.
struct PortPolicy {
    std::optional<bool> immediateLeave;
    std::optional<GroupFilter> filter;
    std::optional<MaxGroups> maxGroups;
    std::optional<bool> floodUnregistered;
    std::optional<bool> floodReports;
    std::optional<bool> tcnFlood;
    MrouterMode mrouter = MrouterMode::Auto;
    bool operator==(const PortPolicy&) const = default;
};

// Static (*,G) (no source) or (S,G) membership on a named port. Not subject to
// filters and limits (administrator's choice), survives port down.
struct StaticGroup {
    IpAddr group;
    std::optional<IpAddr> source;
    std::string port;
    auto operator<=>(const StaticGroup&) const = default;
};

struct MrouterConfig {
    bool learnFromQueries = true;
    bool learnFromPim = true;
    bool learnFromMrd = true;
    // RFC 4286 §5.1 / RFC 4541 §2.1.1 (2a): solicit MRD advertisements on a port when
    // it starts forwarding.
    bool mrdSolicit = false;
    bool operator==(const MrouterConfig&) const = default;
};

// Cisco "ip igmp snooping tcn flood / tcn flood query count / tcn query solicit".
struct TcnConfig {
    bool flood = true;
    uint8_t floodQueryCount = 2;      // general queries that end the flood (1..10)
    bool querySolicit = false;        // send a global leave (query solicitation) on TC
    bool bridgeIsRoot = false;        // STP root: solicit regardless of querySolicit
    bool operator==(const TcnConfig&) const = default;
};

struct SnooperConfig {
    ProtocolTimers igmp;
    ProtocolTimers mld;
    VlanPolicy vlan;
    std::map<std::string, PortPolicy, std::less<>> ports;
    std::vector<StaticGroup> staticGroups;
    MrouterConfig mrouter;
    TcnConfig tcn;
    Limits limits;
    // RFC 4541 §3 lets every ff02::/16 group be flooded; the kernel however snoops all
    // of them except ff02::1 and prunes unregistered ones to router ports once a
    // querier exists. false (default): only solicited-node groups are tracked (lab
    // notes); true: every link-scope IPv6 group except ff02::1 is tracked like the kernel.
    bool trackAllLinkScopeV6 = false;

    const ProtocolTimers& timers(Family f) const { return f == Family::V4 ? igmp : mld; }
    bool operator==(const SnooperConfig&) const = default;
};

}  // namespace mcs::core
