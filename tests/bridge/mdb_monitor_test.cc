#include <gtest/gtest.h>
#include <poll.h>

#include "bridge/mdb_monitor.h"
#include "bridge/port_config.h"
#include "tests/bridge/mdb_fixture.h"

namespace mcs::bridge::test {
namespace {

class MdbMonitorTest : public MdbTest {
protected:
    void openMonitor(int rcvbuf = 8 << 20) {
        auto m = MdbMonitor::open(kMcsRtProt, [this](const MdbEvent& e) { events_.push_back(e); }, rcvbuf);
        ASSERT_TRUE(m) << m.error().str();
        mon_.emplace(std::move(*m));
    }
    bool waitFor(const std::function<bool(const MdbEvent&)>& pred) {
        return eventually([&] {
            pollfd p{mon_->fd(), POLLIN, 0};
            ::poll(&p, 1, 10);
            EXPECT_TRUE(mon_->process());
            for (const auto& e : events_)
                if (pred(e)) return true;
            return false;
        });
    }
    std::optional<MdbMonitor> mon_;
    std::vector<MdbEvent> events_;
};

TEST_F(MdbMonitorTest, SeesOursAndKernelLearnedEntries) {
    const IfIndex br = addBridge("br0");
    Host& h = newHost();
    const IfIndex v1 = addPort("br0", "v1", &h);
    const IfIndex v2 = addPort("br0", "v2");
    initWriter(br);
    openMonitor();

    const MdbKey ours = starG("239.1.1.1", v2);
    ASSERT_TRUE(writer_->apply(br, diff({}, {{ours, {}}})).ok());
    ASSERT_TRUE(waitFor([&](const MdbEvent& e) {
        return e.type == MdbEventType::EntryAdded && e.entry.key == ours && e.origin == EntryOrigin::Ours;
    }));

    h.must({"ip", "addr", "add", "192.0.2.11/24", "dev", "eth0"});
    h.must({"ip", "addr", "add", "239.3.3.3/32", "dev", "eth0", "autojoin"});
    ASSERT_TRUE(waitFor([&](const MdbEvent& e) {
        return e.type == MdbEventType::EntryAdded && e.entry.key == starG("239.3.3.3", v1) &&
               e.origin == EntryOrigin::Kernel && e.entry.bridge == br;
    })) << "kernel-learned entry not reported";

    ASSERT_TRUE(writer_->apply(br, diff({{ours, {}}}, {})).ok());
    ASSERT_TRUE(waitFor([&](const MdbEvent& e) { return e.type == MdbEventType::EntryRemoved && e.entry.key == ours; }));

    PortOptionsChange c;
    c.mcastRouter = RouterMode::Permanent;
    ASSERT_TRUE(setPortOptions(*sock_, v2, c));
    ASSERT_TRUE(waitFor([&](const MdbEvent& e) { return e.type == MdbEventType::RouterAdded && e.router.port == v2; }));
}

TEST_F(MdbMonitorTest, ReportsOverrun) {
    const IfIndex br = addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    initWriter(br);
    openMonitor(1);
    MdbDelta d;
    for (uint32_t i = 0; i < 2000; ++i)
        d.add.emplace_back(MdbKey{VlanId{0}, IpAddr::v4(0xef080000u + i), IpAddr::unspecified(Family::V4), v1},
                           MdbAttrs{});
    ASSERT_TRUE(writer_->apply(br, d).ok());
    ASSERT_TRUE(waitFor([](const MdbEvent& e) { return e.type == MdbEventType::Overrun; }));
    EXPECT_GE(mon_->stats().overruns, 1u);
    // The remedy: re-read the table.
    EXPECT_EQ(entries(br).size(), 2000u);
}

}  // namespace
}  // namespace mcs::bridge::test
