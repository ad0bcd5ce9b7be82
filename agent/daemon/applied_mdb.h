// What the daemon installed in one bridge's kernel MDB: the "applied" side that each
// sync compares with the agent's desired MDB (bridge_runtime.cc).
//
// Why not an MdbSnapshot (std::map<MdbKey, MdbAttrs>): at the 256k-group target it cost
// ~128 B per entry, nearly all of it map-node overhead around a few bytes of content,
// and almost every entry is a plain (*,G) EXCLUDE {} on one port. So:
//  - plain (*,G) entries are one slot each in a per-family open-addressing table keyed
//    by (VLAN, group, port) (group_slots.h): 12 B (IPv4) or 24 B (IPv6) per slot;
//  - a (*,G) with a filter mode or source list keeps its slot (flagged) and its
//    attributes in `starAttrs_`; (S,G) entries live in `sg_`. Both are rare (INCLUDE
//    state, or (S,G) entries on kernels without source lists) and keep std::map's
//    ordering, which the ordered walk merges in;
//  - the startup reconcile's "adopted" mark is a bit of the entry, not a set of keys.
// Bounded by what the kernel accepted from us: the core's group and source limits, and
// the writer's mcast_hash_max guard, bound the entries long before the table does.
#pragma once

#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/daemon/group_slots.h"

namespace mcs::daemon {

class AppliedMdb {
public:
    size_t size() const { return v4_.size() + v6_.size() + sg_.size(); }
    bool empty() const { return size() == 0; }

    // nullptr: not applied. Plain (*,G) entries all point at one shared EXCLUDE {}, so
    // the pointer is valid until the next assign, erase or clear.
    const MdbAttrs* find(const MdbKey& k) const;
    bool contains(const MdbKey& k) const { return find(k) != nullptr; }
    // Inserts or overwrites; an adopted entry stays adopted.
    void assign(const MdbKey& k, const MdbAttrs& a);
    bool erase(const MdbKey& k);
    void clear();

    // Startup reconcile: replaces everything with the entries of ours found in the
    // kernel, each marked adopted until the agent relearns it or the grace period ends.
    void adopt(const MdbSnapshot& found);
    size_t adoptedCount() const { return adopted_; }
    bool isAdopted(const MdbKey& k) const;
    // keep(key, attrs) for each adopted entry (of all, or of one group): false drops
    // the mark. keep must not change this store.
    template <class F>
    void sweepAdopted(F&& keep);
    template <class F>
    void sweepAdopted(VlanId vid, const IpAddr& group, F&& keep);

    // f(key, attrs), in no particular order; f must not change this store.
    template <class F>
    void forEach(F&& f) const;
    template <class F>
    void forEachInGroup(VlanId vid, const IpAddr& group, F&& f) const;
    // In MdbKey order (the owned-entry record, tests). Sorts an index of the slots.
    void forEachOrdered(const std::function<void(const MdbKey&, const MdbAttrs&)>& f) const;

private:
    using V4 = GroupSlots<4>;
    using V6 = GroupSlots<16>;
    // Slot bits above GroupSlots' own.
    static constexpr uint8_t kAttrs = 2;  // attributes other than EXCLUDE {}: in starAttrs_
    static constexpr uint8_t kAdopted = 4;

    struct SgEntry {
        MdbAttrs attrs;
        bool adopted = false;
    };

    static MdbKey keyOf(const V4::Slot& s);
    static MdbKey keyOf(const V6::Slot& s);
    const MdbAttrs& attrsOf(const MdbKey& k, uint8_t flags) const;
    // The slot bits of a (*,G) key; nullptr: not applied.
    uint8_t* slotFlags(const MdbKey& k);
    const uint8_t* slotFlags(const MdbKey& k) const;
    template <class Table>
    static typename Table::Addr addrOf(const IpAddr& g) {
        typename Table::Addr a;
        std::memcpy(a.data(), g.data(), a.size());
        return a;
    }
    // The first (S,G) entry of (vid, g) or later: sources sort after the unspecified one.
    template <class Map>
    static auto sgBegin(Map& m, VlanId vid, const IpAddr& g) {
        return m.lower_bound(MdbKey{vid, g, IpAddr::unspecified(g.family()), IfIndex{0}});
    }

    template <class Slot, class F>
    void sweepSlot(Slot& s, F& keep) {
        if (!(s.flags & kAdopted)) return;
        const MdbKey k = keyOf(s);
        if (keep(k, attrsOf(k, s.flags))) return;
        s.flags = static_cast<uint8_t>(s.flags & ~kAdopted);
        --adopted_;
    }
    template <class F>
    void sweepSg(const MdbKey& k, SgEntry& e, F& keep) {
        if (!e.adopted || keep(k, e.attrs)) return;
        e.adopted = false;
        --adopted_;
    }

    V4 v4_;
    V6 v6_;
    std::map<MdbKey, MdbAttrs> starAttrs_;
    std::map<MdbKey, SgEntry> sg_;
    size_t adopted_ = 0;
};

// The delta that turns `applied` into `desired`, as mcs::diff() of the two would give
// it, without a copy of `applied`: adds and changes in `desired`'s order, removes in
// key order. `groups` (a partial update: `desired` holds just these groups' entries)
// limits the removes to those groups; nullptr compares every applied entry.
MdbDelta deltaTo(const AppliedMdb& applied, const MdbSnapshot& desired,
                 const std::vector<std::pair<VlanId, IpAddr>>* groups);

// ---- templates ----

template <class F>
void AppliedMdb::sweepAdopted(F&& keep) {
    if (!adopted_) return;
    v4_.forEach([&](V4::Slot& s) { sweepSlot(s, keep); });
    v6_.forEach([&](V6::Slot& s) { sweepSlot(s, keep); });
    for (auto& [k, e] : sg_) sweepSg(k, e, keep);
}

template <class F>
void AppliedMdb::sweepAdopted(VlanId vid, const IpAddr& group, F&& keep) {
    if (!adopted_) return;
    if (group.isV4())
        v4_.forGroup(vid.value, addrOf<V4>(group), [&](V4::Slot& s) { sweepSlot(s, keep); });
    else
        v6_.forGroup(vid.value, addrOf<V6>(group), [&](V6::Slot& s) { sweepSlot(s, keep); });
    for (auto it = sgBegin(sg_, vid, group);
         it != sg_.end() && it->first.vid == vid && it->first.group == group; ++it)
        sweepSg(it->first, it->second, keep);
}

template <class F>
void AppliedMdb::forEach(F&& f) const {
    v4_.forEach([&](const V4::Slot& s) {
        const MdbKey k = keyOf(s);
        f(k, attrsOf(k, s.flags));
    });
    v6_.forEach([&](const V6::Slot& s) {
        const MdbKey k = keyOf(s);
        f(k, attrsOf(k, s.flags));
    });
    for (const auto& [k, e] : sg_) f(k, e.attrs);
}

template <class F>
void AppliedMdb::forEachInGroup(VlanId vid, const IpAddr& group, F&& f) const {
    auto each = [&](const auto& s) {
        const MdbKey k = keyOf(s);
        f(k, attrsOf(k, s.flags));
    };
    if (group.isV4())
        v4_.forGroup(vid.value, addrOf<V4>(group), each);
    else
        v6_.forGroup(vid.value, addrOf<V6>(group), each);
    for (auto it = sgBegin(sg_, vid, group);
         it != sg_.end() && it->first.vid == vid && it->first.group == group; ++it)
        f(it->first, it->second.attrs);
}

}  // namespace mcs::daemon
