// Multicast router ports of one VLAN and family (RFC 4541 §2.1.1 (2)): evidence
// per port from general queries, PIMv2 hellos, MRD advertisements and
// configuration, each with its own expiry. A port is a router port while any of its
// evidence is alive.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/group_state.h"
#include "agent/core/snooper_types.h"

namespace mcs::core {

struct MrouterChange {
    IfIndex port;
    bool on;
    MrouterOrigin origin;
};

class MrouterTable {
public:
    // Learns (or refreshes) evidence until `until` (kNever = no expiry). Returns the
    // change when the port just became a router port.
    std::optional<MrouterChange> learn(IfIndex port, MrouterOrigin origin, TimePoint until);
    // Removes one kind of evidence (PIM goodbye, MRD termination, static removed).
    std::optional<MrouterChange> forget(IfIndex port, MrouterOrigin origin);
    // Removes the port's learned evidence (keepStatic) or all of it.
    std::optional<MrouterChange> dropPort(IfIndex port, bool keepStatic);
    std::vector<MrouterChange> expire(TimePoint now);
    TimePoint nextDeadline() const;

    bool isRouter(IfIndex port) const { return ports_.count(port) != 0; }
    std::vector<IfIndex> routers() const;
    std::vector<MrouterEvidence> evidence(IfIndex port) const;

private:
    static constexpr size_t kOrigins = 4;   // MrouterOrigin values
    using Expiries = std::array<TimePoint, kOrigins>;   // kStopped = no evidence
    static bool none(const Expiries& e);
    std::map<IfIndex, Expiries> ports_;
};

}  // namespace mcs::core
