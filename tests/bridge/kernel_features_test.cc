#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <cstdio>

#include "bridge/kernel_features.h"
#include "bridge/mdb_reader.h"
#include "tests/bridge/lab.h"

namespace mcs::bridge {
namespace {

using test::LabTest;

// Kernel version as major*100+minor, e.g. 618.
int kernelVersion() {
    utsname u{};
    uname(&u);
    int maj = 0, min = 0;
    std::sscanf(u.release, "%d.%d", &maj, &min);
    return maj * 100 + min;
}

class KernelFeaturesTest : public LabTest {};

TEST_F(KernelFeaturesTest, ProbeMatchesKernelVersionAndLeavesNoTrace) {
    const IfIndex br = addBridge("br0");
    addPort("br0", "v1");
    auto sock = NlSocket::open();
    ASSERT_TRUE(sock);
    auto f = probeKernelFeatures(*sock, br);
    ASSERT_TRUE(f) << f.error().str();
    const int v = kernelVersion();
    EXPECT_EQ(f->rtprot, v >= 603) << f->str();
    EXPECT_EQ(f->sourceLists, v >= 603) << f->str();
    EXPECT_EQ(f->sgEntries, v >= 510) << f->str();
    EXPECT_EQ(f->bulkDelete, v >= 608) << f->str();
    std::printf("[ info ] kernel %d.%02d: %s\n", v / 100, v % 100, f->str().c_str());

    auto mdb = readMdb(*sock, br);
    ASSERT_TRUE(mdb);
    EXPECT_TRUE(mdb->entries.empty());
}

// The "unsupported" branch, exercised on any kernel: an attribute type no kernel knows
// is rejected while parsing, with the ack pointing into our attribute set.
TEST_F(KernelFeaturesTest, UnknownAttributeReadsAsUnsupported) {
    const IfIndex br = addBridge("br0");
    auto sock = NlSocket::open();
    const uint8_t v = 1;
    auto r = probeMdbEntryAttr(*sock, br, 200, {&v, 1});
    ASSERT_TRUE(r) << r.error().str();
    EXPECT_FALSE(*r);
    auto mdb = readMdb(*sock, br);
    ASSERT_TRUE(mdb);
    EXPECT_TRUE(mdb->entries.empty());
}

TEST_F(KernelFeaturesTest, RefusesToGuessOnDownBridge) {
    const IfIndex br = addBridge("br0");
    test::must({"ip", "link", "set", "br0", "down"});
    auto sock = NlSocket::open();
    auto f = probeKernelFeatures(*sock, br);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, ENETDOWN);
}

TEST_F(KernelFeaturesTest, RefusesToGuessWithSnoopingOff) {
    const IfIndex br = addBridge("br0", {"mcast_snooping", "0"});
    auto sock = NlSocket::open();
    auto f = probeKernelFeatures(*sock, br);
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, EPERM);
}

TEST_F(KernelFeaturesTest, NotABridge) {
    addBridge("br0");
    addPort("br0", "v1");
    auto sock = NlSocket::open();
    auto f = probeKernelFeatures(*sock, test::ifindexOf("v1"));
    ASSERT_FALSE(f);
    EXPECT_EQ(f.error().code, ENOTTY);
}

}  // namespace
}  // namespace mcs::bridge
