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
    static VlanSettings withKeepalive() {
        VlanSettings s;
        s.keepalive = true;
        return s;
    }
    BridgeAgentTest() : agent("br0", IfIndex{2}, kBridgeMac, [](VlanId) { return withKeepalive(); }, sink) {
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

// The runtime applies updates to a copy of what it installed; after every step that
// copy must equal the full desired MDB, while a steady-state update names only the
// groups that changed.
TEST_F(BridgeAgentTest, IncrementalUpdatesNameOnlyChangedGroupsAndAddUpToTheFullMdb) {
    MdbSnapshot applied;
    auto apply = [&](const BridgeAgent::MdbUpdate& u) {
        if (u.full) {
            applied = u.entries;
            return;
        }
        for (const auto& [vid, g] : u.groups) {
            const MdbKey first{vid, g, IpAddr::unspecified(g.family()), IfIndex{0}};
            auto it = applied.lower_bound(first);
            while (it != applied.end() && it->first.vid == vid && it->first.group == g) it = applied.erase(it);
        }
        applied.insert(u.entries.begin(), u.entries.end());
    };
    auto first = agent.desiredMdbUpdate({}, false);
    EXPECT_TRUE(first.full);  // nothing known yet
    apply(first);

    for (int i = 0; i < 50; ++i) {
        auto group = "239.1.0." + std::to_string(i + 1);
        agent.onFrame(kP1, std::nullopt, report("192.0.2.11", group.c_str()), now);
    }
    auto u = agent.desiredMdbUpdate({}, false);
    EXPECT_FALSE(u.full);
    EXPECT_EQ(u.groups.size(), 50u);
    apply(u);
    EXPECT_EQ(applied, agent.desiredMdb({}));

    // One more member of one group: one group named, with both of its entries.
    agent.onFrame(kP2, std::nullopt, report("192.0.2.12", "239.1.0.7"), now);
    u = agent.desiredMdbUpdate({}, false);
    ASSERT_FALSE(u.full);
    ASSERT_EQ(u.groups.size(), 1u);
    EXPECT_EQ(u.groups[0].second, ip("239.1.0.7"));
    EXPECT_EQ(u.entries.size(), 2u);
    apply(u);
    EXPECT_EQ(applied, agent.desiredMdb({}));

    // Nothing happened: nothing named.
    u = agent.desiredMdbUpdate({}, false);
    EXPECT_FALSE(u.full);
    EXPECT_TRUE(u.groups.empty());

    // A group that went away is named with no entries: the runtime removes them.
    agent.portRemoved(kP2, now);
    u = agent.desiredMdbUpdate({}, false);
    ASSERT_FALSE(u.full);
    ASSERT_EQ(u.groups.size(), 1u);
    apply(u);
    EXPECT_EQ(applied, agent.desiredMdb({}));
    EXPECT_EQ(applied.size(), 50u);

    // VLANs coming and going, or the caller asking: everything.
    EXPECT_TRUE(agent.desiredMdbUpdate({}, true).full);
    agent.setVlans({VlanId{0}, VlanId{5}}, now);
    u = agent.desiredMdbUpdate({}, false);
    EXPECT_TRUE(u.full);
    apply(u);
    EXPECT_EQ(applied, agent.desiredMdb({}));
    // A caps change rebuilds the snooper's snapshot: everything again.
    core::KernelCaps caps;
    caps.srcList = false;
    EXPECT_TRUE(agent.desiredMdbUpdate(caps, false).full);
}

// Our querier on for both families, the bridge with both addresses.
class QuerierAgentTest : public ::testing::Test {
protected:
    static VlanSettings settings() {
        VlanSettings s;
        s.querier4.enabled = true;
        s.querier6.enabled = true;
        s.querier6.version = wire::ProtoVersion::MldV2;
        return s;
    }
    QuerierAgentTest() : agent("br0", IfIndex{2}, kBridgeMac, [](VlanId) { return settings(); }, sink) {
        agent.setAddresses(ip("192.0.2.1"), ip("fe80::1"), now);
        agent.setVlans({VlanId{0}}, now);
        agent.portAdded(kP1, "p1", {}, now);
        agent.portAdded(kP2, "p2", {}, now);
        sink.onPort.clear();
        sink.viaBridge.clear();
    }
    static IpAddr ip(const char* s) { return *IpAddr::parse(s); }
    static const wire::L2& host() {
        static const wire::L2 l2{MacAddr{{0x02, 0, 0, 0, 0, 1}}, std::nullopt};
        return l2;
    }
    // The specific queries sent out of `port` since the last call.
    std::vector<wire::Query> queriesOn(IfIndex port) {
        std::vector<wire::Query> out;
        for (const auto& [p, f] : sink.onPort) {
            if (p != port) continue;
            auto d = wire::decodeFrame(f);
            if (d.ok())
                if (const auto* q = std::get_if<wire::Query>(&d->msg)) out.push_back(*q);
        }
        sink.onPort.clear();
        return out;
    }
    TimePoint now{seconds(1000)};
    RecordingSink sink;
    BridgeAgent agent;
};

// Older hosts read newer queries (RFC 3376 §7.2.1, RFC 3810 §8.2.1); the per-group
// compatibility mode changes how reports are read, not the version of our queries
// (RFC 3810 §8.3.2). An IGMPv2 query would push every v3 host on the port into v2 mode.
TEST_F(QuerierAgentTest, LeaveOfAnOlderHostIsQueriedInTheQuerierVersion) {
    wire::ReportSpec v2;
    v2.version = wire::ProtoVersion::IgmpV2;
    v2.src = ip("192.0.2.11");
    v2.records = {{wire::RecordType::IsExclude, ip("239.1.1.1"), {}}};
    agent.onFrame(kP1, std::nullopt, wire::buildReport(host(), v2), now);
    agent.onFrame(kP1, std::nullopt,
                  wire::buildLeave(host(), wire::ProtoVersion::IgmpV2, v2.src, ip("239.1.1.1")), now);
    auto q = queriesOn(kP1);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].version, wire::ProtoVersion::IgmpV3);
    EXPECT_EQ(q[0].group, ip("239.1.1.1"));

    wire::ReportSpec v1;
    v1.version = wire::ProtoVersion::MldV1;
    v1.src = ip("fe80::11");
    v1.records = {{wire::RecordType::IsExclude, ip("ff15::1:1"), {}}};
    agent.onFrame(kP2, std::nullopt, wire::buildReport(host(), v1), now);
    agent.onFrame(kP2, std::nullopt,
                  wire::buildLeave(host(), wire::ProtoVersion::MldV1, v1.src, ip("ff15::1:1")), now);
    q = queriesOn(kP2);
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].version, wire::ProtoVersion::MldV2);
    EXPECT_EQ(q[0].group, ip("ff15::1:1"));
}

// A port that starts forwarding gets a general query of each family out of it alone
// (RFC 4541 §2.1.1): not flooded, not a topology change.
TEST_F(QuerierAgentTest, PortStartingToForwardGetsItsOwnGeneralQuery) {
    const IfIndex p3{6};
    agent.portAdded(p3, "p3", {}, now + seconds(1));
    EXPECT_TRUE(sink.viaBridge.empty());
    std::vector<wire::ProtoVersion> versions;
    for (const auto& [p, f] : sink.onPort) {
        auto d = wire::decodeFrame(f);
        ASSERT_TRUE(d.ok());
        const auto* q = std::get_if<wire::Query>(&d->msg);
        if (!q) continue;   // MRD solicitations
        EXPECT_EQ(p, p3);
        EXPECT_TRUE(q->isGeneral());
        EXPECT_EQ(d->src, q->version == wire::ProtoVersion::IgmpV3 ? ip("192.0.2.1") : ip("fe80::1"));
        versions.push_back(q->version);
    }
    EXPECT_EQ(versions, (std::vector{wire::ProtoVersion::IgmpV3, wire::ProtoVersion::MldV2}));
    for (Family f : {Family::V4, Family::V6})
        EXPECT_EQ(agent.querier(VlanId{0}, f)->counters().topologyChanges, 0u);
}

// A topology change makes both queriers send a general query at once: one round, the
// TCN flood (every port a router port) lasts until the next one (tcn flood-query-count 2).
TEST_F(QuerierAgentTest, TopologyChangeQueriesOfBothFamiliesDoNotEndTheFlood) {
    agent.onTopologyChange(now + seconds(5));
    size_t general = 0;
    for (const auto& f : sink.viaBridge) {
        auto d = wire::decodeFrame(f);
        if (d.ok())
            if (const auto* q = std::get_if<wire::Query>(&d->msg)) general += q->isGeneral();
    }
    EXPECT_EQ(general, 2u);
    for (const auto& pf : agent.desiredPorts()) EXPECT_TRUE(pf.mcastRouter) << pf.port.value;
    // One change, counted once, nothing suppressed.
    for (Family f : {Family::V4, Family::V6}) {
        const auto& c = agent.querier(VlanId{0}, f)->counters();
        EXPECT_EQ(c.topologyChanges, 1u);
        EXPECT_EQ(c.topologyChangeQueriesSent, 1u);
        EXPECT_EQ(c.topologyChangeQueriesSuppressed, 0u);
    }
}

}  // namespace
}  // namespace mcs::daemon
