// Shared helpers of the MDB tests: a lab with a netlink socket, probed features and a
// writer, plus lookups in the kernel's MDB.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "bridge/kernel_features.h"
#include "bridge/link_types.h"
#include "bridge/mdb_reader.h"
#include "bridge/mdb_writer.h"
#include "tests/bridge/lab.h"

namespace mcs::bridge::test {

inline IpAddr ip(const char* s) { return *IpAddr::parse(s); }
inline MdbKey starG(const char* g, IfIndex port, uint16_t vid = 0) {
    return {VlanId{vid}, ip(g), IpAddr::unspecified(ip(g).family()), port};
}
inline MdbKey sG(const char* g, const char* s, IfIndex port) { return {VlanId{0}, ip(g), ip(s), port}; }

class MdbTest : public LabTest {
protected:
    // Probes on `br` and opens a writer with `opts`.
    void initWriter(IfIndex br, WriterOptions opts = {}) {
        auto s = NlSocket::open();
        ASSERT_TRUE(s) << s.error().str();
        sock_.emplace(std::move(*s));
        auto f = probeKernelFeatures(*sock_, br);
        ASSERT_TRUE(f) << f.error().str();
        features_ = *f;
        auto w = MdbWriter::open(features_, opts);
        ASSERT_TRUE(w) << w.error().str();
        writer_.emplace(std::move(*w));
    }
    std::vector<MdbEntry> entries(IfIndex br) {
        auto r = readMdb(*sock_, br);
        EXPECT_TRUE(r) << r.error().str();
        return r ? r->entries : std::vector<MdbEntry>{};
    }
    static const MdbEntry* find(const std::vector<MdbEntry>& v, const MdbKey& k) {
        for (const auto& e : v)
            if (e.key == k) return &e;
        return nullptr;
    }
    BridgeMcastOptions bridgeOptions(IfIndex br);
    // Entries counted in `bridge -j mdb show` (iproute2's view, independent of ours).
    static size_t iprouteCount();

    std::optional<NlSocket> sock_;
    KernelFeatures features_;
    std::optional<MdbWriter> writer_;
};

}  // namespace mcs::bridge::test
