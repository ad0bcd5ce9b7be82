// AppliedMdb (agent/daemon/applied_mdb.h), the daemon's compact copy of what it
// installed: every operation checked against a plain MdbSnapshot doing the same,
// including long erase-heavy churn (the table shifts entries back on erase and shrinks),
// and the memory it takes per entry at the 256k-group target.
#include "agent/daemon/applied_mdb.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <array>
#include <cstdio>
#include <random>

namespace mcs::daemon {
namespace {

IpAddr v4(uint32_t hostOrder) { return IpAddr::v4(hostOrder); }
IpAddr v6Group(uint32_t n, uint8_t scope = 0x0e) {
    std::array<uint8_t, 16> b{0xff, scope};
    b[12] = static_cast<uint8_t>(n >> 24);
    b[13] = static_cast<uint8_t>(n >> 16);
    b[14] = static_cast<uint8_t>(n >> 8);
    b[15] = static_cast<uint8_t>(n);
    return IpAddr::v6Bytes(b.data());
}
IpAddr v6Source(uint32_t n) {
    std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
    b[15] = static_cast<uint8_t>(n);
    b[14] = static_cast<uint8_t>(n >> 8);
    return IpAddr::v6Bytes(b.data());
}

// std::mt19937 yields uint_fast32_t (64-bit here): narrowed once, here.
struct Rng {
    std::mt19937 engine;
    uint32_t operator()() { return static_cast<uint32_t>(engine()); }
};

MdbKey star(uint16_t vid, const IpAddr& g, int port) {
    return MdbKey{VlanId{vid}, g, IpAddr::unspecified(g.family()), IfIndex{port}};
}
MdbKey sg(uint16_t vid, const IpAddr& g, const IpAddr& s, int port) {
    return MdbKey{VlanId{vid}, g, s, IfIndex{port}};
}
const MdbAttrs kPlain{};
MdbAttrs include(std::vector<IpAddr> s) { return MdbAttrs{FilterMode::Include, std::move(s)}; }
MdbAttrs exclude(std::vector<IpAddr> s) { return MdbAttrs{FilterMode::Exclude, std::move(s)}; }

// The store's content by its ordered walk; fails the test if the walk is out of order.
MdbSnapshot snapshot(const AppliedMdb& a) {
    MdbSnapshot s;
    a.forEachOrdered([&](const MdbKey& k, const MdbAttrs& at) {
        EXPECT_TRUE(s.empty() || std::prev(s.end())->first < k)
            << "out of order: " << k.group.str();
        s.emplace_hint(s.end(), k, at);
    });
    return s;
}

// Everything the store answers, compared with the reference.
void expectSame(const AppliedMdb& a, const MdbSnapshot& ref) {
    ASSERT_EQ(a.size(), ref.size());
    EXPECT_EQ(snapshot(a), ref);
    MdbSnapshot unordered;
    a.forEach(
        [&](const MdbKey& k, const MdbAttrs& at) { EXPECT_TRUE(unordered.emplace(k, at).second); });
    EXPECT_EQ(unordered, ref);
    for (const auto& [k, at] : ref) {
        const MdbAttrs* got = a.find(k);
        ASSERT_NE(got, nullptr) << k.group.str() << " port " << k.port.value;
        EXPECT_EQ(*got, at);
    }
}

// The reference's entries of one (vid, group).
MdbSnapshot groupOf(const MdbSnapshot& ref, uint16_t vid, const IpAddr& g) {
    MdbSnapshot out;
    for (auto it = ref.lower_bound(star(vid, g, 0));
         it != ref.end() && it->first.vid.value == vid && it->first.group == g; ++it)
        out.insert(*it);
    return out;
}
MdbSnapshot groupOf(const AppliedMdb& a, uint16_t vid, const IpAddr& g) {
    MdbSnapshot out;
    a.forEachInGroup(VlanId{vid}, g, [&](const MdbKey& k, const MdbAttrs& at) {
        EXPECT_TRUE(out.emplace(k, at).second);
    });
    return out;
}

TEST(AppliedMdb, StartsEmpty) {
    AppliedMdb a;
    EXPECT_TRUE(a.empty());
    EXPECT_EQ(a.find(star(0, v4(0xef010101), 3)), nullptr);
    EXPECT_FALSE(a.erase(star(0, v4(0xef010101), 3)));
    EXPECT_FALSE(a.erase(sg(0, v4(0xef010101), v4(0x0a000001), 3)));
    EXPECT_TRUE(groupOf(a, 0, v4(0xef010101)).empty());
    EXPECT_TRUE(snapshot(a).empty());
}

TEST(AppliedMdb, AssignFindErase) {
    AppliedMdb a;
    const auto k = star(0, v4(0xef010101), 3);
    a.assign(k, kPlain);
    ASSERT_NE(a.find(k), nullptr);
    EXPECT_EQ(*a.find(k), kPlain);
    EXPECT_EQ(a.size(), 1u);
    // Same group and VLAN, other port; same group, other VLAN: separate entries.
    EXPECT_EQ(a.find(star(0, v4(0xef010101), 4)), nullptr);
    EXPECT_EQ(a.find(star(5, v4(0xef010101), 3)), nullptr);
    // Attributes move to the side table and back; the entry stays one entry.
    const auto inc = include({v4(0x0a000001), v4(0x0a000002)});
    a.assign(k, inc);
    EXPECT_EQ(*a.find(k), inc);
    EXPECT_EQ(a.size(), 1u);
    a.assign(k, exclude({v4(0x0a000009)}));
    EXPECT_EQ(*a.find(k), exclude({v4(0x0a000009)}));
    a.assign(k, kPlain);
    EXPECT_EQ(*a.find(k), kPlain);
    EXPECT_EQ(a.size(), 1u);
    EXPECT_TRUE(a.erase(k));
    EXPECT_FALSE(a.erase(k));
    EXPECT_EQ(a.find(k), nullptr);
    EXPECT_TRUE(a.empty());
}

TEST(AppliedMdb, SourceSpecificEntries) {
    AppliedMdb a;
    const IpAddr g = v4(0xe8010101);  // 232.1.1.1 (SSM)
    const auto s1 = sg(0, g, v4(0x0a000001), 3);
    const auto s2 = sg(0, g, v4(0x0a000002), 3);
    const auto s1p4 = sg(0, g, v4(0x0a000001), 4);
    a.assign(s1, include({}));
    a.assign(s2, include({}));
    a.assign(s1p4, include({}));
    EXPECT_EQ(a.size(), 3u);
    EXPECT_EQ(a.find(star(0, g, 3)), nullptr);  // no (*,G) implied
    EXPECT_EQ(*a.find(s2), include({}));
    EXPECT_TRUE(a.erase(s2));
    EXPECT_EQ(a.find(s2), nullptr);
    EXPECT_EQ(a.size(), 2u);
    EXPECT_EQ(snapshot(a), (MdbSnapshot{{s1, include({})}, {s1p4, include({})}}));
}

TEST(AppliedMdb, IPv6AndIPv4WithTheSameLowBytes) {
    AppliedMdb a;
    MdbSnapshot ref;
    // ff0e::ef01:101 and 239.1.1.1 share their last four bytes; each family has its table.
    for (int port = 1; port <= 3; ++port) {
        ref[star(0, v4(0xef010101), port)] = kPlain;
        ref[star(0, v6Group(0xef010101), port)] = kPlain;
        ref[star(0, v6Group(0xef010101, 0x05), port)] = exclude({v6Source(1)});
    }
    ref[sg(0, v6Group(0xef010101), v6Source(7), 2)] = include({});
    for (const auto& [k, at] : ref) a.assign(k, at);
    expectSame(a, ref);
    EXPECT_EQ(groupOf(a, 0, v6Group(0xef010101)), groupOf(ref, 0, v6Group(0xef010101)));
    EXPECT_EQ(groupOf(a, 0, v6Group(0xef010101)).size(), 4u);
    EXPECT_EQ(groupOf(a, 0, v4(0xef010101)).size(), 3u);
}

TEST(AppliedMdb, GroupSliceHasEveryPortAndSource) {
    AppliedMdb a;
    MdbSnapshot ref;
    const IpAddr g = v4(0xef000001);
    for (int port = 1; port <= 200; ++port)
        ref[star(7, g, port)] = port % 3 ? kPlain : include({v4(0x0a000000u + uint32_t(port))});
    ref[sg(7, g, v4(0x0a000001), 5)] = include({});
    ref[sg(7, g, v4(0x0a000002), 6)] = include({});
    // Neighbours that must not show up: same group in other VLANs, other groups.
    ref[star(6, g, 1)] = kPlain;
    ref[star(8, g, 1)] = kPlain;
    ref[sg(8, g, v4(0x0a000001), 5)] = include({});
    for (uint32_t i = 2; i < 1000; ++i) ref[star(7, v4(0xef000000 + i), 1)] = kPlain;
    for (const auto& [k, at] : ref) a.assign(k, at);
    const auto slice = groupOf(a, 7, g);
    EXPECT_EQ(slice.size(), 202u);
    EXPECT_EQ(slice, groupOf(ref, 7, g));
    // Half the ports leave: the rest of the run must stay reachable.
    for (int port = 1; port <= 200; port += 2) {
        ASSERT_TRUE(a.erase(star(7, g, port)));
        ref.erase(star(7, g, port));
    }
    EXPECT_EQ(groupOf(a, 7, g), groupOf(ref, 7, g));
    expectSame(a, ref);
}

TEST(AppliedMdb, AdoptedMarks) {
    MdbSnapshot found;
    const IpAddr g1 = v4(0xef010101), g2 = v4(0xef010102);
    found[star(0, g1, 3)] = kPlain;
    found[star(0, g1, 4)] = include({v4(0x0a000001)});
    found[star(0, g2, 3)] = kPlain;
    found[sg(0, g2, v4(0x0a000002), 4)] = include({});
    AppliedMdb a;
    a.assign(star(0, v4(0xef0000ff), 9), kPlain);  // replaced by the adoption
    a.adopt(found);
    EXPECT_EQ(snapshot(a), found);
    EXPECT_EQ(a.adoptedCount(), 4u);
    for (const auto& [k, at] : found) EXPECT_TRUE(a.isAdopted(k));

    // Assign keeps the mark (only the sweep's verdict drops it).
    a.assign(star(0, g1, 3), exclude({v4(0x0a000003)}));
    EXPECT_TRUE(a.isAdopted(star(0, g1, 3)));
    // A new entry is not adopted.
    a.assign(star(0, g1, 5), kPlain);
    EXPECT_FALSE(a.isAdopted(star(0, g1, 5)));
    EXPECT_EQ(a.adoptedCount(), 4u);

    // One group: only its adopted entries are offered.
    std::vector<MdbKey> seen;
    a.sweepAdopted(VlanId{0}, g1, [&](const MdbKey& k, const MdbAttrs&) {
        seen.push_back(k);
        return k.port.value == 4;
    });
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<MdbKey>{star(0, g1, 3), star(0, g1, 4)}));
    EXPECT_FALSE(a.isAdopted(star(0, g1, 3)));
    EXPECT_TRUE(a.isAdopted(star(0, g1, 4)));
    EXPECT_EQ(a.adoptedCount(), 3u);

    // Erasing an adopted entry ends its mark; the (S,G) carries one too.
    EXPECT_TRUE(a.erase(sg(0, g2, v4(0x0a000002), 4)));
    EXPECT_EQ(a.adoptedCount(), 2u);
    size_t offered = 0;
    a.sweepAdopted([&](const MdbKey&, const MdbAttrs&) {
        ++offered;
        return false;
    });
    EXPECT_EQ(offered, 2u);
    EXPECT_EQ(a.adoptedCount(), 0u);
    a.sweepAdopted([&](const MdbKey&, const MdbAttrs&) {
        ADD_FAILURE() << "nothing is adopted";
        return true;
    });
    EXPECT_EQ(a.size(), 4u);  // marks go, entries stay
}

TEST(AppliedMdb, DeltaIsWhatDiffOfTheSnapshotsGives) {
    Rng rng{std::mt19937(7)};
    for (int round = 0; round < 20; ++round) {
        MdbSnapshot applied, desired;
        for (int i = 0; i < 400; ++i) {
            const uint16_t vid = static_cast<uint16_t>(rng() % 3);
            const IpAddr g = rng() % 4 ? v4(0xef000000 + rng() % 50) : v6Group(rng() % 50);
            const int port = 1 + static_cast<int>(rng() % 4);
            MdbKey k = star(vid, g, port);
            if (rng() % 5 == 0)
                k.source = g.isV4() ? v4(0x0a000000 + rng() % 3) : v6Source(rng() % 3);
            const MdbAttrs at =
                rng() % 4 ? kPlain : include({g.isV4() ? v4(0x0a000001) : v6Source(1)});
            if (rng() % 2) applied[k] = at;
            if (rng() % 2) desired[k] = rng() % 3 ? at : kPlain;
        }
        AppliedMdb a;
        for (const auto& [k, at] : applied) a.assign(k, at);
        const MdbDelta want = diff(applied, desired);
        const MdbDelta got = deltaTo(a, desired, nullptr);
        EXPECT_EQ(got.add, want.add);
        EXPECT_EQ(got.change, want.change);
        EXPECT_EQ(got.remove, want.remove);

        // Partial: a few groups, `desired` holding just theirs.
        std::vector<std::pair<VlanId, IpAddr>> groups;
        MdbSnapshot appliedPart, desiredPart;
        for (const auto& [k, at] : desired)
            if (rng() % 8 == 0) groups.emplace_back(k.vid, k.group);
        std::sort(groups.begin(), groups.end());
        groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
        for (const auto& [vid, g] : groups) {
            for (auto& e : groupOf(applied, vid.value, g)) appliedPart.insert(e);
            for (auto& e : groupOf(desired, vid.value, g)) desiredPart.insert(e);
        }
        const MdbDelta wantPart = diff(appliedPart, desiredPart);
        const MdbDelta gotPart = deltaTo(a, desiredPart, &groups);
        EXPECT_EQ(gotPart.add, wantPart.add);
        EXPECT_EQ(gotPart.change, wantPart.change);
        EXPECT_EQ(gotPart.remove, wantPart.remove);
    }
}

// Random assigns and erases over a key space small enough for long probe runs (many
// ports per group, groups of both families, VLANs, (S,G)s, source lists), checked
// against the reference all along; erases outnumber assigns in the second half, so the
// table shrinks through its backward shifts.
TEST(AppliedMdb, ChurnMatchesTheReference) {
    Rng rng{std::mt19937(42)};
    AppliedMdb a;
    MdbSnapshot ref;
    auto randomKey = [&] {
        const uint16_t vid = static_cast<uint16_t>(rng() % 4);
        const uint32_t n = rng() % 3000;
        const IpAddr g = n % 5 ? v4(0xef000000 + n) : v6Group(n);
        MdbKey k = star(vid, g, 1 + static_cast<int>(rng() % 24));
        if (rng() % 20 == 0) k.source = g.isV4() ? v4(0x0a000000 + rng() % 4) : v6Source(rng() % 4);
        return k;
    };
    for (int step = 0; step < 400000; ++step) {
        const bool shrinking = step >= 200000;
        const MdbKey k = randomKey();
        if (rng() % 10 < (shrinking ? 3u : 7u)) {
            const MdbAttrs at = !k.isStarG() ? include({})
                                : rng() % 10
                                    ? kPlain
                                    : include({k.group.isV4() ? v4(0x0a000001) : v6Source(1)});
            a.assign(k, at);
            ref[k] = at;
        } else {
            ASSERT_EQ(a.erase(k), ref.erase(k) == 1);
        }
        if (step % 100000 == 0) expectSame(a, ref);
        if (step % 997 == 0) {
            ASSERT_EQ(groupOf(a, k.vid.value, k.group), groupOf(ref, k.vid.value, k.group));
        }
    }
    expectSame(a, ref);
    // Everything out, in random order.
    std::vector<MdbKey> keys;
    for (const auto& [k, at] : ref) keys.push_back(k);
    std::shuffle(keys.begin(), keys.end(), rng.engine);
    for (size_t i = 0; i < keys.size(); ++i) {
        ASSERT_TRUE(a.erase(keys[i]));
        ref.erase(keys[i]);
        if (i % 20000 == 0) expectSame(a, ref);
    }
    EXPECT_TRUE(a.empty());
    EXPECT_TRUE(snapshot(a).empty());
}

TEST(AppliedMdb, ManyEntries) {
    AppliedMdb a;
    constexpr uint32_t kGroups = 100000;
    for (uint32_t i = 0; i < kGroups; ++i) {
        a.assign(star(0, v4(0xef000000 + i), 1 + int(i % 16)), kPlain);
        a.assign(star(10, v6Group(i), 1 + int(i % 16)), kPlain);
    }
    ASSERT_EQ(a.size(), 2 * kGroups);
    for (uint32_t i = 0; i < kGroups; ++i) {
        ASSERT_NE(a.find(star(0, v4(0xef000000 + i), 1 + int(i % 16))), nullptr);
        ASSERT_EQ(a.find(star(0, v4(0xef000000 + i), 1 + int((i + 1) % 16))), nullptr);
        ASSERT_NE(a.find(star(10, v6Group(i), 1 + int(i % 16))), nullptr);
    }
    size_t n = 0;
    MdbKey prev{};
    a.forEachOrdered([&](const MdbKey& k, const MdbAttrs&) {
        if (n++) {
            EXPECT_LT(prev, k);
        }
        prev = k;
    });
    EXPECT_EQ(n, 2 * kGroups);
    for (uint32_t i = 0; i < kGroups; i += 2)
        ASSERT_TRUE(a.erase(star(0, v4(0xef000000 + i), 1 + int(i % 16))));
    EXPECT_EQ(a.size(), 2 * kGroups - kGroups / 2);
    for (uint32_t i = 1; i < kGroups; i += 2)
        ASSERT_NE(a.find(star(0, v4(0xef000000 + i), 1 + int(i % 16))), nullptr);
    a.clear();
    EXPECT_TRUE(a.empty());
    EXPECT_EQ(a.find(star(10, v6Group(1), 2)), nullptr);
}

size_t heapInUse() {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;  // heap chunks in use + mmapped chunks
}

// Heap bytes per entry of `n` plain (*,G) entries, one port each (the benchmark's
// shape: group g on port g mod 8).
template <class Fill>
double bytesPerEntry(size_t n, Fill fill) {
    const size_t before = heapInUse();
    auto store = fill(n);
    const size_t after = heapInUse();
    return double(after - before) / double(n);
}

TEST(AppliedMdb, MemoryPerPlainEntryAt256k) {
    constexpr size_t kEntries = 256 * 1024;
    const double v4Bytes = bytesPerEntry(kEntries, [](size_t n) {
        AppliedMdb a;
        for (uint32_t i = 0; i < n; ++i)
            a.assign(star(0, v4(0xe8000000 + i), 1 + int(i % 8)), kPlain);
        return a;
    });
    const double v6Bytes = bytesPerEntry(kEntries, [](size_t n) {
        AppliedMdb a;
        for (uint32_t i = 0; i < n; ++i) a.assign(star(0, v6Group(i), 1 + int(i % 8)), kPlain);
        return a;
    });
    const double mapBytes = bytesPerEntry(kEntries, [](size_t n) {
        MdbSnapshot s;
        for (uint32_t i = 0; i < n; ++i)
            s.emplace(star(0, v4(0xe8000000 + i), 1 + int(i % 8)), kPlain);
        return s;
    });
    std::printf(
        "bytes per plain (*,G) entry at %zu entries: IPv4 %.1f, IPv6 %.1f (MdbSnapshot: %.1f)\n",
        kEntries, v4Bytes, v6Bytes, mapBytes);
    RecordProperty("bytes_per_entry_v4", std::to_string(v4Bytes));
    RecordProperty("bytes_per_entry_v6", std::to_string(v6Bytes));
    // Generous: the layout gives 24 (IPv4) and 48 (IPv6) at this size.
    EXPECT_LE(v4Bytes, 48.0);
    EXPECT_LE(v6Bytes, 96.0);
}

}  // namespace
}  // namespace mcs::daemon
