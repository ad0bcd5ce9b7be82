// Objects addressed by 32-bit handles in chunks that never move. The per-group
// records of a Snooper link to each other (group <-> memberships, join-order lists,
// the deadline heap): handles are half the size of pointers and, unlike the nodes
// of standard containers, cost no allocation (and no malloc header) each.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace mcs::core {

inline constexpr uint32_t kNil = UINT32_MAX;

// T must be default-constructible: a free slot holds a default T, so dropping an
// object releases what it owns and the pool's destructor has nothing to track.
template <class T, uint32_t ChunkBits = 10>
class SlotPool {
public:
    static constexpr uint32_t kChunk = 1u << ChunkBits;

    // Handles of dropped objects are reused, newest first.
    template <class... A>
    uint32_t make(A&&... args) {
        uint32_t h;
        if (!free_.empty()) {
            h = free_.back();
            free_.pop_back();
        } else {
            if ((next_ >> ChunkBits) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(kChunk));
            h = next_++;
        }
        (*this)[h] = T(std::forward<A>(args)...);
        ++live_;
        return h;
    }
    void drop(uint32_t h) {
        (*this)[h] = T();
        free_.push_back(h);
        --live_;
    }
    T& operator[](uint32_t h) { return chunks_[h >> ChunkBits][h & (kChunk - 1)]; }
    const T& operator[](uint32_t h) const { return chunks_[h >> ChunkBits][h & (kChunk - 1)]; }
    size_t size() const { return live_; }

private:
    std::vector<std::unique_ptr<T[]>> chunks_;
    std::vector<uint32_t> free_;
    uint32_t next_ = 0;
    size_t live_ = 0;
};

}  // namespace mcs::core
