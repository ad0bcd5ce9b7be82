#include "agent/daemon/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace mcs::daemon {
namespace {

Result<Options, std::string> parse(std::vector<const char*> args) {
    args.insert(args.begin(), "mcsnoopd");
    return parseOptions(static_cast<int>(args.size()), const_cast<char**>(args.data()));
}

TEST(Options, BridgesAndPaths) {
    auto o = parse({"--bridge", "br0", "-b", "br1", "--runtime-dir", "/tmp/x", "--no-dbus",
                    "--log", "mdb=debug", "--flush-on-exit"});
    ASSERT_TRUE(o) << o.error();
    EXPECT_EQ(o->bridges, (std::vector<std::string>{"br0", "br1"}));
    EXPECT_EQ(o->runtimeDir, "/tmp/x");
    EXPECT_FALSE(o->dbus);
    EXPECT_TRUE(o->flushOnExit);
    ASSERT_EQ(o->subsystemLevels.size(), 1u);
    EXPECT_EQ(o->subsystemLevels[0].first, "mdb");
    EXPECT_FALSE(o->logLevelGiven);
}

TEST(Options, Errors) {
    EXPECT_FALSE(parse({"--bridge"}));
    EXPECT_FALSE(parse({"--frobnicate"}));
    EXPECT_FALSE(parse({"--log", "nolevel"}));
    auto o = parse({"--check-config", "/etc/mcsnoopd/mcsnoopd.conf", "-v"});
    ASSERT_TRUE(o);
    EXPECT_EQ(*o->checkConfig, "/etc/mcsnoopd/mcsnoopd.conf");
    EXPECT_TRUE(o->verbose);
}

TEST(Options, DebuggingOptions) {
    auto o = parse({"--bridge", "br0", "--netlink-rcvbuf", "4096", "--hash-max-ceiling", "128"});
    ASSERT_TRUE(o) << o.error();
    EXPECT_EQ(o->netlinkRcvbuf, 4096);
    EXPECT_EQ(o->hashMaxCeiling, 128u);
    auto d = parse({"--bridge", "br0"});
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->netlinkRcvbuf);
    EXPECT_FALSE(d->hashMaxCeiling);
    EXPECT_FALSE(parse({"--netlink-rcvbuf", "12k"}));
    EXPECT_FALSE(parse({"--netlink-rcvbuf", "10"}));
    EXPECT_FALSE(parse({"--hash-max-ceiling", "-1"}));
    EXPECT_FALSE(parse({"--hash-max-ceiling"}));
}

}  // namespace
}  // namespace mcs::daemon
