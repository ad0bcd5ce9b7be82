#include "agent/core/deadline_heap.h"

namespace mcs::core {

void DeadlineHeap::set(uint32_t id, TimePoint t) {
    if (id >= pos_.size()) {
        if (t == TimePoint::max()) return;
        pos_.resize(static_cast<size_t>(id) + 1, kNil);
    }
    const uint32_t p = pos_[id];
    if (t == TimePoint::max()) {
        if (p == kNil) return;
        pos_[id] = kNil;
        const Entry last = heap_.back();
        heap_.pop_back();
        if (p == heap_.size()) return;
        place(p, last);
        up(p);
        down(pos_[last.id]);
        return;
    }
    if (p == kNil) {
        heap_.push_back({t, id});
        pos_[id] = static_cast<uint32_t>(heap_.size() - 1);
        up(heap_.size() - 1);
        return;
    }
    const TimePoint old = heap_[p].t;
    heap_[p].t = t;
    if (t < old)
        up(p);
    else
        down(p);
}

void DeadlineHeap::up(size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
        const size_t parent = (i - 1) / 2;
        if (!(e.t < heap_[parent].t)) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, e);
}

void DeadlineHeap::down(size_t i) {
    const Entry e = heap_[i];
    const size_t n = heap_.size();
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && heap_[c + 1].t < heap_[c].t) ++c;
        if (!(heap_[c].t < e.t)) break;
        place(i, heap_[c]);
        i = c;
    }
    place(i, e);
}

}  // namespace mcs::core
