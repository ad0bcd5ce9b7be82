// Orders an MdbDelta into kernel operations. Pure, so the ordering rules are
// unit-tested without a kernel.
//
// Why the order matters (kernel-bridge.md §3.2, lab-notes "Order matters for (S,G)",
// verified on 6.18 with IGMPv3 on the bridge):
//  - a new (S,G) port group gets every EXCLUDE (*,G) port of its group copied onto it
//    (br_multicast_sg_add_exclude_ports, flagged STAR_EXCL), but
//  - a new EXCLUDE (*,G) is merged only into (S,G)s that come from (*,G) *source lists*
//    (br_multicast_star_g_handle_mode walks src_list), never into stand-alone (S,G)s,
//  - and removing that (*,G) (or switching it to INCLUDE) leaves the STAR_EXCL copies
//    of stand-alone (S,G)s behind, still forwarding S to the port.
// Hence: removals first ((S,G) before (*,G)), then replacements, then (*,G) adds, then
// (S,G) adds; a stand-alone (S,G) we installed earlier is re-seated (deleted and added
// again) when its group gains an EXCLUDE (*,G), and the STAR_EXCL leftovers are deleted
// when an EXCLUDE (*,G) goes away. With source lists (6.3+) the core expresses
// IGMPv3/MLDv2 state as (*,G)+list and none of the fix-ups trigger.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/base/mdb.h"

namespace mcs::bridge {

enum class MdbOp : uint8_t { Add, Replace, Remove };
std::string_view to_string(MdbOp op);

// Why an operation is in the plan: the delta asked for it, or a fix-up for the kernel.
enum class OpReason : uint8_t { Delta, Reseat, StaleStarExcl };
std::string_view to_string(OpReason r);

struct PlannedOp {
    MdbOp op = MdbOp::Add;
    MdbKey key;
    MdbAttrs attrs;
    OpReason reason = OpReason::Delta;
    bool operator==(const PlannedOp&) const = default;
};

// Stand-alone (S,G) entries we installed on one bridge: (vid, group) -> {(source, port)}.
using SgIndex = std::map<std::pair<VlanId, IpAddr>, std::set<std::pair<IpAddr, IfIndex>>>;

// One operation by reference: the writer plans deltas of tens of thousands of entries,
// and copying every key and source list into the plan cost more than sending them.
// key/attrs point into the planned delta, or into MdbPlan::fixupKeys / a static for the
// fix-ups, so a plan is valid while its delta lives and is not changed.
struct PlanStep {
    const MdbKey* key = nullptr;
    const MdbAttrs* attrs = nullptr;
    MdbOp op = MdbOp::Add;
    OpReason reason = OpReason::Delta;
};
struct MdbPlan {
    std::vector<PlanStep> steps;
    std::deque<MdbKey> fixupKeys;  // keys of re-seat / clean-up steps (stable addresses)
};

// Replaces `out` with the plan of `delta`.
void planMdbOps(const MdbDelta& delta, const SgIndex& installed, MdbPlan& out);
// The same plan as values.
std::vector<PlannedOp> planMdbOps(const MdbDelta& delta, const SgIndex& installed);

}  // namespace mcs::bridge
