// Caps on everything the network can make a Snooper allocate. Every hit is
// counted (Cause::*Limit in counters.h) and handled by a documented rule; no cap
// is silent.
#pragma once

#include <cstdint>

namespace mcs::core {

struct Limits {
    // Distinct groups (both families) in the VLAN. A join for a new group beyond it
    // is refused (Cause::GroupLimitVlan). The kernel's bridge-wide hash_max (default
    // 4096) turns snooping off when exceeded, so keep the sum over VLANs below it.
    uint32_t groupsPerVlan = 4096;
    // Learned (group, port) memberships per port; beyond: refused (Cause::GroupLimitPort).
    uint32_t groupsPerPort = 1024;
    // Sources kept per (group, port) router state. Overflow rule (group_state.h,
    // "spill"): sources that do not fit are not stored; the port is switched to (or
    // kept in) EXCLUDE mode with a group timer covering them, i.e. it forwards all
    // sources that are not explicitly blocked (safe over-forwarding).
    // Blocked (EXCLUDE Y) sources that do not fit are simply forwarded.
    uint32_t sourcesPerGroup = 64;
    // Source entries over all (group, port) states of the VLAN; same spill rule.
    uint32_t sourcesPerVlan = 65536;
    // Explicitly tracked hosts per (group, port) for immediate leave. Beyond it the
    // membership counts as "untracked": immediate leave falls back to the normal
    // query-driven leave for that (group, port) (Cause::HostLimit).
    uint32_t hostsPerGroupPort = 32;
    uint32_t hostsPerVlan = 16384;
    // Group records handled per report; the rest are skipped (Cause::RecordLimit).
    uint32_t recordsPerReport = 256;
    bool operator==(const Limits&) const = default;
};

}  // namespace mcs::core
