// Per-port effective policy (VLAN policy with the port's overrides) and the group
// filter ("ip igmp profile" semantics, extended to IPv6 and to sources).
//
// Group filter rules:
//  * a deny range without source denies the group (no state is created);
//  * when `allow` holds ranges of the group's family, the group must match one;
//  * deny ranges with a source: that source is never forwarded for those groups
//    (removed from INCLUDE-type record lists; blocked in the resulting state);
//  * allow ranges with a source (and no source-less allow range matching the group)
//    restrict the group to those sources in INCLUDE mode (SSM-style policy):
//    EXCLUDE-mode joins of such a group are denied, INCLUDE lists are intersected.
#pragma once

#include <optional>
#include <string_view>

#include "agent/core/config.h"
#include "agent/core/group_state.h"
#include "agent/core/source_set.h"

namespace mcs::core {

struct EffectivePolicy {
    bool immediateLeave = false;
    const GroupFilter* filter = nullptr;   // points into the Snooper's config
    MaxGroups maxGroups;
    bool floodUnregistered = true;
    bool floodReports = false;
    bool tcnFlood = true;
    MrouterMode mrouter = MrouterMode::Auto;
};

EffectivePolicy resolvePolicy(const SnooperConfig& cfg, std::string_view portName);

bool rangeContains(const GroupRange& r, const IpAddr& group);

// What the filter says about one group.
struct GroupVerdict {
    bool denied = false;
    AddrList deniedSources;               // sorted
    std::optional<AddrList> onlySources;  // INCLUDE-only group restricted to these (sorted)
};
GroupVerdict evaluate(const GroupFilter* filter, const IpAddr& group);

// Applies a GroupVerdict to one record. nullopt = the record is denied as a whole.
// `changed` tells whether sources were removed (Cause::SourceFiltered). The caller
// still has to block v.deniedSources in the state the record produced.
std::optional<RecordIn> applyVerdict(const GroupVerdict& v, RecordIn r, bool& changed);

}  // namespace mcs::core
