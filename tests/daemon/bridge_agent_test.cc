// BridgeAgent without a kernel: frames in, what it sends and the MDB it wants out.
#include "agent/daemon/bridge_agent.h"

#include <gtest/gtest.h>

#include "agent/wire/build.h"

namespace mcs::daemon {
namespace {

struct RecordingSink : FrameSink {
    std::vector<std::pair<IfIndex, wire::Frame>> onPort;
    std::vector<wire::Frame> viaBridge;
    void sendOnPort(IfIndex port, std::span<const uint8_t> f) override {
        onPort.emplace_back(port, wire::Frame(f.begin(), f.end()));
    }
    void sendViaBridge(std::span<const uint8_t> f) override { viaBridge.emplace_back(f.begin(), f.end()); }
};

constexpr IfIndex kP1{3}, kP2{4}, kRouter{5};
const MacAddr kBridgeMac{{0x02, 0, 0, 0, 0, 0xbb}};

class BridgeAgentTest : public ::testing::Test {
protected:
    BridgeAgentTest() : agent("br0", IfIndex{2}, kBridgeMac, [](VlanId) { return VlanSettings{}; }, sink) {
        agent.setVlans({VlanId{0}}, now);
        agent.portAdded(kP1, "p1", {}, now);
        agent.portAdded(kP2, "p2", {}, now);
        agent.portAdded(kRouter, "up", {}, now);
    }
    static IpAddr ip(const char* s) { return *IpAddr::parse(s); }
    wire::Frame report(const char* host, const char* group) {
        wire::ReportSpec r;
        r.src = ip(host);
        r.records = {{wire::RecordType::ToExclude, ip(group), {}}};
        return wire::buildReport({MacAddr{{0x02, 0, 0, 0, 0, 1}}, std::nullopt}, r);
    }
    TimePoint now{seconds(1000)};
    RecordingSink sink;
    BridgeAgent agent;
};

TEST_F(BridgeAgentTest, KeepaliveQueryGoesThroughTheBridgeFromTheMarkerMac) {
    agent.onTimer(now);
    ASSERT_EQ(sink.viaBridge.size(), 1u);  // IPv4 only: no IPv6 link-local address known
    auto d = wire::decodeFrame(sink.viaBridge[0]);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->srcMac, kKeepaliveMac);
    const auto& q = std::get<wire::Query>(d->msg);
    EXPECT_TRUE(q.isGeneral());
    EXPECT_TRUE(d->src.isUnspecified());
    EXPECT_EQ(agent.counters().keepaliveQueries, 1u);
    // Not again before the interval.
    agent.onTimer(now + seconds(1));
    EXPECT_EQ(sink.viaBridge.size(), 1u);
    agent.onTimer(now + kKeepaliveInterval);
    EXPECT_EQ(sink.viaBridge.size(), 2u);
}

TEST_F(BridgeAgentTest, ReportsGoToTheRouterPortOnlyAndBecomeEntries) {
    wire::QuerySpec q;
    q.src = ip("192.0.2.254");
    q.group = IpAddr::unspecified(Family::V4);
    agent.onFrame(kRouter, std::nullopt, wire::buildQuery({MacAddr{{0x02, 0, 0, 0, 0, 9}}, std::nullopt}, q), now);
    auto ports = agent.desiredPorts();
    auto router = std::find_if(ports.begin(), ports.end(), [](auto& p) { return p.port == kRouter; });
    ASSERT_NE(router, ports.end());
    EXPECT_TRUE(router->mcastRouter);

    auto frame = report("192.0.2.11", "239.1.1.1");
    agent.onFrame(kP1, std::nullopt, frame, now);
    ASSERT_EQ(sink.onPort.size(), 1u);
    EXPECT_EQ(sink.onPort[0].first, kRouter);
    EXPECT_EQ(sink.onPort[0].second, frame);
    auto mdb = agent.desiredMdb({});
    ASSERT_EQ(mdb.size(), 1u);
    EXPECT_EQ(mdb.begin()->first.group, ip("239.1.1.1"));
    EXPECT_EQ(mdb.begin()->first.port, kP1);
    // Nobody else heard the report: no copy to p2.
    for (const auto& [p, f] : sink.onPort) EXPECT_NE(p, kP2);
}

TEST_F(BridgeAgentTest, MalformedFramesAreCountedByReason) {
    auto frame = report("192.0.2.11", "239.1.1.1");
    frame.back() ^= 0xff;  // breaks the IGMP checksum
    auto gen = agent.mdbGeneration();
    agent.onFrame(kP1, std::nullopt, frame, now);
    agent.onFrame(kP1, std::nullopt, std::span<const uint8_t>(frame.data(), 10), now);
    EXPECT_EQ(agent.counters().drops.get(wire::DropReason::BadIgmpChecksum), 1u);
    EXPECT_EQ(agent.counters().drops.get(wire::DropReason::TruncatedEthernet), 1u);
    EXPECT_TRUE(agent.desiredMdb({}).empty());
    EXPECT_EQ(agent.mdbGeneration(), gen);
}

TEST_F(BridgeAgentTest, PortRemovalDropsItsEntries) {
    agent.onFrame(kP1, std::nullopt, report("192.0.2.11", "239.1.1.1"), now);
    agent.onFrame(kP2, std::nullopt, report("192.0.2.12", "239.1.1.1"), now);
    EXPECT_EQ(agent.desiredMdb({}).size(), 2u);
    agent.portRemoved(kP1, now);
    auto mdb = agent.desiredMdb({});
    ASSERT_EQ(mdb.size(), 1u);
    EXPECT_EQ(mdb.begin()->first.port, kP2);
}

}  // namespace
}  // namespace mcs::daemon
