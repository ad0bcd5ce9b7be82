#include <gtest/gtest.h>

#include "bridge/owned_record.h"
#include "tests/bridge/mdb_fixture.h"

namespace mcs::bridge::test {
namespace {

class MdbReaderTest : public MdbTest {};

// Four kinds of entries side by side: ours (writer), an administrator's permanent one,
// one the kernel learned from a real host's IGMP report, and a host (bridge) entry.
TEST_F(MdbReaderTest, TellsOursKernelAdminAndHostApart) {
    const IfIndex br = addBridge("br0");
    Host& h = newHost();
    const IfIndex v1 = addPort("br0", "v1", &h);
    const IfIndex v2 = addPort("br0", "v2");
    initWriter(br);

    ASSERT_TRUE(writer_->apply(br, diff({}, {{starG("239.1.1.1", v2), {}}})).ok());
    must({"bridge", "mdb", "add", "dev", "br0", "port", "v2", "grp", "239.2.2.2", "permanent"});
    must({"bridge", "mdb", "add", "dev", "br0", "port", "br0", "grp", "239.4.4.4"});
    h.must({"ip", "addr", "add", "192.0.2.11/24", "dev", "eth0"});
    h.must({"ip", "addr", "add", "239.3.3.3/32", "dev", "eth0", "autojoin"});

    const MdbKey learned = starG("239.3.3.3", v1);
    ASSERT_TRUE(eventually([&] { return find(entries(br), learned) != nullptr; }))
        << "kernel never learned the host's join";

    auto es = entries(br);
    std::map<std::string, EntryOrigin> got;
    for (const auto& e : es)
        if (e.key.group.isV4()) got[e.key.group.str()] = classifyEntry(e, kMcsRtProt, nullptr);
    EXPECT_EQ(got["239.1.1.1"], EntryOrigin::Ours);
    EXPECT_EQ(got["239.2.2.2"], EntryOrigin::Admin);
    EXPECT_EQ(got["239.3.3.3"], EntryOrigin::Kernel);
    EXPECT_EQ(got["239.4.4.4"], EntryOrigin::Host);
    const MdbEntry* k = find(es, learned);
    EXPECT_EQ(k->state, MdbState::Temporary);
    EXPECT_EQ(k->protocol, std::optional<uint8_t>(2));
    EXPECT_GT(k->timerCs, 0u);

    // Only ours make up the owned snapshot.
    const MdbSnapshot own = ownedSnapshot(es, kMcsRtProt, nullptr);
    ASSERT_EQ(own.size(), 1u);
    EXPECT_EQ(own.begin()->first, starG("239.1.1.1", v2));
}

// Kernels without MDBE_ATTR_RTPROT: our entries read back as "static", exactly like an
// administrator's; the owned record is what tells them apart.
TEST_F(MdbReaderTest, RecordIdentifiesOursWithoutProtocol) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    KernelFeatures old = features_;
    old.rtprot = false;
    auto w = MdbWriter::open(old);
    ASSERT_TRUE(w);
    const MdbKey ours = starG("239.1.1.1", v1), admin = starG("239.2.2.2", v1);
    ASSERT_TRUE(w->apply(br, diff({}, {{ours, {}}})).ok());
    must({"bridge", "mdb", "add", "dev", "br0", "port", "v1", "grp", "239.2.2.2", "permanent"});

    const auto dir = std::filesystem::temp_directory_path() / ("mcs-rec-" + std::to_string(::getpid()));
    OwnedRecord rec(OwnedRecord::pathFor(dir, "br0"));
    ASSERT_TRUE(rec.save({ours}));
    auto loaded = rec.load();
    ASSERT_TRUE(loaded);
    std::filesystem::remove_all(dir);

    auto es = entries(br);
    EXPECT_EQ(find(es, ours)->protocol, std::optional<uint8_t>(4));
    EXPECT_EQ(classifyEntry(*find(es, ours), kMcsRtProt, nullptr), EntryOrigin::Admin);
    EXPECT_EQ(classifyEntry(*find(es, ours), kMcsRtProt, &loaded->keys), EntryOrigin::Ours);
    EXPECT_EQ(classifyEntry(*find(es, admin), kMcsRtProt, &loaded->keys), EntryOrigin::Admin);

    auto n = w->removeAll(br, &loaded->keys);
    ASSERT_TRUE(n) << n.error().str();
    EXPECT_EQ(*n, 1u);
    es = entries(br);
    ASSERT_EQ(es.size(), 1u);
    EXPECT_EQ(es[0].key, admin);
}

TEST_F(MdbReaderTest, FiltersByBridge) {
    const IfIndex b0 = addBridge("br0");
    const IfIndex b1 = addBridge("br1");
    addPort("br0", "v1");
    addPort("br1", "w1");
    must({"bridge", "mdb", "add", "dev", "br0", "port", "v1", "grp", "239.1.1.1", "permanent"});
    must({"bridge", "mdb", "add", "dev", "br1", "port", "w1", "grp", "239.1.1.2", "permanent"});
    must({"bridge", "mdb", "add", "dev", "br1", "port", "w1", "grp", "239.1.1.3", "permanent"});
    auto s = NlSocket::open();
    ASSERT_TRUE(s);
    auto all = readMdb(*s, std::nullopt);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->entries.size(), 3u);
    EXPECT_EQ(readMdb(*s, b0)->entries.size(), 1u);
    EXPECT_EQ(readMdb(*s, b1)->entries.size(), 2u);
}

}  // namespace
}  // namespace mcs::bridge::test
