#include <gtest/gtest.h>
#include <poll.h>

#include <cstdio>
#include <fstream>

#include "bridge/link_monitor.h"
#include "tests/bridge/lab.h"

namespace mcs::bridge::test {
namespace {

class LinkMonitorTest : public LabTest {
protected:
    void openMonitor(std::vector<std::string> names, int rcvbuf = 4 << 20) {
        LinkMonitorOptions o;
        o.bridgeNames = std::move(names);
        o.rcvbuf = rcvbuf;
        auto m = LinkMonitor::open(o, [this](const LinkEvent& e) { events_.push_back(e); });
        ASSERT_TRUE(m) << m.error().str();
        mon_.emplace(std::move(*m));
        ASSERT_TRUE(mon_->resync());
    }
    // Processes notifications until an event matching (type, port name) arrived.
    bool waitEvent(LinkEventType t, const std::string& portOrBridge) {
        return eventually([&] {
            pollfd p{mon_->fd(), POLLIN, 0};
            ::poll(&p, 1, 10);
            auto st = mon_->process();
            EXPECT_TRUE(st) << st.error().str();
            return has(t, portOrBridge);
        });
    }
    bool has(LinkEventType t, const std::string& name) const {
        for (const auto& e : events_)
            if (e.type == t && ((e.port && e.port->name == name) || (!e.port && e.bridge.name == name))) return true;
        return false;
    }
    std::optional<LinkMonitor> mon_;
    std::vector<LinkEvent> events_;
};

TEST_F(LinkMonitorTest, InitialStateOnlyForNamedBridges) {
    addBridge("br0");
    addBridge("br1");
    addPort("br0", "v1");
    addPort("br1", "w1");
    openMonitor({"br0"});
    EXPECT_TRUE(has(LinkEventType::BridgeAdded, "br0"));
    EXPECT_TRUE(has(LinkEventType::PortAdded, "v1"));
    EXPECT_FALSE(has(LinkEventType::BridgeAdded, "br1"));
    EXPECT_FALSE(has(LinkEventType::PortAdded, "w1"));
    ASSERT_EQ(mon_->ports().size(), 1u);
    const PortInfo& p = mon_->ports().begin()->second;
    EXPECT_EQ(p.name, "v1");
    EXPECT_TRUE(p.up);
    EXPECT_EQ(p.attrs.stp, StpState::Forwarding);
    EXPECT_EQ(p.attrs.mcastRouter, RouterMode::TempQuery);
    EXPECT_TRUE(p.vlans.empty());  // no VLAN filtering on this kernel
    const BridgeInfo& b = mon_->bridges().begin()->second;
    EXPECT_TRUE(b.mcast.snooping);
    EXPECT_EQ(b.mcast.hashMax, 4096u);
    EXPECT_FALSE(b.mcast.vlanFiltering);
    // Events for the first bridge come before its ports.
    ASSERT_GE(events_.size(), 2u);
    EXPECT_EQ(events_[0].type, LinkEventType::BridgeAdded);
}

TEST_F(LinkMonitorTest, PortLifecycleAndBridgeRemoval) {
    addBridge("br0");
    addPort("br0", "v1");
    openMonitor({"br0"});
    events_.clear();

    addPort("br0", "v2");
    ASSERT_TRUE(waitEvent(LinkEventType::PortAdded, "v2"));

    must({"ip", "link", "set", "v2", "down"});
    ASSERT_TRUE(waitEvent(LinkEventType::PortDown, "v2"));
    ASSERT_TRUE(waitEvent(LinkEventType::PortStpState, "v2"));
    EXPECT_EQ(mon_->ports().at(ifindexOf("v2").value).attrs.stp, StpState::Disabled);

    events_.clear();
    must({"ip", "link", "set", "v2", "up"});
    ASSERT_TRUE(waitEvent(LinkEventType::PortUp, "v2"));
    ASSERT_TRUE(eventually([&] {
        mon_->process();
        return mon_->ports().at(ifindexOf("v2").value).attrs.stp == StpState::Forwarding;
    }));

    // Carrier loss on the far end is a port-down too.
    events_.clear();
    must({"ip", "link", "set", "v2p", "down"});
    ASSERT_TRUE(waitEvent(LinkEventType::PortDown, "v2"));

    must({"ip", "link", "set", "v2", "nomaster"});
    ASSERT_TRUE(waitEvent(LinkEventType::PortRemoved, "v2"));
    EXPECT_EQ(mon_->ports().count(ifindexOf("v2").value), 0u);

    must({"ip", "link", "set", "br0", "type", "bridge", "mcast_querier", "1"});
    ASSERT_TRUE(waitEvent(LinkEventType::BridgeOptionsChanged, "br0"));
    EXPECT_TRUE(mon_->bridges().begin()->second.mcast.querier);

    must({"ip", "link", "set", "br0", "down"});
    ASSERT_TRUE(waitEvent(LinkEventType::BridgeDown, "br0"));

    events_.clear();
    must({"ip", "link", "del", "br0"});
    ASSERT_TRUE(waitEvent(LinkEventType::BridgeRemoved, "br0"));
    EXPECT_TRUE(has(LinkEventType::PortRemoved, "v1"));
    // The port's removal is reported before its bridge's.
    size_t portAt = 0, bridgeAt = 0;
    for (size_t i = 0; i < events_.size(); ++i) {
        if (events_[i].type == LinkEventType::PortRemoved) portAt = i;
        if (events_[i].type == LinkEventType::BridgeRemoved) bridgeAt = i;
    }
    EXPECT_LT(portAt, bridgeAt);
    EXPECT_TRUE(mon_->bridges().empty());
    EXPECT_TRUE(mon_->ports().empty());

    // A bridge created later under a watched name is picked up.
    addBridge("br0");
    ASSERT_TRUE(waitEvent(LinkEventType::BridgeAdded, "br0"));
}

// A tiny receive buffer and a burst of link changes overrun the socket: the monitor
// notices (ENOBUFS), resyncs, and ends up with the true state.
TEST_F(LinkMonitorTest, SurvivesOverrunByResync) {
    addBridge("br0");
    openMonitor({"br0"}, 1);  // the kernel rounds this up to its minimum
    const uint64_t resyncsBefore = mon_->stats().resyncs;

    const std::string batch = "/tmp/mcs-link-burst-" + std::to_string(::getpid());
    {
        std::ofstream f(batch);
        for (int i = 0; i < 60; ++i) {
            f << "link add b" << i << " type veth peer name b" << i << "p\n";
            f << "link set b" << i << " master br0\n";
            f << "link set b" << i << " up\n";
            f << "link set b" << i << "p up\n";
        }
        for (int i = 0; i < 60; i += 2) f << "link set b" << i << " nomaster\n";
    }
    must({"ip", "-b", batch});
    std::remove(batch.c_str());

    ASSERT_TRUE(eventually([&] {
        pollfd p{mon_->fd(), POLLIN, 0};
        ::poll(&p, 1, 10);
        EXPECT_TRUE(mon_->process());
        return mon_->stats().overruns > 0 && mon_->ports().size() == 30;
    })) << "overruns " << mon_->stats().overruns << " ports " << mon_->ports().size();
    EXPECT_GT(mon_->stats().resyncs, resyncsBefore);
    for (int i = 0; i < 60; ++i)
        EXPECT_EQ(mon_->ports().count(ifindexOf("b" + std::to_string(i)).value), i % 2 ? 1u : 0u) << i;
    std::printf("[ info ] overrun burst: %llu overruns, %llu resyncs, %llu messages, %llu events\n",
                static_cast<unsigned long long>(mon_->stats().overruns),
                static_cast<unsigned long long>(mon_->stats().resyncs),
                static_cast<unsigned long long>(mon_->stats().messages),
                static_cast<unsigned long long>(mon_->stats().events));
}

}  // namespace
}  // namespace mcs::bridge::test
