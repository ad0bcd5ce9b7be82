#include "bridge/mdb_plan.h"

#include <algorithm>

#include "agent/base/enum_table.h"

namespace mcs::bridge {

namespace {
constexpr EnumTable<MdbOp, 3> kOpNames{{
    {MdbOp::Add, "add"},
    {MdbOp::Replace, "replace"},
    {MdbOp::Remove, "remove"},
}};
constexpr EnumTable<OpReason, 3> kReasonNames{{
    {OpReason::Delta, "delta"},
    {OpReason::Reseat, "reseat"},
    {OpReason::StaleStarExcl, "stale-star-excl"},
}};

using GroupKey = std::pair<VlanId, IpAddr>;
GroupKey groupOf(const MdbKey& k) { return {k.vid, k.group}; }

MdbKey sgKey(const GroupKey& g, const IpAddr& src, IfIndex port) {
    MdbKey k;
    k.vid = g.first;
    k.group = g.second;
    k.source = src;
    k.port = port;
    return k;
}

const MdbAttrs kSgAttrs{FilterMode::Include, {}};
}  // namespace

std::string_view to_string(MdbOp op) { return enumName(kOpNames, op); }
std::string_view to_string(OpReason r) { return enumName(kReasonNames, r); }

std::vector<PlannedOp> planMdbOps(const MdbDelta& delta, const SgIndex& installed) {
    std::vector<PlannedOp> plan;
    plan.reserve(delta.size());

    // Stand-alone (S,G)s that still exist once the delta's removals are done, and the
    // ones the delta adds.
    SgIndex remaining = installed;
    SgIndex adding;
    for (const MdbKey& k : delta.remove)
        if (!k.isStarG()) {
            auto it = remaining.find(groupOf(k));
            if (it != remaining.end()) it->second.erase({k.source, k.port});
        }
    for (const auto& [k, a] : delta.add)
        if (!k.isStarG()) adding[groupOf(k)].insert({k.source, k.port});

    for (const MdbKey& k : delta.remove)
        if (!k.isStarG()) plan.push_back({MdbOp::Remove, k, {}, OpReason::Delta});
    for (const MdbKey& k : delta.remove)
        if (k.isStarG()) plan.push_back({MdbOp::Remove, k, {}, OpReason::Delta});
    for (const auto& [k, a] : delta.change) plan.push_back({MdbOp::Replace, k, a, OpReason::Delta});

    auto hasSg = [](const SgIndex& idx, const GroupKey& g, const IpAddr& s, IfIndex p) {
        auto it = idx.find(g);
        return it != idx.end() && it->second.count({s, p});
    };

    // STAR_EXCL leftovers: a (*,G) EXCLUDE on port P left (removed, or now INCLUDE).
    // The kernel put P on every stand-alone (S,G) of the group; drop those copies unless
    // P wants S itself (own (S,G), or S in its new INCLUDE list).
    auto cleanStale = [&](const MdbKey& star, const std::vector<IpAddr>* keepSources) {
        auto it = remaining.find(groupOf(star));
        if (it == remaining.end()) return;
        std::set<IpAddr> seen;
        for (const auto& sp : it->second) {
            const IpAddr& src = sp.first;
            if (!seen.insert(src).second) continue;
            if (hasSg(remaining, groupOf(star), src, star.port) || hasSg(adding, groupOf(star), src, star.port))
                continue;
            if (keepSources && std::binary_search(keepSources->begin(), keepSources->end(), src)) continue;
            plan.push_back({MdbOp::Remove, sgKey(groupOf(star), src, star.port), {}, OpReason::StaleStarExcl});
        }
    };
    for (const MdbKey& k : delta.remove)
        if (k.isStarG()) cleanStale(k, nullptr);
    for (const auto& [k, a] : delta.change)
        if (k.isStarG() && a.mode == FilterMode::Include) cleanStale(k, &a.sources);

    for (const auto& [k, a] : delta.add)
        if (k.isStarG()) plan.push_back({MdbOp::Add, k, a, OpReason::Delta});
    for (const auto& [k, a] : delta.add)
        if (!k.isStarG()) plan.push_back({MdbOp::Add, k, a, OpReason::Delta});

    // Re-seat: groups that gain an EXCLUDE (*,G) get one stand-alone (S,G) per source
    // deleted and added again, so the kernel copies the EXCLUDE ports onto it. Sources
    // the delta adds an (S,G) for are handled by that add (it comes after the (*,G)).
    std::set<GroupKey> gaining;
    for (const auto& [k, a] : delta.add)
        if (k.isStarG() && a.mode == FilterMode::Exclude) gaining.insert(groupOf(k));
    for (const auto& [k, a] : delta.change)
        if (k.isStarG() && a.mode == FilterMode::Exclude) gaining.insert(groupOf(k));
    for (const GroupKey& g : gaining) {
        auto it = remaining.find(g);
        if (it == remaining.end()) continue;
        std::set<IpAddr> done;
        auto added = adding.find(g);
        if (added != adding.end())
            for (const auto& sp : added->second) done.insert(sp.first);
        for (const auto& [src, port] : it->second) {
            if (!done.insert(src).second) continue;
            const MdbKey k = sgKey(g, src, port);
            plan.push_back({MdbOp::Remove, k, {}, OpReason::Reseat});
            plan.push_back({MdbOp::Add, k, kSgAttrs, OpReason::Reseat});
        }
    }
    return plan;
}

}  // namespace mcs::bridge
