// The desired/applied MDB as a value (FBOSS SwitchState idea): the core computes
// a snapshot, diff() yields the delta the bridge layer applies.
#pragma once

#include <compare>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/types.h"

namespace mcs {

enum class FilterMode : uint8_t { Include, Exclude };
std::string_view to_string(FilterMode m);

// One kernel MDB entry of one bridge. `source` unspecified = (*,G).
struct MdbKey {
    VlanId vid;
    IpAddr group;
    IpAddr source;     // unspecified for (*,G); for (S,G) same family as group
    IfIndex port;
    bool isStarG() const { return source.isUnspecified(); }
    auto operator<=>(const MdbKey&) const = default;
};

// Attributes of an entry. For (*,G) on kernels with source lists (>= 6.3) the
// filter mode and source list express IGMPv3/MLDv2 state; otherwise mode is
// Exclude with an empty list (plain ASM join). (S,G) entries carry Include/{}.
struct MdbAttrs {
    FilterMode mode = FilterMode::Exclude;
    std::vector<IpAddr> sources;   // sorted, unique
    bool operator==(const MdbAttrs&) const = default;
};

using MdbSnapshot = std::map<MdbKey, MdbAttrs>;

struct MdbDelta {
    std::vector<std::pair<MdbKey, MdbAttrs>> add;      // new entries
    std::vector<std::pair<MdbKey, MdbAttrs>> change;   // existing key, new attrs (NLM_F_REPLACE)
    std::vector<MdbKey> remove;
    bool empty() const { return add.empty() && change.empty() && remove.empty(); }
    size_t size() const { return add.size() + change.size() + remove.size(); }
};

// Removes come first in apply order for (S,G)/(*,G) interplay; see bridge/.
MdbDelta diff(const MdbSnapshot& applied, const MdbSnapshot& desired);

// Stable human text, one entry a line, like `ovs-appctl mdb/show` (test golden files).
std::string dump(const MdbSnapshot& s, std::string_view (*portName)(IfIndex) = nullptr);

}  // namespace mcs
