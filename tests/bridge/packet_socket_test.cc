#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <poll.h>

#include <vector>

#include "bridge/packet_socket.h"
#include "tests/bridge/frames.h"
#include "tests/bridge/lab.h"

namespace mcs::bridge::test {
namespace {

using Frame = std::vector<uint8_t>;

struct Captured {
    Frame bytes;
    std::optional<VlanId> vid;
    uint8_t pktType;
};

class PacketSocketTest : public LabTest {
protected:
    // Everything pending on `s`, appended to `into`.
    static void drain(PacketSocket& s, std::vector<Captured>& into) {
        for (;;) {
            auto r = s.receive();
            ASSERT_TRUE(r) << r.error().str();
            if (!*r) return;
            into.push_back({Frame((*r)->data.begin(), (*r)->data.end()), (*r)->vid, (*r)->pktType});
        }
    }
    // Waits until a captured frame satisfies pred; returns it.
    std::optional<Captured> waitFrame(PacketSocket& s, const std::function<bool(const Frame&)>& pred) {
        std::vector<Captured> seen;
        std::optional<Captured> hit;
        eventually([&] {
            pollfd p{s.fd(), POLLIN, 0};
            ::poll(&p, 1, 20);
            size_t from = seen.size();
            drain(s, seen);
            for (size_t i = from; i < seen.size(); ++i)
                if (pred(seen[i].bytes)) {
                    hit = seen[i];
                    return true;
                }
            return false;
        });
        return hit;
    }
    static MacAddr macOf(Host& h) {
        // From `ip` inside the host's namespace (sysfs would show the mounter's namespace).
        auto r = h.run({"ip", "-o", "link", "show", "dev", "eth0"});
        unsigned b[6] = {};
        const auto at = r.out.find("link/ether ");
        if (at != std::string::npos)
            std::sscanf(r.out.c_str() + at + 11, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
        MacAddr m;
        for (int i = 0; i < 6; ++i) m.b[i] = static_cast<uint8_t>(b[i]);
        return m;
    }
};

// A real Linux host joins an IPv4 and an IPv6 group; the port's socket receives its
// IGMPv3 and MLDv2 reports byte for byte as sent.
TEST_F(PacketSocketTest, ReceivesIgmpV3AndMldV2ReportsFromRealHost) {
    addBridge("br0");
    Host& h = newHost();
    const IfIndex v1 = addPort("br0", "v1", &h);
    auto s = PacketSocket::open(v1);
    ASSERT_TRUE(s) << s.error().str();
    const MacAddr hostMac = macOf(h);

    h.must({"ip", "addr", "add", "192.0.2.11/24", "dev", "eth0"});
    h.must({"ip", "addr", "add", "239.1.2.3/32", "dev", "eth0", "autojoin"});
    auto igmp = waitFrame(*s, [](const Frame& f) { return igmpV3ReportHas(f, *IpAddr::parse("239.1.2.3")); });
    ASSERT_TRUE(igmp) << "no IGMPv3 report for 239.1.2.3";
    const Frame& f = igmp->bytes;
    const Frame dst{0x01, 0x00, 0x5e, 0x00, 0x00, 0x16};  // 224.0.0.22
    EXPECT_EQ(Frame(f.begin(), f.begin() + 6), dst);
    EXPECT_EQ(Frame(f.begin() + 6, f.begin() + 12), Frame(hostMac.b.begin(), hostMac.b.end()));
    EXPECT_EQ(f[14] & 0x0f, 6);                            // IHL 6: Router Alert option
    EXPECT_EQ(IpAddr::v4Bytes(&f[26]), *IpAddr::parse("192.0.2.11"));
    EXPECT_EQ(IpAddr::v4Bytes(&f[30]), *IpAddr::parse("224.0.0.22"));
    EXPECT_FALSE(igmp->vid.has_value());
    EXPECT_EQ(igmp->pktType, PACKET_MULTICAST);

    h.must({"ip", "-6", "addr", "add", "ff0e::1:2:3/128", "dev", "eth0", "autojoin"});
    auto mld = waitFrame(*s, [](const Frame& x) { return mldV2ReportHas(x, *IpAddr::parse("ff0e::1:2:3")); });
    ASSERT_TRUE(mld) << "no MLDv2 report for ff0e::1:2:3";
    const Frame& m = mld->bytes;
    const Frame dst6{0x33, 0x33, 0x00, 0x00, 0x00, 0x16};  // ff02::16
    EXPECT_EQ(Frame(m.begin(), m.begin() + 6), dst6);
    EXPECT_EQ(m[20], 0);                                   // Hop-by-Hop first
    EXPECT_EQ(m[54], 58);                                  // then ICMPv6
    EXPECT_EQ(m[62], 143);                                 // MLDv2 report
    EXPECT_EQ(IpAddr::v6Bytes(&m[38]), *IpAddr::parse("ff02::16"));
    EXPECT_GE(s->stats().rxFrames, 2u);
}

// Unicast and ARP between two hosts cross the port but never reach the socket.
TEST_F(PacketSocketTest, UnrelatedTrafficIsFilteredInTheKernel) {
    addBridge("br0");
    Host& a = newHost();
    Host& b = newHost();
    const IfIndex v1 = addPort("br0", "v1", &a);
    addPort("br0", "v2", &b);
    a.must({"ip", "addr", "add", "192.0.2.1/24", "dev", "eth0"});
    b.must({"ip", "addr", "add", "192.0.2.2/24", "dev", "eth0"});
    auto s = PacketSocket::open(v1);
    ASSERT_TRUE(s);
    a.must({"ping", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.2"});
    // ping returned after its replies: every frame it caused has passed the tap.
    std::vector<Captured> seen;
    drain(*s, seen);
    for (const auto& c : seen) {
        const uint16_t type = be16(c.bytes, 12);
        EXPECT_NE(type, 0x0806) << "ARP leaked through the filter";
        EXPECT_NE(ipv4Proto(c.bytes), 1) << "ICMP leaked through the filter";
        if (type == 0x0800) {
            EXPECT_EQ(ipv4Proto(c.bytes), 2);
        }
    }
}

// A frame sent on the port's socket leaves through that port only, as is; with a VID
// it leaves tagged, and the peer's socket reports the VID from PACKET_AUXDATA.
TEST_F(PacketSocketTest, SendLeavesThroughThatPortOnly) {
    addBridge("br0");
    Host& a = newHost();
    Host& b = newHost();
    const IfIndex v1 = addPort("br0", "v1", &a);
    addPort("br0", "v2", &b);
    auto s = PacketSocket::open(v1);
    ASSERT_TRUE(s);
    std::optional<PacketSocket> atA, atB;
    a.within([&] {
        auto x = PacketSocket::open(ifindexOf("eth0"));
        ASSERT_TRUE(x) << x.error().str();
        atA.emplace(std::move(*x));
    });
    b.within([&] {
        auto x = PacketSocket::open(ifindexOf("eth0"));
        ASSERT_TRUE(x) << x.error().str();
        atB.emplace(std::move(*x));
    });

    const Frame query{
        0x01, 0x00, 0x5e, 0x00, 0x00, 0x01,  // dst 224.0.0.1
        0x02, 0x00, 0x5e, 0x10, 0x00, 0x01,  // src
        0x08, 0x00,                          // IPv4
        0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00,  // IHL 6, TOS 0xc0, len 32, DF
        0x01, 0x02, 0x00, 0x00,              // TTL 1, IGMP, checksum (unchecked by taps)
        0xc0, 0x00, 0x02, 0x01,              // src 192.0.2.1
        0xe0, 0x00, 0x00, 0x01,              // dst 224.0.0.1
        0x94, 0x04, 0x00, 0x00,              // Router Alert
        0x11, 0x64, 0x00, 0x00,              // IGMPv2 general query, max resp 10 s
        0x00, 0x00, 0x00, 0x00,              // group 0.0.0.0
    };
    ASSERT_TRUE(s->send(query));
    auto got = waitFrame(*atA, [&](const Frame& f) { return f == query; });
    ASSERT_TRUE(got) << "peer never saw the frame";
    EXPECT_FALSE(got->vid.has_value());

    ASSERT_TRUE(s->send(query, VlanId{42}));
    std::optional<Captured> tagged;
    std::vector<Captured> seen;
    ASSERT_TRUE(eventually([&] {
        drain(*atA, seen);
        for (const auto& c : seen)
            if (c.bytes == query && c.vid) tagged = c;
        return tagged.has_value();
    }));
    EXPECT_EQ(tagged->vid->value, 42);

    // Never flooded by the bridge to the other port, never echoed to the sender.
    std::vector<Captured> other, own;
    drain(*atB, other);
    drain(*s, own);
    for (const auto& c : other) EXPECT_NE(c.bytes, query);
    for (const auto& c : own) EXPECT_NE(c.bytes, query);
    EXPECT_EQ(s->stats().txFrames, 2u);
}

TEST_F(PacketSocketTest, RuntFrameRefused) {
    addBridge("br0");
    const IfIndex v1 = addPort("br0", "v1");
    auto s = PacketSocket::open(v1);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->send(Frame{1, 2, 3}));
    EXPECT_FALSE(PacketSocket::open(IfIndex{99999}));
}

}  // namespace
}  // namespace mcs::bridge::test
