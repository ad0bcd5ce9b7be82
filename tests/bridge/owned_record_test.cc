#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bridge/owned_record.h"

namespace mcs::bridge {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

class OwnedRecordTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("mcs-owned-" + std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(OwnedRecordTest, RoundTrip) {
    OwnedRecord rec(OwnedRecord::pathFor(dir_ / "run", "br0"));
    EXPECT_EQ(rec.path().filename(), "owned-br0.mdb");
    std::set<MdbKey> keys{
        {VlanId{0}, ip("239.1.1.1"), IpAddr::unspecified(Family::V4), IfIndex{5}},
        {VlanId{10}, ip("239.1.1.1"), ip("192.0.2.1"), IfIndex{6}},
        {VlanId{4094}, ip("ff0e::1:2"), IpAddr::unspecified(Family::V6), IfIndex{7}},
        {VlanId{0}, ip("ff0e::1:2"), ip("2001:db8::5"), IfIndex{7}},
    };
    ASSERT_TRUE(rec.save(keys));  // creates the directory
    auto back = rec.load();
    ASSERT_TRUE(back) << back.error().str();
    EXPECT_EQ(back->keys, keys);
    EXPECT_EQ(back->badLines, 0u);
    EXPECT_FALSE(std::filesystem::exists(rec.path().string() + ".tmp"));

    keys.erase(keys.begin());
    ASSERT_TRUE(rec.save(keys));
    EXPECT_EQ(rec.load()->keys, keys);

    ASSERT_TRUE(rec.remove());
    ASSERT_TRUE(rec.remove());  // already gone: fine
    auto empty = rec.load();
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->keys.empty());
}

// Keys from a walk instead of a set (the daemon's AppliedMdb), more than one write's
// worth of text: every line arrives, in the walk's order.
TEST_F(OwnedRecordTest, SavesKeysOfAWalk) {
    OwnedRecord rec(OwnedRecord::pathFor(dir_, "br0"));
    std::set<MdbKey> keys;
    for (uint32_t i = 0; i < 20000; ++i)
        keys.insert({VlanId{static_cast<uint16_t>(i % 3)}, IpAddr::v4(0xef000000 + i),
                     IpAddr::unspecified(Family::V4), IfIndex{1 + static_cast<int>(i % 8)}});
    ASSERT_TRUE(rec.save([&](const OwnedRecord::KeyFn& f) {
        for (const MdbKey& k : keys) f(k);
    }));
    auto back = rec.load();
    ASSERT_TRUE(back) << back.error().str();
    EXPECT_EQ(back->keys, keys);
    std::ifstream in(rec.path());
    std::string header, first;
    std::getline(in, header);
    std::getline(in, first);
    EXPECT_EQ(header, "# mcsnoopd owned MDB entries v1");
    EXPECT_EQ(first, "0 239.0.0.0 * 1");
}

TEST_F(OwnedRecordTest, SkipsBadLines) {
    std::filesystem::create_directories(dir_);
    const auto p = dir_ / "owned-br0.mdb";
    std::ofstream(p) << "# mcsnoopd owned MDB entries v1\n"
                        "0 239.1.1.1 * 5\n"
                        "0 192.0.2.1 * 5\n"        // not a group
                        "5000 239.1.1.1 * 5\n"     // vid out of range
                        "0 239.1.1.1 ff0e::1 5\n"  // source family differs
                        "0 239.1.1.1 * 0\n"        // bad port
                        "garbage\n"
                        "0 239.1.1.2 192.0.2.9 6 extra\n";
    auto r = OwnedRecord(p).load();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->keys.size(), 1u);
    EXPECT_EQ(r->badLines, 6u);
}

}  // namespace
}  // namespace mcs::bridge
