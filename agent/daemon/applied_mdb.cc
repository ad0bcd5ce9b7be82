#include "agent/daemon/applied_mdb.h"

#include <algorithm>

namespace mcs::daemon {

namespace {

// Every plain (*,G) entry's attributes.
const MdbAttrs kPlain{};

bool isPlain(const MdbAttrs& a) { return a.mode == FilterMode::Exclude && a.sources.empty(); }

}  // namespace

MdbKey AppliedMdb::keyOf(const V4::Slot& s) {
    return MdbKey{VlanId{s.vid}, IpAddr::v4Bytes(s.group.data()), IpAddr::unspecified(Family::V4),
                  IfIndex{s.port}};
}

MdbKey AppliedMdb::keyOf(const V6::Slot& s) {
    return MdbKey{VlanId{s.vid}, IpAddr::v6Bytes(s.group.data()), IpAddr::unspecified(Family::V6),
                  IfIndex{s.port}};
}

const MdbAttrs& AppliedMdb::attrsOf(const MdbKey& k, uint8_t flags) const {
    if (!(flags & kAttrs)) return kPlain;
    return starAttrs_.at(k);
}

uint8_t* AppliedMdb::slotFlags(const MdbKey& k) {
    if (k.group.isV4()) {
        V4::Slot* s = v4_.find(k.vid.value, addrOf<V4>(k.group), k.port.value);
        return s ? &s->flags : nullptr;
    }
    V6::Slot* s = v6_.find(k.vid.value, addrOf<V6>(k.group), k.port.value);
    return s ? &s->flags : nullptr;
}

const uint8_t* AppliedMdb::slotFlags(const MdbKey& k) const {
    return const_cast<AppliedMdb*>(this)->slotFlags(k);
}

const MdbAttrs* AppliedMdb::find(const MdbKey& k) const {
    if (!k.isStarG()) {
        auto it = sg_.find(k);
        return it == sg_.end() ? nullptr : &it->second.attrs;
    }
    const uint8_t* flags = slotFlags(k);
    return flags ? &attrsOf(k, *flags) : nullptr;
}

void AppliedMdb::assign(const MdbKey& k, const MdbAttrs& a) {
    if (!k.isStarG()) {
        sg_[k].attrs = a;
        return;
    }
    uint8_t& flags = k.group.isV4()
                         ? v4_.insert(k.vid.value, addrOf<V4>(k.group), k.port.value).flags
                         : v6_.insert(k.vid.value, addrOf<V6>(k.group), k.port.value).flags;
    if (isPlain(a)) {
        if (flags & kAttrs) starAttrs_.erase(k);
        flags = static_cast<uint8_t>(flags & ~kAttrs);
    } else {
        starAttrs_[k] = a;
        flags = static_cast<uint8_t>(flags | kAttrs);
    }
}

bool AppliedMdb::erase(const MdbKey& k) {
    if (!k.isStarG()) {
        auto it = sg_.find(k);
        if (it == sg_.end()) return false;
        adopted_ -= it->second.adopted;
        sg_.erase(it);
        return true;
    }
    const uint8_t* found = slotFlags(k);
    if (!found) return false;
    const uint8_t flags = *found;
    if (k.group.isV4())
        v4_.erase(k.vid.value, addrOf<V4>(k.group), k.port.value);
    else
        v6_.erase(k.vid.value, addrOf<V6>(k.group), k.port.value);
    if (flags & kAttrs) starAttrs_.erase(k);
    if (flags & kAdopted) --adopted_;
    return true;
}

void AppliedMdb::clear() {
    v4_.clear();
    v6_.clear();
    starAttrs_.clear();
    sg_.clear();
    adopted_ = 0;
}

void AppliedMdb::adopt(const MdbSnapshot& found) {
    clear();
    for (const auto& [k, a] : found) {
        assign(k, a);
        if (!k.isStarG()) {
            sg_.at(k).adopted = true;
        } else {
            uint8_t* flags = slotFlags(k);
            *flags = static_cast<uint8_t>(*flags | kAdopted);
        }
    }
    adopted_ = size();
}

bool AppliedMdb::isAdopted(const MdbKey& k) const {
    if (!k.isStarG()) {
        auto it = sg_.find(k);
        return it != sg_.end() && it->second.adopted;
    }
    const uint8_t* flags = slotFlags(k);
    return flags && (*flags & kAdopted);
}

void AppliedMdb::forEachOrdered(
    const std::function<void(const MdbKey&, const MdbAttrs&)>& f) const {
    // Three sorted streams: the IPv4 and IPv6 slots (sorted indexes) and the (S,G) map.
    // MdbKey order is VLAN, then group (IPv4 before IPv6), then source (a (*,G) before
    // the group's (S,G)s), then port.
    const std::vector<uint32_t> i4 = v4_.sortedIndexes();
    const std::vector<uint32_t> i6 = v6_.sortedIndexes();
    size_t a = 0, b = 0;
    auto sg = sg_.begin();
    while (a < i4.size() || b < i6.size()) {
        const bool useV4 =
            a < i4.size() && (b == i6.size() || v4_.at(i4[a]).vid <= v6_.at(i6[b]).vid);
        const uint8_t flags = useV4 ? v4_.at(i4[a]).flags : v6_.at(i6[b]).flags;
        const MdbKey k = useV4 ? keyOf(v4_.at(i4[a])) : keyOf(v6_.at(i6[b]));
        for (; sg != sg_.end() && sg->first < k; ++sg) f(sg->first, sg->second.attrs);
        f(k, attrsOf(k, flags));
        ++(useV4 ? a : b);
    }
    for (; sg != sg_.end(); ++sg) f(sg->first, sg->second.attrs);
}

MdbDelta deltaTo(const AppliedMdb& applied, const MdbSnapshot& desired,
                 const std::vector<std::pair<VlanId, IpAddr>>* groups) {
    MdbDelta d;
    for (const auto& [k, a] : desired) {
        const MdbAttrs* have = applied.find(k);
        if (!have)
            d.add.emplace_back(k, a);
        else if (*have != a)
            d.change.emplace_back(k, a);
    }
    auto gone = [&](const MdbKey& k, const MdbAttrs&) {
        if (!desired.count(k)) d.remove.push_back(k);
    };
    if (!groups)
        applied.forEach(gone);
    else
        for (const auto& [vid, g] : *groups) applied.forEachInGroup(vid, g, gone);
    std::sort(d.remove.begin(), d.remove.end());
    return d;
}

}  // namespace mcs::daemon
