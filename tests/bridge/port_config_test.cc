#include <gtest/gtest.h>
#include <poll.h>

#include "bridge/link_monitor.h"
#include "bridge/port_config.h"
#include "tests/bridge/lab.h"

namespace mcs::bridge::test {
namespace {

class PortConfigTest : public LabTest {};

TEST_F(PortConfigTest, PortRouterAndFloodReadBack) {
    addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    auto sock = NlSocket::open();
    ASSERT_TRUE(sock);

    auto before = readPortOptions(*sock, v1);
    ASSERT_TRUE(before) << before.error().str();
    EXPECT_EQ(before->mcastRouter, RouterMode::TempQuery);
    EXPECT_TRUE(before->mcastFlood);

    for (RouterMode m : {RouterMode::Permanent, RouterMode::Disabled, RouterMode::Temp, RouterMode::TempQuery}) {
        PortOptionsChange c;
        c.mcastRouter = m;
        auto st = setPortOptions(*sock, v1, c);
        ASSERT_TRUE(st) << st.error().str();
        auto now = readPortOptions(*sock, v1);
        ASSERT_TRUE(now);
        // Temp (3) reads back as 3 while its timer runs.
        EXPECT_EQ(now->mcastRouter, m) << to_string(m);
    }
    PortOptionsChange c;
    c.mcastRouter = RouterMode::Permanent;
    c.mcastFlood = false;
    c.fastLeave = true;
    ASSERT_TRUE(setPortOptions(*sock, v1, c));
    auto now = readPortOptions(*sock, v1);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->mcastRouter, RouterMode::Permanent);
    EXPECT_FALSE(now->mcastFlood);
    EXPECT_TRUE(now->fastLeave);
    // iproute2 agrees.
    auto r = run({"bridge", "-d", "link", "show", "dev", "v1"});
    EXPECT_NE(r.out.find("mcast_router 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mcast_flood off"), std::string::npos) << r.out;
}

TEST_F(PortConfigTest, InvalidValuesAreRefused) {
    addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    must({"ip", "link", "add", "x0", "type", "veth", "peer", "name", "x0p"});
    auto sock = NlSocket::open();
    PortOptionsChange c;
    c.mcastRouter = static_cast<RouterMode>(7);
    auto st = setPortOptions(*sock, v1, c);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, EINVAL);
    EXPECT_FALSE(readPortOptions(*sock, ifindexOf("x0")));  // not a bridge port
}

TEST_F(PortConfigTest, BridgeOptions) {
    const IfIndex br = addBridge("br0");
    auto sock = NlSocket::open();
    BridgeOptionsChange c;
    c.querier = true;
    c.router = RouterMode::Disabled;
    c.hashMax = 8192;
    c.igmpVersion = 3;
    c.mldVersion = 2;
    c.queryUseIfaddr = true;
    auto st = setBridgeOptions(*sock, br, c);
    ASSERT_TRUE(st) << st.error().str();
    auto s = readBridgeState(*sock, br);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->up);
    EXPECT_TRUE(s->mcast.querier);
    EXPECT_EQ(s->mcast.router, RouterMode::Disabled);
    EXPECT_EQ(s->mcast.hashMax, 8192u);
    EXPECT_EQ(s->mcast.igmpVersion, 3);
    EXPECT_EQ(s->mcast.mldVersion, 2);
    EXPECT_TRUE(s->mcast.queryUseIfaddr);

    BridgeOptionsChange off;
    off.snooping = false;
    ASSERT_TRUE(setBridgeOptions(*sock, br, off));
    EXPECT_FALSE(readBridgeState(*sock, br)->mcast.snooping);

    BridgeOptionsChange bad;
    bad.router = RouterMode::Temp;  // bridges take 0..2 only
    EXPECT_FALSE(setBridgeOptions(*sock, br, bad));
}

// The monitor sees what port_config changed.
TEST_F(PortConfigTest, MonitorSeesRouterChange) {
    addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    std::vector<LinkEvent> evs;
    auto mon = LinkMonitor::open({}, [&](const LinkEvent& e) { evs.push_back(e); });
    ASSERT_TRUE(mon);
    ASSERT_TRUE(mon->resync());
    auto sock = NlSocket::open();
    PortOptionsChange c;
    c.mcastRouter = RouterMode::Permanent;
    ASSERT_TRUE(setPortOptions(*sock, v1, c));
    ASSERT_TRUE(eventually([&] {
        pollfd p{mon->fd(), POLLIN, 0};
        ::poll(&p, 1, 10);
        mon->process();
        return mon->ports().at(v1.value).attrs.mcastRouter == RouterMode::Permanent;
    }));
    bool saw = false;
    for (const auto& e : evs) saw |= e.type == LinkEventType::PortOptionsChanged;
    EXPECT_TRUE(saw);
}

}  // namespace
}  // namespace mcs::bridge::test
