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
const MdbAttrs kNoAttrs{};  // what removals carry
}  // namespace

std::string_view to_string(MdbOp op) { return enumName(kOpNames, op); }
std::string_view to_string(OpReason r) { return enumName(kReasonNames, r); }

void planMdbOps(const MdbDelta& delta, const SgIndex& installed, MdbPlan& out) {
    std::vector<PlanStep>& plan = out.steps;
    plan.clear();
    out.fixupKeys.clear();
    plan.reserve(delta.size());
    auto fixupKey = [&](const GroupKey& g, const IpAddr& src, IfIndex port) -> const MdbKey* {
        return &out.fixupKeys.emplace_back(sgKey(g, src, port));
    };

    // Stand-alone (S,G)s that still exist once the delta's removals are done. Usually
    // the delta removes none of them and that is `installed` itself: copying it (it
    // holds every stand-alone (S,G) of the bridge) only when one goes away.
    SgIndex trimmed;
    const SgIndex* remaining = &installed;
    for (const MdbKey& k : delta.remove) {
        if (k.isStarG()) continue;
        auto it = remaining->find(groupOf(k));
        if (it == remaining->end() || !it->second.count({k.source, k.port})) continue;
        if (remaining != &trimmed) {
            trimmed = installed;
            remaining = &trimmed;
        }
        trimmed.find(groupOf(k))->second.erase({k.source, k.port});
    }
    // ... and the ones the delta adds.
    SgIndex adding;
    for (const auto& [k, a] : delta.add)
        if (!k.isStarG()) adding[groupOf(k)].insert({k.source, k.port});

    for (const MdbKey& k : delta.remove)
        if (!k.isStarG()) plan.push_back({&k, &kNoAttrs, MdbOp::Remove, OpReason::Delta});
    for (const MdbKey& k : delta.remove)
        if (k.isStarG()) plan.push_back({&k, &kNoAttrs, MdbOp::Remove, OpReason::Delta});
    for (const auto& [k, a] : delta.change) plan.push_back({&k, &a, MdbOp::Replace, OpReason::Delta});

    auto hasSg = [](const SgIndex& idx, const GroupKey& g, const IpAddr& s, IfIndex p) {
        auto it = idx.find(g);
        return it != idx.end() && it->second.count({s, p});
    };

    // STAR_EXCL leftovers: a (*,G) EXCLUDE on port P left (removed, or now INCLUDE).
    // The kernel put P on every stand-alone (S,G) of the group; drop those copies unless
    // P wants S itself (own (S,G), or S in its new INCLUDE list).
    auto cleanStale = [&](const MdbKey& star, const std::vector<IpAddr>* keepSources) {
        auto it = remaining->find(groupOf(star));
        if (it == remaining->end()) return;
        std::set<IpAddr> seen;
        for (const auto& sp : it->second) {
            const IpAddr& src = sp.first;
            if (!seen.insert(src).second) continue;
            if (hasSg(*remaining, groupOf(star), src, star.port) || hasSg(adding, groupOf(star), src, star.port))
                continue;
            if (keepSources && std::binary_search(keepSources->begin(), keepSources->end(), src)) continue;
            plan.push_back({fixupKey(groupOf(star), src, star.port), &kNoAttrs, MdbOp::Remove,
                            OpReason::StaleStarExcl});
        }
    };
    // Without stand-alone (S,G)s there is nothing to clean up or re-seat: skip the walks.
    const bool anySg = !remaining->empty();
    if (anySg) {
        for (const MdbKey& k : delta.remove)
            if (k.isStarG()) cleanStale(k, nullptr);
        for (const auto& [k, a] : delta.change)
            if (k.isStarG() && a.mode == FilterMode::Include) cleanStale(k, &a.sources);
    }

    for (const auto& [k, a] : delta.add)
        if (k.isStarG()) plan.push_back({&k, &a, MdbOp::Add, OpReason::Delta});
    for (const auto& [k, a] : delta.add)
        if (!k.isStarG()) plan.push_back({&k, &a, MdbOp::Add, OpReason::Delta});
    if (!anySg) return;

    // Re-seat: groups that gain an EXCLUDE (*,G) get one stand-alone (S,G) per source
    // deleted and added again, so the kernel copies the EXCLUDE ports onto it. Sources
    // the delta adds an (S,G) for are handled by that add (it comes after the (*,G)).
    // Only groups with a remaining stand-alone (S,G) can need it.
    std::set<GroupKey> gaining;
    auto gains = [&](const MdbKey& k, const MdbAttrs& a) {
        if (k.isStarG() && a.mode == FilterMode::Exclude && remaining->count(groupOf(k))) gaining.insert(groupOf(k));
    };
    for (const auto& [k, a] : delta.add) gains(k, a);
    for (const auto& [k, a] : delta.change) gains(k, a);
    for (const GroupKey& g : gaining) {
        auto it = remaining->find(g);
        std::set<IpAddr> done;
        auto added = adding.find(g);
        if (added != adding.end())
            for (const auto& sp : added->second) done.insert(sp.first);
        for (const auto& [src, port] : it->second) {
            if (!done.insert(src).second) continue;
            const MdbKey* k = fixupKey(g, src, port);
            plan.push_back({k, &kNoAttrs, MdbOp::Remove, OpReason::Reseat});
            plan.push_back({k, &kSgAttrs, MdbOp::Add, OpReason::Reseat});
        }
    }
}

std::vector<PlannedOp> planMdbOps(const MdbDelta& delta, const SgIndex& installed) {
    MdbPlan p;
    planMdbOps(delta, installed, p);
    std::vector<PlannedOp> v;
    v.reserve(p.steps.size());
    for (const PlanStep& s : p.steps) v.push_back({s.op, *s.key, *s.attrs, s.reason});
    return v;
}

}  // namespace mcs::bridge
