// Earliest deadline of each membership (by handle): a binary min-heap with each
// handle's position kept, so moving a deadline is O(log n) in place. 16 bytes per
// running membership plus 4 per handle, where a std::set node cost ~80.
#pragma once

#include <cstdint>
#include <vector>

#include "agent/base/time.h"
#include "agent/core/slot_pool.h"

namespace mcs::core {

class DeadlineHeap {
public:
    // TimePoint::max() (kNever) takes the handle out.
    void set(uint32_t id, TimePoint t);
    void erase(uint32_t id) { set(id, TimePoint::max()); }
    bool empty() const { return heap_.empty(); }
    TimePoint topTime() const { return heap_.front().t; }
    uint32_t topId() const { return heap_.front().id; }
    TimePoint at(uint32_t id) const {
        return id < pos_.size() && pos_[id] != kNil ? heap_[pos_[id]].t : TimePoint::max();
    }
    size_t size() const { return heap_.size(); }

private:
    struct Entry {
        TimePoint t;
        uint32_t id;
    };
    void place(size_t i, const Entry& e) {
        heap_[i] = e;
        pos_[e.id] = static_cast<uint32_t>(i);
    }
    void up(size_t i);
    void down(size_t i);

    std::vector<Entry> heap_;
    std::vector<uint32_t> pos_;   // heap index per handle, kNil = not in the heap
};

}  // namespace mcs::core
