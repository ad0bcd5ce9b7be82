// Open-addressing table of (VLAN, group, port) records: the compact part of AppliedMdb
// (applied_mdb.h), one instance per address family.
//
// Why this shape:
//  - One fixed-size slot per entry in one flat array (12 B for IPv4, 24 B for IPv6),
//    at most 3/4 full (3/8 right after growing): 16-32 B per IPv4 entry where a
//    std::map node of MdbKey and MdbAttrs took ~128 B. No allocation per entry.
//  - Hashed by (VLAN, group) only, not by port: all ports of a group share a home slot,
//    so linear probing keeps them in one run, and "the entries of one group" (what a
//    report changes) is a walk from the home slot to the next free one; no second index.
//  - Deletion shifts the rest of the run back (no tombstones): joins and leaves for
//    months never lengthen the probes or need a rebuild, and every record of a group
//    stays reachable from its home slot.
//  - The array shrinks when it falls under 1/8 full, so memory follows the MDB down
//    (a large array is its own mmap, returned to the system when replaced).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mcs::daemon {

template <size_t N>  // address bytes: 4 (IPv4) or 16 (IPv6)
class GroupSlots {
    static_assert(N == 4 || N == 16);

public:
    using Addr = std::array<uint8_t, N>;  // network order: byte order is IpAddr's order
    struct Slot {
        Addr group;
        int32_t port;
        uint16_t vid;
        uint8_t flags;  // 0: free; else kUsed plus the owner's bits
    };
    static constexpr uint8_t kUsed = 1;
    static constexpr size_t kMinCapacity = 16;
    // Slot indexes are 32-bit (ordered walks sort indexes). The owner only holds what
    // the kernel accepted, far below this; past it, growing throws like a vector would.
    static constexpr size_t kMaxCapacity = size_t{1} << 31;

    size_t size() const { return size_; }
    size_t capacity() const { return slots_.size(); }

    Slot* find(uint16_t vid, const Addr& g, int32_t port) {
        return const_cast<Slot*>(std::as_const(*this).find(vid, g, port));
    }
    const Slot* find(uint16_t vid, const Addr& g, int32_t port) const {
        if (slots_.empty()) return nullptr;
        for (size_t i = home(vid, g);; i = next(i)) {
            const Slot& s = slots_[i];
            if (!s.flags) return nullptr;
            if (s.vid == vid && s.port == port && s.group == g) return &s;
        }
    }

    // The slot of (vid, g, port); a new one has no owner bits. May move every slot.
    Slot& insert(uint16_t vid, const Addr& g, int32_t port, bool* created = nullptr) {
        if (Slot* s = find(vid, g, port)) {
            if (created) *created = false;
            return *s;
        }
        if ((size_ + 1) * 4 > capacity() * 3) rehash(std::max(kMinCapacity, capacity() * 2));
        Slot& s = slots_[freeFrom(home(vid, g))];
        s = Slot{g, port, vid, kUsed};
        ++size_;
        if (created) *created = true;
        return s;
    }

    bool erase(uint16_t vid, const Addr& g, int32_t port) {
        const Slot* found = find(vid, g, port);
        if (!found) return false;
        size_t hole = static_cast<size_t>(found - slots_.data());
        // Backward shift: a later slot of the run moves into the hole unless its home
        // lies cyclically in (hole, j], where moving it would put it before its home.
        for (size_t j = next(hole);; j = next(j)) {
            const Slot& s = slots_[j];
            if (!s.flags) break;
            const size_t h = home(s.vid, s.group);
            const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (stays) continue;
            slots_[hole] = s;
            hole = j;
        }
        slots_[hole] = Slot{};
        --size_;
        if (capacity() > kMinCapacity && size_ * 8 < capacity()) rehash(capacity() / 2);
        return true;
    }

    void clear() {
        std::vector<Slot>().swap(slots_);
        size_ = 0;
    }

    // f(Slot&) for every record of (vid, g). f must not insert or erase.
    template <class F>
    void forGroup(uint16_t vid, const Addr& g, F&& f) {
        forGroupOf(*this, vid, g, f);
    }
    template <class F>
    void forGroup(uint16_t vid, const Addr& g, F&& f) const {
        forGroupOf(*this, vid, g, f);
    }
    // f(Slot&) for every record, in slot order. f must not insert or erase.
    template <class F>
    void forEach(F&& f) {
        for (Slot& s : slots_)
            if (s.flags) f(s);
    }
    template <class F>
    void forEach(F&& f) const {
        for (const Slot& s : slots_)
            if (s.flags) f(s);
    }

    const Slot& at(uint32_t i) const { return slots_[i]; }
    // Indexes of all records in (vid, group, port) order, the order of their MdbKeys.
    std::vector<uint32_t> sortedIndexes() const {
        std::vector<uint32_t> idx;
        idx.reserve(size_);
        for (size_t i = 0; i < slots_.size(); ++i)
            if (slots_[i].flags) idx.push_back(static_cast<uint32_t>(i));
        std::sort(idx.begin(), idx.end(), [this](uint32_t a, uint32_t b) {
            const Slot& x = slots_[a];
            const Slot& y = slots_[b];
            if (x.vid != y.vid) return x.vid < y.vid;
            if (const int c = std::memcmp(x.group.data(), y.group.data(), N); c != 0) return c < 0;
            return x.port < y.port;
        });
        return idx;
    }

private:
    template <class Self, class F>
    static void forGroupOf(Self& self, uint16_t vid, const Addr& g, F& f) {
        if (self.slots_.empty()) return;
        for (size_t i = self.home(vid, g);; i = self.next(i)) {
            auto& s = self.slots_[i];
            if (!s.flags) return;
            if (s.vid == vid && s.group == g) f(s);
        }
    }

    // MurmurHash3's 64-bit finalizer: IPv4 groups differ in their low bytes, IPv6
    // groups in their last ones (ff0e::...:n); every input bit must reach the mask.
    static uint64_t mix(uint64_t x) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdULL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53ULL;
        x ^= x >> 33;
        return x;
    }
    size_t home(uint16_t vid, const Addr& g) const {
        uint64_t h;
        if constexpr (N == 4) {
            uint32_t a;
            std::memcpy(&a, g.data(), 4);
            h = mix((uint64_t{a} << 16) ^ vid);
        } else {
            uint64_t a, b;
            std::memcpy(&a, g.data(), 8);
            std::memcpy(&b, g.data() + 8, 8);
            h = mix(a ^ mix(b ^ vid));
        }
        return static_cast<size_t>(h) & (slots_.size() - 1);
    }
    size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }
    size_t freeFrom(size_t i) const {
        while (slots_[i].flags) i = next(i);
        return i;
    }

    void rehash(size_t cap) {
        if (cap > kMaxCapacity) throw std::length_error("GroupSlots: too many entries");
        std::vector<Slot> old(cap, Slot{});
        old.swap(slots_);
        for (const Slot& s : old)
            if (s.flags) slots_[freeFrom(home(s.vid, s.group))] = s;
    }

    std::vector<Slot> slots_;  // size: a power of two, or 0
    size_t size_ = 0;
};

}  // namespace mcs::daemon
