// Value types of the Snooper API (snooper.h): port status, receive verdicts,
// outbound requests, events and the read-only views used by D-Bus and dumps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/counters.h"

namespace mcs::core {

// ---- enums (string tables in names.cc) ----

enum class StpState : uint8_t { Disabled, Listening, Learning, Forwarding, Blocking };

// Group compatibility mode of one (group, port): RFC 9776 §7.3.2, RFC 9777 §8.3.2.
enum class CompatMode : uint8_t { IgmpV1, IgmpV2, IgmpV3, MldV1, MldV2 };

enum class GroupOrigin : uint8_t { Learned, Static, LearnedAndStatic };

enum class MrouterOrigin : uint8_t { Query, Pim, Mrd, Static };

enum class LeaveReason : uint8_t {
    Expired,        // group / source timers ran out (RFC 9776 §6.5)
    FastLeave,      // immediate leave: the last tracked host left
    Evicted,        // max-groups action replace
    Filtered,       // new filter denies it (setConfig)
    PortDown,
    PortRemoved,
    StaticRemoved,  // last static entry removed by setConfig, no learned state
};

enum class FloodEndReason : uint8_t { Queries, Timeout, Disabled };

enum class RxAction : uint8_t {
    Forward,        // send the frame out of RxVerdict::ports (may be empty: nobody to tell)
    KernelFlood,    // the kernel bridge floods it itself (queries, PIM, MRD, BPDU)
    Drop,
};

std::string_view to_string(StpState s);
std::string_view to_string(CompatMode m);
std::string_view to_string(GroupOrigin o);
std::string_view to_string(MrouterOrigin o);
std::string_view to_string(LeaveReason r);
std::string_view to_string(FloodEndReason r);
std::string_view to_string(RxAction a);
std::optional<StpState> stpStateFromString(std::string_view s);

// ---- inputs ----

struct PortStatus {
    bool up = true;
    StpState stp = StpState::Forwarding;   // bridges without STP keep ports Forwarding
};

// ---- receive verdict ----

struct RxVerdict {
    RxAction action = RxAction::KernelFlood;
    std::vector<IfIndex> ports;   // Forward only; sorted, never the ingress port
    Cause reason = Cause::None;   // Drop only
};

// ---- outbound requests (the daemon / querier turn them into frames) ----
// Semantic requests rather than frames: the core knows neither the bridge MAC nor
// the querier source address, and the querier owns query versions and encoding.

// RFC 4541 §2.1.1 / Cisco "tcn query solicit": IGMPv2 leave for 0.0.0.0 or MLD
// Done for :: (wire::buildQuerySolicitation).
struct QuerySolicitation { Family family; };
// Our own querier should send a General Query now (TCN, port starting to forward).
struct GeneralQueryRequest { Family family; };
// RFC 9776 §6.6.3 / RFC 9777 §7.6.3: one transmission of a group-specific
// (sources empty) or group-and-source-specific query, produced only while our own
// querier is active for the family. The core schedules the LMQC retransmissions
// itself (one request per transmission) and computes the S flag per §6.6.3.
struct GroupQueryRequest {
    Family family;
    CompatMode mode;              // of the (group, port): v2/MLDv1 hosts need a v2/MLDv1 query
    IpAddr group;
    std::vector<IpAddr> sources;  // sorted; empty = Q(G)
    bool suppressRouterSide = false;
    Duration maxResp{};           // LMQI
};
// RFC 4286 §5.1.
struct MrdSolicitation { Family family; };

using OutboundMsg = std::variant<QuerySolicitation, GeneralQueryRequest, GroupQueryRequest,
                                 MrdSolicitation>;

struct Outbound {
    std::optional<IfIndex> port;   // nullopt: flood in the VLAN
    OutboundMsg msg;
};

// ---- events ----

struct GroupJoined { IpAddr group; IfIndex port; VlanId vid; GroupOrigin origin; };
struct GroupLeft { IpAddr group; IfIndex port; VlanId vid; LeaveReason reason; };
// A port became (on) or stopped being (off) a router port of `family`; `origin` is
// the evidence that caused the change (the last one that went away for off).
struct MrouterPortChanged { IfIndex port; Family family; bool on; MrouterOrigin origin; };
struct FloodStarted { VlanId vid; };
struct FloodEnded { VlanId vid; FloodEndReason reason; };

using Event = std::variant<GroupJoined, GroupLeft, MrouterPortChanged, FloodStarted, FloodEnded>;

// ---- desired port forwarding state ----

struct PortForwarding {
    IfIndex port;
    bool mcastRouter = false;        // kernel mcast_router: router port of either family or TCN flood
    bool floodUnregistered = true;   // kernel mcast_flood
    bool operator==(const PortForwarding&) const = default;
};

// ---- read-only views ----

struct PortInfo {
    IfIndex port;
    std::string name;
    PortStatus status;
    bool immediateLeave = false;
    uint32_t learnedGroups = 0;
};

struct SourceInfo {
    IpAddr addr;
    std::optional<TimePoint> expiry;   // nullopt: timer 0 (EXCLUDE "Y": blocked) or static
    bool isStatic = false;
};

struct GroupPortInfo {
    IfIndex port;
    std::string portName;
    GroupOrigin origin = GroupOrigin::Learned;
    FilterMode mode = FilterMode::Include;      // effective (learned + static)
    std::optional<TimePoint> groupTimer;        // EXCLUDE only
    std::vector<SourceInfo> sources;            // INCLUDE: forwarded; EXCLUDE: X (timer) and Y (none)
    CompatMode compat = CompatMode::IgmpV3;
    std::optional<TimePoint> olderV1HostUntil;  // IGMPv1 host present
    std::optional<TimePoint> olderV2HostUntil;  // IGMPv2 / MLDv1 host present
    uint32_t trackedHosts = 0;                  // immediate leave host table
    TimePoint joinedAt{};
};

struct GroupInfo {
    IpAddr group;
    std::vector<GroupPortInfo> ports;
};

struct MrouterEvidence {
    MrouterOrigin origin;
    std::optional<TimePoint> expiry;   // nullopt: static or PIM holdtime 0xffff
};

struct MrouterInfo {
    IfIndex port;
    std::string portName;
    Family family;
    std::vector<MrouterEvidence> evidence;
};

// The querier heard on the VLAN (lowest address of recent general queries).
struct QuerierInfo {
    IpAddr address;
    IfIndex port;
    wire::ProtoVersion version;
    TimePoint expiry;                 // Other Querier Present Interval after the last query
    uint8_t qrv = 0;
    uint32_t qqiSec = 0;
    uint32_t maxRespMs = 0;
};

// Effective protocol values of a family (configuration, or adopted from the querier).
struct EffectiveTimers {
    uint8_t robustness;
    Duration queryInterval, queryResponseInterval, membershipInterval;
    Duration otherQuerierPresent, olderHostPresent, lastMemberQueryTime, lastMemberQueryInterval;
    uint8_t lastMemberQueryCount;
    bool adoptedFromQuerier;
};

struct FloodInfo {
    bool active = false;
    uint8_t queriesSeen = 0;
    std::optional<TimePoint> until;   // safety timeout
};

}  // namespace mcs::core
