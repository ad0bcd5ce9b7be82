// Group address -> handle, open addressing with linear probing. Slots hold only the
// 4-byte handle (the address lives in the group record, read through `KeyOf`), so
// the index costs 5-11 bytes per group where a node-based hash map costs ~56.
// Deletion shifts the following run back (no tombstones), so lookups stay short
// under join/leave churn.
#pragma once

#include <cstdint>
#include <vector>

#include "agent/base/types.h"
#include "agent/core/slot_pool.h"

namespace mcs::core {

inline uint64_t hashAddr(const IpAddr& a) {
    // FNV-1a over the bytes (groups differ mostly in the low bytes), then a
    // multiplicative mix so the top bits used for the slot depend on all of them.
    uint64_t h = 1469598103934665603ull ^ static_cast<uint64_t>(a.family());
    for (size_t i = 0; i < a.size(); ++i) h = (h ^ a.data()[i]) * 1099511628211ull;
    return h * 0x9e3779b97f4a7c15ull;
}

class GroupIndex {
public:
    // KeyOf: uint32_t handle -> const IpAddr&.
    template <class KeyOf>
    uint32_t find(const IpAddr& a, const KeyOf& key) const {
        if (slots_.empty()) return kNil;
        for (size_t i = home(a);; i = next(i)) {
            const uint32_t h = slots_[i];
            if (h == kNil) return kNil;
            if (key(h) == a) return h;
        }
    }
    // `a` must not be present.
    template <class KeyOf>
    void insert(uint32_t handle, const IpAddr& a, const KeyOf& key) {
        if ((size_ + 1) * 4 > slots_.size() * 3) grow(key);
        size_t i = home(a);
        while (slots_[i] != kNil) i = next(i);
        slots_[i] = handle;
        ++size_;
    }
    template <class KeyOf>
    void erase(const IpAddr& a, const KeyOf& key) {
        if (slots_.empty()) return;
        size_t i = home(a);
        while (slots_[i] != kNil && key(slots_[i]) != a) i = next(i);
        if (slots_[i] == kNil) return;
        // Backward shift: move later members of the probe run into the hole unless
        // that would put them before their home slot.
        for (size_t j = next(i);; j = next(j)) {
            const uint32_t h = slots_[j];
            if (h == kNil) break;
            const size_t k = home(key(h));
            const bool movable = i <= j ? (k <= i || k > j) : (k <= i && k > j);
            if (movable) {
                slots_[i] = h;
                i = j;
            }
        }
        slots_[i] = kNil;
        --size_;
    }
    size_t size() const { return size_; }
    template <class F>
    void forEach(const F& f) const {
        for (uint32_t h : slots_)
            if (h != kNil) f(h);
    }

private:
    size_t home(const IpAddr& a) const { return static_cast<size_t>(hashAddr(a) >> shift_); }
    size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }
    template <class KeyOf>
    void grow(const KeyOf& key) {
        std::vector<uint32_t> old = std::move(slots_);
        const size_t n = old.empty() ? 64 : old.size() * 2;
        slots_.assign(n, kNil);
        shift_ = 64;
        for (size_t s = n; s > 1; s >>= 1) --shift_;
        for (uint32_t h : old) {
            if (h == kNil) continue;
            size_t i = home(key(h));
            while (slots_[i] != kNil) i = next(i);
            slots_[i] = h;
        }
    }

    std::vector<uint32_t> slots_;   // kNil = empty; size a power of two
    size_t size_ = 0;
    unsigned shift_ = 64;
};

}  // namespace mcs::core
