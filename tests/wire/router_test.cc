// PIMv2 Hello (RFC 7761 §4.9), MRD (RFC 4286) and BPDU (802.1D §9.3) decoding.
#include <gtest/gtest.h>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

TEST(Pim, HelloV4) {
    Decoded d = decodeOk(vec("pim-hello-v4"));
    EXPECT_EQ(d.dst, ip("224.0.0.13"));
    EXPECT_FALSE(d.routerAlert);
    auto h = msgAs<PimHello>(d);
    EXPECT_TRUE(h.holdtimePresent);
    EXPECT_EQ(h.holdtimeSec, 105);
}

TEST(Pim, HelloV4UnknownOptionsIgnored) {
    auto h = decodeAs<PimHello>(vec("pim-hello-v4-options"));
    EXPECT_TRUE(h.holdtimePresent);
    EXPECT_EQ(h.holdtimeSec, 105);
}

TEST(Pim, HelloV6WithPseudoHeaderChecksum) {
    auto h = decodeAs<PimHello>(vec("pim-hello-v6"));
    EXPECT_EQ(h.holdtimeSec, 105);
}

TEST(Pim, HelloWithoutHoldtimeUsesDefault) {
    auto msg =
        withChecksum(hex("20 00 00 00"      // PIM v2 Hello
                         "00 13 00 04"      // DR Priority, length 4
                         "00 00 00 01"));   //   1
    auto h = decodeAs<PimHello>(frame4("192.0.2.1", "224.0.0.13", msg, V4{1, false, 103}));
    EXPECT_FALSE(h.holdtimePresent);
    EXPECT_EQ(h.holdtimeSec, 105);   // RFC 7761 §4.11 Default_Hello_Holdtime
}

TEST(Pim, GoodbyeHello) {
    auto msg = withChecksum(hex("20 00 00 00 00 01 00 02 00 00"));   // Holdtime 0
    auto h = decodeAs<PimHello>(frame4("192.0.2.1", "224.0.0.13", msg, V4{1, false, 103}));
    EXPECT_TRUE(h.holdtimePresent);
    EXPECT_EQ(h.holdtimeSec, 0);
}

TEST(Mrd, AdvertisementV4AndV6) {
    for (auto name : {"mrd-adv-v4", "mrd-adv-v6"}) {
        SCOPED_TRACE(name);
        auto a = decodeAs<MrdAdvertisement>(vec(name));
        EXPECT_EQ(a.advIntervalSec, 20);
        EXPECT_EQ(a.queryIntervalSec, 125);
        EXPECT_EQ(a.robustness, 2);
    }
}

TEST(Mrd, SolicitationAndTermination) {
    for (auto name : {"mrd-solicitation-v4", "mrd-solicitation-v4-padded", "mrd-solicitation-v6"})
        decodeAs<MrdSolicitation>(vec(name));
    for (auto name : {"mrd-termination-v4", "mrd-termination-v6"})
        decodeAs<MrdTermination>(vec(name));
}

TEST(Bpdu, Tcn) {
    Decoded d = decodeOk(vec("bpdu-tcn"));
    EXPECT_EQ(d.dstMac.str(), "01:80:c2:00:00:00");
    EXPECT_EQ(d.srcMac.str(), "02:00:00:00:00:02");
    auto b = msgAs<Bpdu>(d);
    EXPECT_EQ(b.kind, BpduKind::Tcn);
    EXPECT_TRUE(b.topologyChange);
}

TEST(Bpdu, ConfigWithTopologyChange) {
    auto b = decodeAs<Bpdu>(vec("bpdu-config-tc"));
    EXPECT_EQ(b.kind, BpduKind::Config);
    EXPECT_TRUE(b.topologyChange);
    EXPECT_FALSE(b.topologyChangeAck);
    EXPECT_EQ(b.rootId, 0x8000020000000001u);
    EXPECT_EQ(b.rootPathCost, 4u);
    EXPECT_EQ(b.bridgeId, 0x8000020000000002u);
    EXPECT_EQ(b.portId, 0x8001);
}

TEST(Bpdu, ConfigTopologyChangeAck) {
    auto b = decodeAs<Bpdu>(patched(vec("bpdu-config-tc"), 21, {0x80}));   // flags: TCA only
    EXPECT_FALSE(b.topologyChange);
    EXPECT_TRUE(b.topologyChangeAck);
}

TEST(Bpdu, RapidSpanningTree) {
    auto b = decodeAs<Bpdu>(vec("bpdu-rst-tc"));
    EXPECT_EQ(b.kind, BpduKind::Rst);
    EXPECT_TRUE(b.topologyChange);
    EXPECT_EQ(b.portId, 0x8002);
    // MSTP (version 3) BPDUs are read as RST BPDUs.
    EXPECT_EQ(decodeAs<Bpdu>(patched(vec("bpdu-rst-tc"), 19, {0x03})).kind, BpduKind::Rst);
}

TEST(Bpdu, PaddedToMinimumFrame) {
    Bytes padded = vec("bpdu-tcn") + Bytes(60 - vec("bpdu-tcn").size(), 0);
    EXPECT_EQ(decodeAs<Bpdu>(padded).kind, BpduKind::Tcn);
}

}  // namespace
}  // namespace mcs::wire::test
