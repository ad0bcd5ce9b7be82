// Pure translation of per-port forwarding filters into kernel MDB entries, for
// what the running kernel can express (probed by bridge/, passed as KernelCaps).
//
// Input per (group, port): the effective filter, INCLUDE{sources to forward} or
// EXCLUDE{sources to block}. Output:
//  * srcList (kernel >= 6.3, MDBE_ATTR_GROUP_MODE/SRC_LIST): one (*,G) entry per
//    port carrying the filter mode and source list. The kernel keeps its (S,G) set
//    consistent itself (lab-notes "Order matters for (S,G)"). A list longer than
//    maxSources (kernel PG_SRC_ENT_LIMIT - 1 = 31 over netlink) is over-forwarded:
//    INCLUDE{too many} -> EXCLUDE{}, EXCLUDE{too many} -> EXCLUDE{first maxSources}.
//  * !srcList && sourceSpecific: INCLUDE{S..} -> one (S,G) entry per S (Include/{}),
//    EXCLUDE{...} -> (*,G) EXCLUDE{} (blocked sources are forwarded: over-forwarding).
//    When a group has both kinds of ports, the EXCLUDE ports also get the (S,G)
//    entries of every included source, because the kernel looks (S,G) up before
//    (*,G) and does not merge (*,G) ports into (S,G) entries added earlier.
//  * neither: every filter becomes (*,G) EXCLUDE{} (plain ASM join, over-forwarding).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "agent/base/mdb.h"

namespace mcs::core {

struct KernelCaps {
    bool srcList = true;
    bool sourceSpecific = true;
    uint32_t maxSources = 31;
    bool operator==(const KernelCaps&) const = default;
};

struct PortFilter {
    IfIndex port;
    FilterMode mode = FilterMode::Exclude;
    std::vector<IpAddr> sources;   // sorted, unique; INCLUDE: forwarded, EXCLUDE: blocked
};

// Appends the entries of one group (ports sorted by port) to `out`.
void appendKernelForm(MdbSnapshot& out, VlanId vid, const IpAddr& group,
                      std::span<const PortFilter> ports, const KernelCaps& caps);

}  // namespace mcs::core
