#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "bridge/port_config.h"
#include "bridge/uapi_compat.h"
#include "tests/bridge/mdb_fixture.h"

namespace mcs::bridge::test {

namespace {

using Clock = std::chrono::steady_clock;

MdbDelta adds(std::initializer_list<std::pair<MdbKey, MdbAttrs>> l) {
    MdbDelta d;
    d.add.assign(l.begin(), l.end());
    return d;
}

class MdbWriterTest : public MdbTest {};

TEST_F(MdbWriterTest, AddReplaceRemoveStarGv4AndV6) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1"), v2 = addPort("br0", "v2");
    initWriter(br);
    const MdbKey a = starG("239.1.1.1", v1), b = starG("ff0e::1:2", v2);
    auto r = writer_->apply(br, adds({{a, {}}, {b, {}}}));
    ASSERT_TRUE(r.ok()) << r.failed.front().message;
    EXPECT_EQ(r.succeeded, 2u);

    auto es = entries(br);
    ASSERT_EQ(es.size(), 2u);
    for (const MdbKey& k : {a, b}) {
        const MdbEntry* e = find(es, k);
        ASSERT_NE(e, nullptr) << k.group.str();
        EXPECT_EQ(e->state, MdbState::Permanent);
        EXPECT_EQ(e->protocol, std::optional<uint8_t>(kMcsRtProt));
        EXPECT_EQ(classifyEntry(*e, kMcsRtProt, nullptr), EntryOrigin::Ours);
    }

    // Adding again without replace is refused by the kernel, and reported per entry.
    r = writer_->apply(br, adds({{a, {}}}));
    ASSERT_EQ(r.failed.size(), 1u);
    EXPECT_EQ(r.failed[0].error, EEXIST);
    EXPECT_EQ(r.failed[0].key, a);
    EXPECT_FALSE(r.failed[0].message.empty());

    // Replace is accepted on an existing entry.
    MdbDelta ch;
    ch.change = {{a, {}}, {b, {}}};
    r = writer_->apply(br, ch);
    EXPECT_TRUE(r.ok()) << r.failed.front().message;

    MdbDelta rm;
    rm.remove = {a, b};
    r = writer_->apply(br, rm);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(entries(br).empty());
    // Deleting what is not there (EINVAL from the kernel) is not an error for us.
    r = writer_->apply(br, rm);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.succeeded, 2u);
}

TEST_F(MdbWriterTest, StandaloneSgEntries) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    const MdbKey s4 = sG("239.1.1.1", "192.0.2.10", v1), s6 = sG("ff0e::5", "2001:db8::10", v1);
    auto r = writer_->apply(br, adds({{s4, {FilterMode::Include, {}}}, {s6, {FilterMode::Include, {}}}}));
    ASSERT_TRUE(r.ok()) << r.failed.front().message;
    auto es = entries(br);
    ASSERT_NE(find(es, s4), nullptr);
    ASSERT_NE(find(es, s6), nullptr);
    EXPECT_EQ(find(es, s4)->protocol, std::optional<uint8_t>(kMcsRtProt));
    EXPECT_EQ(ownedSnapshot(es, kMcsRtProt, nullptr).size(), 2u);
    MdbDelta rm;
    rm.remove = {s4, s6};
    EXPECT_TRUE(writer_->apply(br, rm).ok());
    EXPECT_TRUE(entries(br).empty());
}

// Source lists are dumped only while the bridge runs IGMPv3 / MLDv2.
TEST_F(MdbWriterTest, StarGWithIncludeAndExcludeSourceLists) {
    const IfIndex br = addBridge("br0", {"mcast_igmp_version", "3", "mcast_mld_version", "2"});
    const IfIndex v1 = addPort("br0", "v1"), v2 = addPort("br0", "v2");
    initWriter(br);
    if (!features_.sourceLists) GTEST_SKIP() << "kernel without MDB source lists";
    MdbSnapshot want{
        {starG("239.1.1.1", v1), {FilterMode::Include, {ip("192.0.2.1"), ip("192.0.2.2")}}},
        {starG("239.1.1.1", v2), {FilterMode::Exclude, {ip("192.0.2.3")}}},
        {starG("ff0e::7", v1), {FilterMode::Include, {ip("2001:db8::1")}}},
        {starG("ff0e::7", v2), {FilterMode::Exclude, {}}},
    };
    auto r = writer_->apply(br, diff({}, want));
    ASSERT_TRUE(r.ok()) << r.failed.front().message;
    auto es = entries(br);
    const MdbEntry* inc = find(es, starG("239.1.1.1", v1));
    ASSERT_NE(inc, nullptr);
    EXPECT_EQ(inc->mode, std::optional<FilterMode>(FilterMode::Include));
    ASSERT_EQ(inc->sources.size(), 2u);
    // The kernel installs one (S,G) per listed source; EXCLUDE-list ones are blocked.
    const MdbEntry* derived = find(es, sG("239.1.1.1", "192.0.2.1", v1));
    ASSERT_NE(derived, nullptr);
    EXPECT_FALSE(derived->flags & uapi::kMdbFlagsBlocked);
    const MdbEntry* blocked = find(es, sG("239.1.1.1", "192.0.2.3", v2));
    ASSERT_NE(blocked, nullptr);
    EXPECT_TRUE(blocked->flags & uapi::kMdbFlagsBlocked);
    EXPECT_EQ(ownedSnapshot(es, kMcsRtProt, nullptr), want);

    // Replace: INCLUDE {1,2} -> {1,3}; EXCLUDE {3} -> INCLUDE {4}.
    MdbSnapshot next = want;
    next[starG("239.1.1.1", v1)] = {FilterMode::Include, {ip("192.0.2.1"), ip("192.0.2.3")}};
    next[starG("239.1.1.1", v2)] = {FilterMode::Include, {ip("192.0.2.4")}};
    MdbDelta d = diff(want, next);
    EXPECT_EQ(d.change.size(), 2u);
    r = writer_->apply(br, d);
    ASSERT_TRUE(r.ok()) << r.failed.front().message;
    es = entries(br);
    EXPECT_EQ(ownedSnapshot(es, kMcsRtProt, nullptr), next);
    EXPECT_EQ(find(es, sG("239.1.1.1", "192.0.2.2", v1)), nullptr);

    r = writer_->apply(br, diff(next, {}));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(entries(br).empty());
}

TEST_F(MdbWriterTest, TooManySourcesDegradeToExclude) {
    const IfIndex br = addBridge("br0", {"mcast_igmp_version", "3"});
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    MdbAttrs many{FilterMode::Include, {}};
    for (int i = 1; i <= 40; ++i) many.sources.push_back(IpAddr::v4(0xc0000200u + static_cast<uint32_t>(i)));
    auto r = writer_->apply(br, adds({{starG("239.1.1.1", v1), many}}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.degraded, 1u);
    auto es = entries(br);
    ASSERT_EQ(es.size(), 1u);
    EXPECT_EQ(es[0].mode, std::optional<FilterMode>(FilterMode::Exclude));
}

// One bad entry in a batch fails alone, with the kernel's reason; the rest is applied.
TEST_F(MdbWriterTest, PerEntryErrorsInOneBatch) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    test::must({"ip", "link", "add", "x0", "type", "veth", "peer", "name", "x0p"});  // not a bridge port
    const IfIndex x0 = ifindexOf("x0");
    initWriter(br);
    MdbDelta d;
    for (int i = 0; i < 100; ++i) {
        MdbKey k{VlanId{0}, IpAddr::v4(0xef020000u + static_cast<uint32_t>(i)), IpAddr::unspecified(Family::V4),
                 i == 37 ? x0 : v1};
        d.add.emplace_back(k, MdbAttrs{});
    }
    d.add.emplace_back(starG("224.0.0.5", v1), MdbAttrs{});  // link-local: refused
    auto r = writer_->apply(br, d);
    ASSERT_EQ(r.failed.size(), 2u);
    EXPECT_EQ(r.failed[0].key.port, x0);
    EXPECT_EQ(r.failed[0].error, EINVAL);
    EXPECT_NE(r.failed[0].message.find("not a bridge port"), std::string::npos) << r.failed[0].message;
    EXPECT_EQ(r.failed[1].key.group, ip("224.0.0.5"));
    EXPECT_EQ(r.succeeded, 99u);
    EXPECT_EQ(entries(br).size(), 99u);
}

// Small batch limits: each batch ends where the next message would pass a limit (count,
// or bytes with source lists of varying size), and failures in any batch still map to
// their own entries by sequence number.
TEST_F(MdbWriterTest, BatchLimitsSplitAndErrorsMapAcrossBatches) {
    const IfIndex br = addBridge("br0", {"mcast_igmp_version", "3"});
    const IfIndex v1 = addPort("br0", "v1");
    test::must({"ip", "link", "add", "x0", "type", "veth", "peer", "name", "x0p"});  // not a bridge port
    const IfIndex x0 = ifindexOf("x0");
    for (const WriterOptions& opts : {WriterOptions{.batchMessages = 7}, WriterOptions{.batchBytes = 500}}) {
        initWriter(br, opts);
        const bool lists = features_.sourceLists;
        MdbDelta d;
        std::vector<MdbKey> bad;
        for (uint32_t i = 0; i < 60; ++i) {
            const bool fail = i == 0 || i == 13 || i == 29 || i == 59;
            MdbKey k{VlanId{0}, IpAddr::v4(0xef030000u + i), IpAddr::unspecified(Family::V4), fail ? x0 : v1};
            MdbAttrs a;
            if (lists)
                for (uint32_t s = 0; s < i % 5; ++s) a.sources.push_back(IpAddr::v4(0xc0000200u + s + 1));
            if (fail) bad.push_back(k);
            d.add.emplace_back(k, a);
        }
        auto r = writer_->apply(br, d);
        EXPECT_EQ(r.attempted, 60u);
        EXPECT_EQ(r.succeeded, 56u);
        ASSERT_EQ(r.failed.size(), bad.size());
        for (size_t i = 0; i < bad.size(); ++i) {
            EXPECT_EQ(r.failed[i].key, bad[i]) << i;
            EXPECT_EQ(r.failed[i].error, EINVAL);
            EXPECT_NE(r.failed[i].message.find("not a bridge port"), std::string::npos) << r.failed[i].message;
        }
        const auto es = entries(br);
        EXPECT_EQ(ownedSnapshot(es, kMcsRtProt, nullptr).size(), 56u);
        MdbDelta rm;
        for (const auto& [k, a] : d.add) rm.remove.push_back(k);
        r = writer_->apply(br, rm);
        EXPECT_TRUE(r.ok()) << r.failed.size() << " failed";
        EXPECT_EQ(r.succeeded, 60u);
        EXPECT_TRUE(entries(br).empty());
    }
}

TEST_F(MdbWriterTest, TenThousandEntriesInBatches) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    MdbDelta d;
    for (uint32_t i = 0; i < 10000; ++i)
        d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef010000u + i), IpAddr::unspecified(Family::V4), v1},
                           MdbAttrs{});
    auto t0 = Clock::now();
    auto r = writer_->apply(br, d);
    const double addSec = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_TRUE(r.ok()) << r.failed.size() << " failed, first: " << r.failed.front().message;
    EXPECT_EQ(r.succeeded, 10000u);
    ASSERT_TRUE(r.hashMaxRaisedTo.has_value());
    const uint32_t raisedTo = *r.hashMaxRaisedTo;
    const auto opts = bridgeOptions(br);
    EXPECT_TRUE(opts.snooping);
    EXPECT_GE(opts.hashMax, 10000u * 4 / 3);

    auto es = entries(br);
    EXPECT_EQ(es.size(), 10000u);
    size_t ours = 0;
    for (const auto& e : es) ours += classifyEntry(e, kMcsRtProt, nullptr) == EntryOrigin::Ours;
    EXPECT_EQ(ours, 10000u);
    EXPECT_EQ(iprouteCount(), 10000u);

    MdbDelta rm;
    for (const auto& [k, a] : d.add) rm.remove.push_back(k);
    t0 = Clock::now();
    r = writer_->apply(br, rm);
    const double delSec = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(entries(br).empty());
    std::printf("[ info ] 10k (*,G) adds: %.1f ms (%.0f/s, incl. hash_max raise to %u); 10k removes: %.1f ms "
                "(%.0f/s)\n", addSec * 1e3, 10000 / addSec, raisedTo,
                delSec * 1e3, 10000 / delSec);
}

// Growing past the default mcast_hash_max (4096) in steps: the writer raises it first,
// so the kernel never hits E2BIG and snooping stays on throughout.
TEST_F(MdbWriterTest, HashMaxRaisedBeforeItIsReached) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    ASSERT_EQ(bridgeOptions(br).hashMax, 4096u);
    uint32_t next = 0;
    bool raised = false;
    for (int step = 0; step < 10; ++step) {
        MdbDelta d;
        for (int i = 0; i < 500; ++i, ++next)
            d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef030000u + next), IpAddr::unspecified(Family::V4), v1},
                               MdbAttrs{});
        auto r = writer_->apply(br, d);
        ASSERT_TRUE(r.ok()) << "step " << step << ": " << r.failed.size() << " failed";
        raised |= r.hashMaxRaisedTo.has_value();
        const auto o = bridgeOptions(br);
        ASSERT_TRUE(o.snooping) << "step " << step;
        ASSERT_GT(o.hashMax, next) << "step " << step;
    }
    EXPECT_TRUE(raised);
    EXPECT_EQ(entries(br).size(), 5000u);
}

// Past the configured ceiling the writer refuses adds (ENOSPC) rather than letting the
// kernel switch snooping off.
TEST_F(MdbWriterTest, CeilingRefusesInsteadOfTrippingTheKernel) {
    const IfIndex br = addBridge("br0", {"mcast_hash_max", "512"});
    const IfIndex v1 = addPort("br0", "v1");
    WriterOptions o;
    o.hashMaxCeiling = 512;
    initWriter(br, o);
    MdbDelta d;
    for (uint32_t i = 0; i < 600; ++i)
        d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef040000u + i), IpAddr::unspecified(Family::V4), v1},
                           MdbAttrs{});
    auto r = writer_->apply(br, d);
    EXPECT_FALSE(r.snoopingDisabled);
    ASSERT_FALSE(r.failed.empty());
    for (const auto& f : r.failed) EXPECT_EQ(f.error, ENOSPC);
    EXPECT_EQ(r.succeeded + r.failed.size(), 600u);
    EXPECT_LE(r.succeeded, 512u - 64u);
    EXPECT_TRUE(bridgeOptions(br).snooping);
    EXPECT_EQ(entries(br).size(), r.succeeded);
}

// If something else fills the table behind the writer's back, the kernel's E2BIG and
// its switching snooping off are detected and reported.
TEST_F(MdbWriterTest, DetectsKernelDisablingSnoopingOnE2big) {
    const IfIndex br = addBridge("br0", {"mcast_hash_max", "256"});
    const IfIndex v1 = addPort("br0", "v1");
    WriterOptions o;
    o.hashMaxCeiling = 256;
    initWriter(br, o);
    MdbDelta d;
    for (uint32_t i = 0; i < 10; ++i)
        d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef050000u + i), IpAddr::unspecified(Family::V4), v1},
                           MdbAttrs{});
    ASSERT_TRUE(writer_->apply(br, d).ok());
    // An "administrator" adds 240 more behind our back.
    std::string batch;
    for (int i = 0; i < 240; ++i)
        batch += "mdb add dev br0 port v1 grp 239.6." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1) +
                 " permanent\n";
    auto bf = std::string("/tmp/mcs-bridge-batch-") + std::to_string(::getpid());
    FILE* f = std::fopen(bf.c_str(), "w");
    std::fputs(batch.c_str(), f);
    std::fclose(f);
    test::must({"bridge", "-b", bf});
    std::remove(bf.c_str());

    d.add.clear();
    for (uint32_t i = 10; i < 30; ++i)
        d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef050000u + i), IpAddr::unspecified(Family::V4), v1},
                           MdbAttrs{});
    auto r = writer_->apply(br, d);
    EXPECT_TRUE(r.snoopingDisabled);
    bool sawE2big = false;
    for (const auto& fe : r.failed) sawE2big |= fe.error == E2BIG;
    EXPECT_TRUE(sawE2big);
    EXPECT_FALSE(bridgeOptions(br).snooping);
    // Later applies are refused up front with the same verdict.
    r = writer_->apply(br, d);
    EXPECT_TRUE(r.snoopingDisabled);
}

// (S,G) vs (*,G) ordering in IGMPv3 mode: an EXCLUDE (*,G) arriving after a stand-alone
// (S,G) must still receive S (re-seat), and its removal must not leave S flowing.
TEST_F(MdbWriterTest, SgReseatAndStarExclCleanup) {
    const IfIndex br = addBridge("br0", {"mcast_igmp_version", "3"});
    const IfIndex v1 = addPort("br0", "v1"), v2 = addPort("br0", "v2");
    initWriter(br);
    const MdbKey sg1 = sG("239.1.1.1", "192.0.2.1", v1);
    ASSERT_TRUE(writer_->apply(br, adds({{sg1, {FilterMode::Include, {}}}})).ok());

    auto r = writer_->apply(br, adds({{starG("239.1.1.1", v2), {}}}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.fixups, 2u);
    auto es = entries(br);
    const MdbEntry* copy = find(es, sG("239.1.1.1", "192.0.2.1", v2));
    ASSERT_NE(copy, nullptr) << "EXCLUDE port missing from the (S,G)";
    EXPECT_TRUE(copy->flags & uapi::kMdbFlagsStarExcl);
    EXPECT_NE(find(es, sg1), nullptr);

    MdbDelta rm;
    rm.remove = {starG("239.1.1.1", v2)};
    r = writer_->apply(br, rm);
    ASSERT_TRUE(r.ok());
    es = entries(br);
    EXPECT_EQ(find(es, sG("239.1.1.1", "192.0.2.1", v2)), nullptr) << "STAR_EXCL copy left behind";
    EXPECT_NE(find(es, sg1), nullptr);
}

TEST_F(MdbWriterTest, DownBridgeAndSnoopingOffAreReported) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    test::must({"ip", "link", "set", "br0", "type", "bridge", "mcast_snooping", "0"});
    auto r = writer_->apply(br, adds({{starG("239.1.1.1", v1), {}}}));
    EXPECT_TRUE(r.snoopingDisabled);
    ASSERT_EQ(r.failed.size(), 1u);
    test::must({"ip", "link", "set", "br0", "type", "bridge", "mcast_snooping", "1"});
    test::must({"ip", "link", "set", "br0", "down"});
    r = writer_->apply(br, adds({{starG("239.1.1.1", v1), {}}}));
    ASSERT_EQ(r.failed.size(), 1u);
    EXPECT_EQ(r.failed[0].error, ENETDOWN);
}

TEST_F(MdbWriterTest, RemoveAllLeavesOthersAlone) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    addPort("br0", "v2");
    initWriter(br);
    MdbDelta d;
    for (uint32_t i = 0; i < 20; ++i)
        d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef070000u + i), IpAddr::unspecified(Family::V4), v1},
                           MdbAttrs{});
    ASSERT_TRUE(writer_->apply(br, d).ok());
    test::must({"bridge", "mdb", "add", "dev", "br0", "port", "v2", "grp", "239.9.9.9", "permanent"});
    auto n = writer_->removeAll(br);
    ASSERT_TRUE(n) << n.error().str();
    EXPECT_EQ(*n, 20u);
    auto es = entries(br);
    ASSERT_EQ(es.size(), 1u);
    EXPECT_EQ(es[0].key.group, ip("239.9.9.9"));
}

}  // namespace
}  // namespace mcs::bridge::test
