// QQIC / Max Resp Code encodings and the frames we build, decoded back with the wire
// decoder (strict mode: TTL 1, Router Alert, destinations, checksums).
//
// Frame offsets used below (no VLAN tag):
//   IPv4: Ethernet 14 | IPv4 header 24 (20 + Router Alert 4) | IGMP at 38:
//         38 type | 39 Max Resp Code | 40-41 checksum | 42-45 group | 46 S|QRV | 47 QQIC | 48-49 N
//   IPv6: Ethernet 14 | IPv6 40 | Hop-by-Hop 8 | MLD at 62:
//         62 type | 63 code | 64-65 checksum | 66-67 Max Resp Code | 68-69 reserved |
//         70-85 multicast address | 86 S|QRV | 87 QQIC | 88-89 N
#include "harness.h"

namespace mcs::querier::test {
namespace {

constexpr size_t kIgmpAt = 38;
constexpr size_t kMldAt = 62;

uint16_t be16(const wire::Frame& f, size_t at) {
    return static_cast<uint16_t>((f.at(at) << 8) | f.at(at + 1));
}

Outbound firstQuery(const Identity& id, const QuerierConfig& c, const wire::L2& l2 = kL2) {
    FakeClock clock;
    Querier q(id, l2, c, clock.now);
    auto out = q.takeOutbound();
    EXPECT_EQ(out.size(), 1u);
    return out.empty() ? Outbound{} : out.front();
}

TEST(QuerierEncoding, QqiIsExactOrNextLower) {
    // RFC 9776 §4.1.7 (QQIC is the 8-bit float of §4.1.1), §8.8 "next lower value".
    struct Case {
        uint32_t qi, qqi;
        uint8_t code;
    };
    for (auto [qi, want, code] : {Case{125, 125, 0x7d}, Case{127, 127, 0x7f}, Case{128, 128, 0x80},
                                  Case{130, 128, 0x80}, Case{255, 248, 0x8f}, Case{1000, 992, 0xaf},
                                  Case{31744, 31744, 0xff}}) {
        SCOPED_TRACE(qi);
        EXPECT_EQ(advertisedQqiSec(seconds(qi)), want);
        EXPECT_LE(advertisedQqiSec(seconds(qi)), qi);
        EXPECT_EQ(wire::encodeCode8(want), code);
    }
    // The kernel quirk (kernel-bridge.md §2.8): writing 130 as a plain byte means 144 s.
    EXPECT_EQ(wire::decodeCode8(130), 144u);
}

TEST(QuerierEncoding, MaxRespIsExactOrNextLower) {
    using P = ProtoVersion;
    // IGMPv3, 1/10 s units, float above 12.7 s.
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV3, 10s), 10000u);
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV3, 12800ms), 12800u);
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV3, 13s), 12800u);     // 130 -> 128
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV3, 25500ms), 24800u); // 255 -> 248
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV3, 3174400ms), 3174400u);
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV3, 10050ms), 10000u);  // sub-unit part dropped
    // IGMPv2: linear, at most 25.5 s (RFC 2236 §2.2; RFC 9776 §7.3.1 "exponential ... not used").
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV2, 13s), 13000u);
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV2, 40s), 25500u);
    // IGMPv1: fixed 10 s.
    EXPECT_EQ(advertisedMaxRespMs(P::IgmpV1, 3s), 10000u);
    // MLDv2, ms, float from 32768 ms (RFC 9777 §5.1.3).
    EXPECT_EQ(advertisedMaxRespMs(P::MldV2, 32767ms), 32767u);
    EXPECT_EQ(advertisedMaxRespMs(P::MldV2, 32769ms), 32768u);
    EXPECT_EQ(advertisedMaxRespMs(P::MldV2, 40s), 40000u);
    EXPECT_EQ(wire::encodeCode16(40000), 0x8388);
    EXPECT_EQ(advertisedMaxRespMs(P::MldV2, 8387584ms), 8387584u);
    EXPECT_EQ(advertisedMaxRespMs(P::MldV2, 9000000ms), 8387584u);
    // MLDv1: linear 16 bits.
    EXPECT_EQ(advertisedMaxRespMs(P::MldV1, 40s), 40000u);
    EXPECT_EQ(advertisedMaxRespMs(P::MldV1, 70s), 65535u);
}

// Byte-exact vectors (checksums cross-checked with scapy's own IGMPv3 query builder).
TEST(QuerierEncoding, AnnotatedIgmpV3Vectors) {
    FakeClock clock;
    QuerierConfig c = v4Config("192.0.2.10");   // RV 2, QI 125 s, QRI 10 s, LMQI 1 s
    c.startupQueryCount = 1;
    Querier q(v4Identity(), kL2, c, clock.now);
    auto gq = q.takeOutbound();
    ASSERT_EQ(gq.size(), 1u);
    const wire::Frame general = {
        0x01, 0x00, 0x5e, 0x00, 0x00, 0x01,   // dst MAC: 224.0.0.1
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,   // src MAC: ours
        0x08, 0x00,                           // IPv4
        0x46, 0xc0, 0x00, 0x24,               // v4, IHL 6 (RA option), TOS 0xc0, length 36
        0x00, 0x00, 0x40, 0x00,               // id 0, DF
        0x01, 0x02, 0x42, 0x08,               // TTL 1, IGMP, header checksum
        0xc0, 0x00, 0x02, 0x0a,               // src 192.0.2.10
        0xe0, 0x00, 0x00, 0x01,               // dst 224.0.0.1
        0x94, 0x04, 0x00, 0x00,               // Router Alert (RFC 2113)
        0x11, 0x64, 0xec, 0x1e,               // Membership Query, MRC 100 (10 s), checksum
        0x00, 0x00, 0x00, 0x00,               // group 0: general
        0x02, 0x7d, 0x00, 0x00,               // S 0 QRV 2, QQIC 125, 0 sources
    };
    EXPECT_EQ(gq[0].frame, general);

    ASSERT_EQ(q.requestSpecificQuery({ip("239.1.2.3"), false, {ip("198.51.100.1")}}, clock.now),
              SpecificQueryResult::Scheduled);
    auto gssq = q.takeOutbound();
    ASSERT_EQ(gssq.size(), 1u);
    const wire::Frame groupSource = {
        0x01, 0x00, 0x5e, 0x01, 0x02, 0x03,   // dst MAC: 239.1.2.3
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x08, 0x00,
        0x46, 0xc0, 0x00, 0x28,               // length 40
        0x00, 0x00, 0x40, 0x00,
        0x01, 0x02, 0x31, 0x01,               // TTL 1, IGMP, header checksum
        0xc0, 0x00, 0x02, 0x0a,               // src 192.0.2.10
        0xef, 0x01, 0x02, 0x03,               // dst: the group
        0x94, 0x04, 0x00, 0x00,
        0x11, 0x0a, 0xd1, 0x3d,               // Query, MRC 10 (LMQI 1 s), checksum
        0xef, 0x01, 0x02, 0x03,               // group 239.1.2.3
        0x02, 0x7d, 0x00, 0x01,               // S 0 QRV 2, QQIC 125, 1 source
        0xc6, 0x33, 0x64, 0x01,               // 198.51.100.1
    };
    EXPECT_EQ(gssq[0].frame, groupSource);
}

TEST(QuerierEncoding, IgmpV3GeneralQueryFrames) {
    for (uint32_t qiSec : {125u, 130u, 255u, 31744u}) {
        SCOPED_TRACE(qiSec);
        QuerierConfig c = v4Config("192.0.2.10");
        c.queryInterval = seconds(qiSec);
        c.queryResponseInterval = 13s;   // 130 tenths: not representable, 128 goes out
        const Outbound o = firstQuery(v4Identity(), c);
        const wire::Frame& f = o.frame;
        EXPECT_EQ(f.size(), 14u + 24u + 12u);
        EXPECT_EQ(f.at(kIgmpAt), 0x11);                       // Membership Query
        EXPECT_EQ(f.at(kIgmpAt + 1), 0x80);                   // MRC: 128 tenths = 12.8 s
        EXPECT_EQ(f.at(kIgmpAt + 8), 0x02);                   // S 0, QRV 2
        EXPECT_EQ(f.at(kIgmpAt + 9), wire::encodeCode8(qiSec));   // QQIC
        EXPECT_LE(wire::decodeCode8(f.at(kIgmpAt + 9)), qiSec);

        const wire::Decoded d = decoded(o);
        EXPECT_EQ(d.dst, ip("224.0.0.1"));                    // §1.11: general -> all-hosts
        EXPECT_EQ(d.dstMac, (MacAddr{{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}}));
        EXPECT_EQ(d.srcMac, kL2.src);
        EXPECT_EQ(d.src, ip("192.0.2.10"));
        EXPECT_EQ(d.ttl, 1);                                  // RFC 9776 §4
        EXPECT_TRUE(d.routerAlert);                           // RFC 2113
        EXPECT_FALSE(d.tagVid);
        // Checksums verified once more by hand (RFC 1071: the sum over a valid block is 0).
        EXPECT_EQ(wire::inetChecksum({f.data() + 14, 24}), 0);
        EXPECT_EQ(wire::inetChecksum({f.data() + kIgmpAt, f.size() - kIgmpAt}), 0);

        const wire::Query q = decodedQuery(o);
        EXPECT_EQ(q.version, ProtoVersion::IgmpV3);
        EXPECT_TRUE(q.isGeneral());
        EXPECT_EQ(q.qqiSec, advertisedQqiSec(seconds(qiSec)));
        EXPECT_LE(q.qqiSec, qiSec);
        EXPECT_EQ(q.maxRespMs, 12800u);
        EXPECT_EQ(q.qrv, 2);
        EXPECT_FALSE(q.suppressRouterSide);
        EXPECT_EQ(o.spec.qqiSec, q.qqiSec);
    }
}

TEST(QuerierEncoding, IgmpV3LargestMaxResp) {
    QuerierConfig c = v4Config();
    c.queryInterval = 31744s;
    c.queryResponseInterval = 3174400ms;   // 31744 tenths: code 0xff
    const Outbound o = firstQuery(v4Identity(), c);
    EXPECT_EQ(o.frame.at(kIgmpAt + 1), 0xff);
    EXPECT_EQ(decodedQuery(o).maxRespMs, 3174400u);
    c.queryResponseInterval = 25500ms;     // 255 tenths -> 248
    EXPECT_EQ(decodedQuery(firstQuery(v4Identity(), c)).maxRespMs, 24800u);
}

TEST(QuerierEncoding, MldV2GeneralQueryFrames) {
    for (uint32_t qrMs : {10000u, 40000u, 8387584u}) {
        SCOPED_TRACE(qrMs);
        QuerierConfig c = v6Config("fe80::10");
        c.queryInterval = 31744s;
        c.queryResponseInterval = milliseconds(qrMs);
        c.robustness = 9;   // > 7: QRV field 0 (RFC 9777 §5.1.8)
        const Outbound o = firstQuery(v6Identity(), c);
        const wire::Frame& f = o.frame;
        EXPECT_EQ(f.size(), 14u + 40u + 8u + 28u);
        EXPECT_EQ(f.at(kMldAt), 130);
        EXPECT_EQ(be16(f, kMldAt + 4), wire::encodeCode16(qrMs));
        EXPECT_EQ(f.at(kMldAt + 24), 0x00);                   // S 0, QRV 0 (RV 9 > 7)
        EXPECT_EQ(f.at(kMldAt + 25), 0xff);                   // QQIC 31744

        const wire::Decoded d = decoded(o);
        EXPECT_EQ(d.dst, ip("ff02::1"));
        EXPECT_EQ(d.dstMac, (MacAddr{{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}}));
        EXPECT_EQ(d.src, ip("fe80::10"));
        EXPECT_EQ(d.ttl, 1);                                  // RFC 9777 §5.1.14 hop limit 1
        EXPECT_TRUE(d.routerAlert);                           // RFC 2711 in Hop-by-Hop
        EXPECT_EQ(wire::ipv6UpperChecksum(d.src, d.dst, 58, {f.data() + kMldAt, f.size() - kMldAt}), 0);

        const wire::Query q = decodedQuery(o);
        EXPECT_EQ(q.version, ProtoVersion::MldV2);
        EXPECT_EQ(q.maxRespMs, qrMs);                         // all three are representable
        EXPECT_EQ(q.qqiSec, 31744u);
        EXPECT_EQ(q.qrv, 0);
    }
}

TEST(QuerierEncoding, OlderVersionGeneralQueries) {
    // IGMPv2: 8 bytes, linear Max Resp.
    QuerierConfig c2 = v4Config("192.0.2.10", ProtoVersion::IgmpV2);
    c2.queryResponseInterval = 20s;
    const Outbound o2 = firstQuery(v4Identity(), c2);
    EXPECT_EQ(o2.frame.size(), 14u + 24u + 8u);
    EXPECT_EQ(o2.frame.at(kIgmpAt + 1), 200);
    EXPECT_EQ(decodedQuery(o2).version, ProtoVersion::IgmpV2);
    EXPECT_EQ(decodedQuery(o2).maxRespMs, 20000u);
    // IGMPv1: Max Resp Code 0 (RFC 9776 §7.3.1).
    const Outbound o1 = firstQuery(v4Identity(), v4Config("192.0.2.10", ProtoVersion::IgmpV1));
    EXPECT_EQ(o1.frame.at(kIgmpAt + 1), 0);
    EXPECT_EQ(decodedQuery(o1).version, ProtoVersion::IgmpV1);
    // MLDv1: 24 bytes, linear ms.
    QuerierConfig m1 = v6Config("fe80::10", ProtoVersion::MldV1);
    m1.queryResponseInterval = 40s;
    const Outbound om = firstQuery(v6Identity(), m1);
    EXPECT_EQ(om.frame.size(), 14u + 40u + 8u + 24u);
    EXPECT_EQ(be16(om.frame, kMldAt + 4), 40000);
    EXPECT_EQ(decodedQuery(om).version, ProtoVersion::MldV1);
}

TEST(QuerierEncoding, VlanTagAndSourceMac) {
    const wire::L2 tagged{MacAddr{{0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}}, VlanId{42}};
    Identity id = v4Identity();
    id.vid = VlanId{42};
    const Outbound o = firstQuery(id, v4Config(), tagged);
    EXPECT_EQ(o.vid, VlanId{42});
    EXPECT_EQ(be16(o.frame, 12), 0x8100);
    EXPECT_EQ(be16(o.frame, 14) & 0x0fff, 42);
    const wire::Decoded d = decoded(o);
    EXPECT_EQ(d.tagVid, VlanId{42});
    EXPECT_EQ(d.srcMac, tagged.src);
    EXPECT_EQ(d.dst, ip("224.0.0.1"));
}

}  // namespace
}  // namespace mcs::querier::test
