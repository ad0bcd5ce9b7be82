#include "agent/core/policy.h"

#include <algorithm>

namespace mcs::core {

using wire::RecordType;

EffectivePolicy resolvePolicy(const SnooperConfig& cfg, std::string_view portName) {
    const VlanPolicy& v = cfg.vlan;
    EffectivePolicy p{v.immediateLeave, &v.filter,  v.maxGroupsPerPort, v.floodUnregistered,
                      v.floodReports,   v.tcnFlood, MrouterMode::Auto};
    auto it = cfg.ports.find(portName);
    if (it == cfg.ports.end()) return p;
    const PortPolicy& o = it->second;
    if (o.immediateLeave) p.immediateLeave = *o.immediateLeave;
    if (o.filter) p.filter = &*o.filter;
    if (o.maxGroups) p.maxGroups = *o.maxGroups;
    if (o.floodUnregistered) p.floodUnregistered = *o.floodUnregistered;
    if (o.floodReports) p.floodReports = *o.floodReports;
    if (o.tcnFlood) p.tcnFlood = *o.tcnFlood;
    p.mrouter = o.mrouter;
    return p;
}

bool rangeContains(const GroupRange& r, const IpAddr& group) {
    if (r.prefix.family() != group.family()) return false;
    const size_t bits = group.size() * 8;
    const size_t len = std::min<size_t>(r.length, bits);
    const uint8_t* a = r.prefix.data();
    const uint8_t* b = group.data();
    const size_t full = len / 8;
    for (size_t i = 0; i < full; ++i)
        if (a[i] != b[i]) return false;
    if (const size_t rest = len % 8) {
        const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
        if ((a[full] & mask) != (b[full] & mask)) return false;
    }
    return true;
}

GroupVerdict evaluate(const GroupFilter* filter, const IpAddr& group) {
    GroupVerdict v;
    if (!filter || filter->empty()) return v;
    for (const auto& r : filter->deny) {
        if (!rangeContains(r, group)) continue;
        if (!r.source) {
            v.denied = true;
            return v;
        }
        v.deniedSources.push_back(*r.source);
    }
    bool familyHasAllow = false;
    bool groupAllowed = false;
    AddrList only;
    for (const auto& r : filter->allow) {
        if (r.prefix.family() != group.family()) continue;
        familyHasAllow = true;
        if (!rangeContains(r, group)) continue;
        if (!r.source) groupAllowed = true;
        else only.push_back(*r.source);
    }
    if (familyHasAllow && !groupAllowed && only.empty()) {
        v.denied = true;
        return v;
    }
    normalize(v.deniedSources);
    if (!groupAllowed && !only.empty()) {
        normalize(only);
        v.onlySources = minus(only, v.deniedSources);
    }
    return v;
}

std::optional<RecordIn> applyVerdict(const GroupVerdict& v, RecordIn r, bool& changed) {
    changed = false;
    if (v.denied) return std::nullopt;
    const bool excludeType = r.type == RecordType::IsExclude || r.type == RecordType::ToExclude;
    const bool blockType = r.type == RecordType::BlockOldSources;
    if (v.onlySources) {
        if (excludeType) return std::nullopt;
        if (!blockType) {
            AddrList kept = intersect(r.sources, *v.onlySources);
            changed = kept.size() != r.sources.size();
            r.sources = std::move(kept);
        }
        return r;
    }
    // Denied sources leave include-type lists here; the caller blocks them in the
    // resulting state (GroupPortState::denySource), since an EXCLUDE-mode TO_EX would
    // otherwise move a newly listed source into X (forwarded) per Table 9.
    if (v.deniedSources.empty() || blockType || excludeType) return r;
    AddrList next = minus(r.sources, v.deniedSources);
    changed = next.size() != r.sources.size();
    r.sources = std::move(next);
    return r;
}

}  // namespace mcs::core
