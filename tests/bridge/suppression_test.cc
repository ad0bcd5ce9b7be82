#include <gtest/gtest.h>
#include <poll.h>

#include <cstdio>

#include "bridge/mdb_reader.h"
#include "bridge/packet_socket.h"
#include "bridge/suppression.h"
#include "tests/bridge/frames.h"
#include "tests/bridge/lab.h"

namespace mcs::bridge::test {
namespace {

TEST(SuppressionRuleset, NamesAndRules) {
    EXPECT_EQ(suppressionTableName("br0"), "mcsnoopd_br0");
    EXPECT_EQ(suppressionTableName("br-lan.5"), "mcsnoopd_br_2dlan_2e5");
    EXPECT_NE(suppressionTableName("br-0"), suppressionTableName("br_0"));
    auto r = suppressionRuleset("br0", {}, SuppressionMatch::BridgeName);
    ASSERT_TRUE(r);
    const std::string& s = *r;
    EXPECT_NE(s.find("table bridge mcsnoopd_br0\ndelete table bridge mcsnoopd_br0\n"), std::string::npos);
    EXPECT_NE(s.find("type filter hook prerouting priority -300; policy accept;"), std::string::npos);
    EXPECT_NE(s.find("meta ibrname \"br0\" igmp type { membership-report-v1, membership-report-v2, "
                     "membership-report-v3, leave-group } counter drop"),
              std::string::npos);
    EXPECT_NE(s.find("icmpv6 type { mld-listener-report, mld-listener-done, mld2-listener-report } counter drop"),
              std::string::npos);
    EXPECT_EQ(s.find("query"), std::string::npos);
    EXPECT_FALSE(suppressionRuleset("br\"0", {}, SuppressionMatch::BridgeName));
    EXPECT_FALSE(suppressionRuleset("", {}, SuppressionMatch::BridgeName));

    auto p = suppressionRuleset("br0", {"v1", "v2"}, SuppressionMatch::PortNames);
    ASSERT_TRUE(p);
    EXPECT_NE(p->find("set ports {\n\t\ttype ifname\n\t\telements = { \"v1\", \"v2\" }\n\t}"), std::string::npos) << *p;
    EXPECT_NE(p->find("iifname @ports igmp type {"), std::string::npos);
    EXPECT_EQ(p->find("ibrname"), std::string::npos);
    EXPECT_FALSE(suppressionRuleset("br0", {"v\\1"}, SuppressionMatch::PortNames));
}

class SuppressionTest : public LabTest {
protected:
    // Waits until `n` matching reports were captured on s.
    bool waitReports(PacketSocket& s, size_t n, const std::function<bool(std::span<const uint8_t>)>& match) {
        size_t count = 0;
        return eventually([&] {
            pollfd p{s.fd(), POLLIN, 0};
            ::poll(&p, 1, 20);
            for (;;) {
                auto r = s.receive();
                if (!r || !*r) break;
                if (match((*r)->data)) ++count;
            }
            return count >= n;
        });
    }
    bool learned(NlSocket& sock, IfIndex br, const char* group) {
        auto m = readMdb(sock, br);
        if (!m) return false;
        for (const auto& e : m->entries)
            if (e.key.group == *IpAddr::parse(group) && !e.isHost()) return true;
        return false;
    }
};

// With the table in place a joining host creates no kernel-learned entry while our
// socket still sees its reports; without it the kernel learns again.
TEST_F(SuppressionTest, KernelStopsLearningButSocketStillSees) {
    if (!findNft()) GTEST_SKIP() << "nft not installed";
    const IfIndex br = addBridge("br0");
    Host& h = newHost();
    const IfIndex v1 = addPort("br0", "v1", &h);
    h.must({"ip", "addr", "add", "192.0.2.11/24", "dev", "eth0"});
    auto sock = NlSocket::open();
    ASSERT_TRUE(sock);
    auto ps = PacketSocket::open(v1);
    ASSERT_TRUE(ps);

    auto match = probeSuppressionMatch();
    ASSERT_TRUE(match) << match.error().str();
    std::printf("[ info ] nft suppression matches by %s\n", std::string(to_string(*match)).c_str());
    auto st = installSuppression("br0", {"v1"});
    ASSERT_TRUE(st) << st.error().str();
    ASSERT_TRUE(installSuppression("br0", {"v1"})) << "install is idempotent";
    EXPECT_TRUE(*suppressionInstalled("br0"));

    h.must({"ip", "addr", "add", "239.5.5.5/32", "dev", "eth0", "autojoin"});
    h.must({"ip", "-6", "addr", "add", "ff0e::5:5/128", "dev", "eth0", "autojoin"});
    // Linux repeats unsolicited reports (robustness 2): once the second copy has been
    // captured, the bridge has long processed (dropped) the first.
    ASSERT_TRUE(waitReports(*ps, 2, [](auto f) { return igmpV3ReportHas(f, *IpAddr::parse("239.5.5.5")); }));
    ASSERT_TRUE(waitReports(*ps, 2, [](auto f) { return mldV2ReportHas(f, *IpAddr::parse("ff0e::5:5")); }));
    EXPECT_FALSE(learned(*sock, br, "239.5.5.5"));
    EXPECT_FALSE(learned(*sock, br, "ff0e::5:5"));
    auto listing = run({"nft", "list", "table", "bridge", "mcsnoopd_br0"});
    EXPECT_EQ(listing.out.find("counter packets 0 "), std::string::npos) << listing.out;

    ASSERT_TRUE(removeSuppression("br0"));
    ASSERT_TRUE(removeSuppression("br0")) << "remove is idempotent";
    EXPECT_FALSE(*suppressionInstalled("br0"));
    h.must({"ip", "addr", "add", "239.6.6.6/32", "dev", "eth0", "autojoin"});
    EXPECT_TRUE(eventually([&] { return learned(*sock, br, "239.6.6.6"); })) << "kernel did not learn again";
}

// Only reports and leaves are dropped: a query still reaches the bridge, which marks
// the port it came in on as a router port.
TEST_F(SuppressionTest, QueriesStillReachTheBridge) {
    if (!findNft()) GTEST_SKIP() << "nft not installed";
    const IfIndex br = addBridge("br0");
    Host& h = newHost();
    const IfIndex v1 = addPort("br0", "v1", &h);
    ASSERT_TRUE(installSuppression("br0", {"v1"}));
    h.must({"ip", "addr", "add", "192.0.2.11/24", "dev", "eth0"});
    h.must({"/usr/bin/python3", "-c",
            "from scapy.all import Ether, IP, sendp, get_if_hwaddr\n"
            "from scapy.contrib.igmp import IGMP\n"
            "from scapy.layers.inet import IPOption_Router_Alert\n"
            // An explicit source MAC: the bridge drops frames from 00:00:00:00:00:00.
            "sendp(Ether(src=get_if_hwaddr('eth0'), dst='01:00:5e:00:00:01')/IP(src='192.0.2.11', dst='224.0.0.1', ttl=1,"
            " options=[IPOption_Router_Alert()])/IGMP(type=0x11, mrcode=100), iface='eth0', verbose=False)"});
    auto sock = NlSocket::open();
    EXPECT_TRUE(eventually([&] {
        auto m = readMdb(*sock, br);
        if (!m) return false;
        for (const auto& r : m->routers)
            if (r.port == v1) return true;
        return false;
    })) << "the query did not make v1 a router port";
    EXPECT_TRUE(removeSuppression("br0"));
}

}  // namespace
}  // namespace mcs::bridge::test
