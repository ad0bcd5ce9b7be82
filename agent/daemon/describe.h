// Read views of the running daemon for the control API: the rows and summaries the
// D-Bus methods and properties return, and the Describe() JSON documents built from
// the same data (schemas in docs/dbus.md; "schema" members version them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/daemon/control.h"
#include "agent/daemon/json.h"
#include "agent/daemon/object_paths.h"

namespace mcs::daemon {

struct BridgeRuntime;

// Version of the JSON documents; bumps on incompatible changes only (members may be
// added without a bump).
inline constexpr int kDescribeSchema = 1;

// Remaining milliseconds until `t` (at least 1 while a timer runs; 0: no timer).
uint64_t remainingMs(std::optional<TimePoint> t, TimePoint now);

struct SourceRow {
    std::string address;
    uint64_t timerMs = 0;
    bool isStatic = false;
};

struct GroupRow {
    std::string group, port, origin, mode;
    uint64_t timerMs = 0;
    std::string compat;
    std::vector<SourceRow> sources;
};

struct MrouterRow {
    std::string port, family, origin;
    uint64_t timerMs = 0;
};

struct QuerierSummary {
    std::string state, inactiveReason, elected;
    bool electedIsSelf = false;
    std::string version;
    bool operator==(const QuerierSummary&) const = default;
};

struct QuerierDetail {
    QuerierSummary summary;
    std::string electedVersion, configuredVersion, sourceAddress;
    uint64_t nextGeneralQueryMs = 0, otherQuerierPresentMs = 0;
    uint32_t startupQueriesLeft = 0;
    uint32_t robustness = 0, lastMemberQueryCount = 0;
    uint64_t queryIntervalMs = 0, queryResponseIntervalMs = 0, lastMemberQueryIntervalMs = 0;
    std::vector<std::pair<std::string, uint64_t>> counters;
};

struct StaticGroupRow {
    std::string group, source, port, origin;   // origin: "config" | "runtime"
    bool operator==(const StaticGroupRow&) const = default;
};

struct PortRow {
    int32_t ifindex = 0;
    std::string name;
    bool up = false;
    std::string stp;
    bool operator==(const PortRow&) const = default;
};

struct FilterRow {
    std::string action, prefix;
    uint8_t length = 0;
    std::string source;
    bool operator==(const FilterRow&) const = default;
};

// What a Vlan1 object shows as properties that signal changes.
struct VlanProperties {
    bool snooping = true;
    bool immediateLeave = false;
    uint32_t maxGroups = 0;
    std::string maxGroupsAction;
    std::vector<FilterRow> filter;
    std::vector<StaticGroupRow> staticGroups;
    std::vector<std::pair<std::string, std::string>> staticMrouterPorts;   // (port, origin)
    uint32_t groupCount = 0;
    std::vector<std::pair<std::string, std::string>> mrouterPorts;         // (port, family)
    QuerierSummary igmpQuerier, mldQuerier;
    std::vector<std::string> overrides;
    bool operator==(const VlanProperties&) const = default;
};

// What a Bridge1 object shows as properties that signal changes.
struct BridgeProperties {
    std::vector<uint16_t> vlans;
    std::vector<PortRow> ports;
    std::vector<std::string> overrides;
    bool operator==(const BridgeProperties&) const = default;
};

std::vector<GroupRow> groupRows(const BridgeRuntime& br, VlanId vid, TimePoint now);
std::vector<MrouterRow> mrouterRows(const BridgeRuntime& br, VlanId vid, TimePoint now);
std::optional<QuerierDetail> querierDetail(const BridgeRuntime& br, VlanId vid, Family f, TimePoint now);
std::vector<std::pair<std::string, uint64_t>> vlanCounters(const BridgeRuntime& br, VlanId vid);
std::vector<std::pair<std::string, uint64_t>> bridgeCounters(const BridgeRuntime& br);
VlanProperties vlanProperties(const Control& c, const BridgeRuntime& br, VlanId vid);
BridgeProperties bridgeProperties(const Control& c, const BridgeRuntime& br);

// Groups listed per VLAN in Describe documents ("groups_truncated" beyond; the
// VLAN's GetGroups lists all): keeps replies far below the bus's message limit.
inline constexpr size_t kDescribeGroupsMax = 16384;

json::Value describeVlan(const Control& c, const BridgeRuntime& br, VlanId vid, TimePoint now);
json::Value describeBridge(const Control& c, const BridgeRuntime& br, TimePoint now);
json::Value describeDaemon(const Control& c, TimePoint now);
// `v` with a leading "schema" member (Bridge1/Vlan1.Describe return such documents).
json::Value document(json::Value v);

}  // namespace mcs::daemon
