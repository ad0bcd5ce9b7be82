// The core's group storage: handle pool, flat address index, deadline heap. Checked
// against std::map / std::multimap references under random churn.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "agent/core/deadline_heap.h"
#include "agent/core/group_index.h"
#include "agent/core/slot_pool.h"

namespace mcs::core {
namespace {

TEST(SlotPool, ReusesDroppedHandlesAndKeepsAddresses) {
    SlotPool<std::string, 2> pool;   // chunks of 4
    std::vector<uint32_t> h;
    for (int i = 0; i < 10; ++i) h.push_back(pool.make(std::to_string(i)));
    const std::string* first = &pool[h[0]];
    for (int i = 10; i < 40; ++i) pool.make(std::to_string(i));
    EXPECT_EQ(first, &pool[h[0]]);   // more chunks, nothing moved
    EXPECT_EQ(pool[h[7]], "7");
    pool.drop(h[3]);
    EXPECT_EQ(pool.size(), 39u);
    EXPECT_EQ(pool.make("again"), h[3]);
    EXPECT_EQ(pool[h[3]], "again");
}

IpAddr v4(uint32_t i) { return IpAddr::v4(0xef000000u + i); }

TEST(GroupIndex, MatchesAReferenceMapUnderChurn) {
    std::vector<IpAddr> keyOf(1);   // handle -> address (handle 0 unused)
    auto key = [&](uint32_t h) -> const IpAddr& { return keyOf[h]; };
    GroupIndex idx;
    std::map<IpAddr, uint32_t> ref;
    std::mt19937 rng(7);
    for (int step = 0; step < 200000; ++step) {
        // IPv4 and IPv6 keys from a small space, so inserts and erases collide often.
        const auto n = static_cast<uint32_t>(rng() % 5000);
        IpAddr a = v4(n);
        if (n % 3 == 0) {
            std::array<uint8_t, 16> b{0xff, 0x0e};
            b[15] = static_cast<uint8_t>(n);
            b[14] = static_cast<uint8_t>(n >> 8);
            a = IpAddr::v6Bytes(b.data());
        }
        auto it = ref.find(a);
        if (rng() % 2) {
            if (it != ref.end()) continue;
            keyOf.push_back(a);
            const auto h = static_cast<uint32_t>(keyOf.size() - 1);
            idx.insert(h, a, key);
            ref.emplace(a, h);
        } else if (it != ref.end()) {
            idx.erase(a, key);
            ref.erase(it);
        }
        if (step % 997 == 0) {
            ASSERT_EQ(idx.size(), ref.size());
            for (const auto& [k, h] : ref) ASSERT_EQ(idx.find(k, key), h) << k.str();
            size_t seen = 0;
            idx.forEach([&](uint32_t h) {
                EXPECT_EQ(ref.at(keyOf[h]), h);
                ++seen;
            });
            ASSERT_EQ(seen, ref.size());
        }
    }
    for (uint32_t i = 0; i < 5000; ++i) EXPECT_EQ(idx.find(v4(i), key), ref.count(v4(i)) ? ref[v4(i)] : kNil);
}

TEST(GroupIndex, EmptyIndexFindsNothing) {
    GroupIndex idx;
    auto key = [](uint32_t) -> const IpAddr& { static IpAddr a; return a; };
    EXPECT_EQ(idx.find(v4(1), key), kNil);
    idx.erase(v4(1), key);
    EXPECT_EQ(idx.size(), 0u);
}

TimePoint at(int ms) { return TimePoint{} + milliseconds(ms); }

TEST(DeadlineHeap, PopsInOrderUnderMovesAndRemovals) {
    DeadlineHeap heap;
    std::map<uint32_t, TimePoint> ref;
    std::mt19937 rng(11);
    for (int step = 0; step < 100000; ++step) {
        const auto id = static_cast<uint32_t>(rng() % 3000);
        switch (rng() % 4) {
        case 0:
            heap.erase(id);
            ref.erase(id);
            break;
        default: {
            const TimePoint t = at(static_cast<int>(rng() % 100000));
            heap.set(id, t);
            ref[id] = t;
        }
        }
        if (step % 1013 == 0) {
            ASSERT_EQ(heap.size(), ref.size());
            for (const auto& [i, t] : ref) ASSERT_EQ(heap.at(i), t);
        }
    }
    std::multiset<TimePoint> want;
    for (const auto& [i, t] : ref) want.insert(t);
    for (TimePoint t : want) {
        ASSERT_FALSE(heap.empty());
        EXPECT_EQ(heap.topTime(), t);
        EXPECT_EQ(ref.at(heap.topId()), t);
        heap.erase(heap.topId());
    }
    EXPECT_TRUE(heap.empty());
    EXPECT_EQ(heap.at(5), TimePoint::max());
}

}  // namespace
}  // namespace mcs::core
