// Ethernet / 802.1Q / 802.1ad, IPv4 options and the IPv6 extension chain.
#include <gtest/gtest.h>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

TEST(Ethernet, VlanTagsAreReported) {
    Decoded c = decodeOk(vec("igmpv2-report-vlan10"));
    ASSERT_TRUE(c.tagVid);
    EXPECT_EQ(c.tagVid->value, 10);
    EXPECT_EQ(msgAs<Report>(c).records.at(0).group, ip("239.1.1.1"));
    Decoded s = decodeOk(vec("igmpv2-report-stag20"));
    ASSERT_TRUE(s.tagVid);
    EXPECT_EQ(s.tagVid->value, 20);
}

TEST(Ethernet, PaddingAfterTheIpPacketIsIgnored) {
    decodeAs<MrdSolicitation>(vec("mrd-solicitation-v4-padded"));
    decodeAs<Report>(vec("mldv1-report") + Bytes(8, 0xee));
    decodeAs<Report>(vec("igmpv3-report-to-ex") + Bytes(14, 0));
}

TEST(Ethernet, DoubleTagIsNotOurs) {
    // An S-tag carrying a C-tag: customer traffic tunnelled through us.
    Bytes f = vec("igmpv2-report-stag20");
    f.insert(f.begin() + 16, {0x81, 0x00, 0x00, 0x0a});
    EXPECT_EQ(dropOf(f), "not-ip");
}

TEST(Ip, DecodeIpSkipsEthernet) {
    auto d4 = decodeIp(ipPart(vec("igmpv2-report")));
    ASSERT_TRUE(d4);
    EXPECT_EQ(d4->src, ip("192.0.2.10"));
    EXPECT_EQ(d4->dstMac, MacAddr{});
    EXPECT_TRUE(std::holds_alternative<Report>(d4->msg));
    auto d6 = decodeIp(ipPart(vec("mldv1-report")));
    ASSERT_TRUE(d6);
    EXPECT_EQ(d6->dst, ip("ff12::1"));
    EXPECT_FALSE(decodeIp(Bytes{}));
    EXPECT_EQ(decodeIp(hex("50 00")).error(), DropReason::BadIpv4Version);
}

TEST(Ipv4, UnknownOptionsSkippedAndRouterAlertValueMatters) {
    auto withOptions = [](Bytes options) {
        // IHL 7: 8 bytes of options before a v2 report.
        Bytes f = patched(vec("igmpv2-report"), 14, {0x47, 0xc0, 0x00, 0x24});
        f.erase(f.begin() + 34, f.begin() + 38);   // drop the original Router Alert
        f.insert(f.begin() + 34, options.begin(), options.end());
        return fixIpv4Checksum(f);
    };
    Decoded a =
        decodeOk(withOptions(hex("88 04 00 01"       // Stream ID (unknown to us)
                                 "94 04 00 00")));   // Router Alert
    EXPECT_TRUE(a.routerAlert);
    Decoded b =
        decodeOk(withOptions(hex("94 04 00 01"       // Router Alert, reserved value 1
                                 "01 01 01 00")));   // NOP NOP NOP EOL
    EXPECT_FALSE(b.routerAlert);
    Decoded c = decodeOk(withOptions(hex("00 94 04 00 00 00 00 00")));   // EOL first: no RA
    EXPECT_FALSE(c.routerAlert);
}

TEST(Ipv4, DontFragmentIsNotAFragment) {
    decodeOk(vec("igmpv2-report"));   // DF set
    Bytes noDf = fixIpv4Checksum(patched(vec("igmpv2-report"), 20, {0x00, 0x00}));
    decodeOk(noDf);
}

TEST(Ipv6, AtomicFragmentIsWhole) {
    Decoded d = decodeOk(vec("mldv1-report-ext-chain"));
    EXPECT_EQ(msgAs<Report>(d).version, ProtoVersion::MldV1);
}

TEST(Ipv6, PimAfterHopByHop) {
    // A Hop-by-Hop header without Router Alert in front of PIM is walked over.
    Bytes f = frame6("fe80::1", "ff02::d",
                     hex("67 00 01 04 00 00 00 00")   // HbH: next header PIM, PadN 4
                         + hex("20 00 e1 90 00 01 00 02 00 69"),
                     V6{1, false, 0});
    Decoded d = decodeOk(f);
    EXPECT_FALSE(d.routerAlert);
    EXPECT_EQ(msgAs<PimHello>(d).holdtimeSec, 105);
}

}  // namespace
}  // namespace mcs::wire::test
