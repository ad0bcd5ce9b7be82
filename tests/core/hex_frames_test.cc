// Real frames through the wire decoder into the core (annotated hex; vectors from
// rfc-conformance.md §1.13 and the Linux selftest bridge_igmp.sh). Built only when
// the mcs_wire codecs exist.
#include "tests/core/core_test_util.h"

#ifdef MCS_HAVE_WIRE
#include <cctype>

#include "agent/wire/decode.h"

namespace mcs::core::test {
namespace {

std::vector<uint8_t> hex(const std::string& s) {
    std::vector<uint8_t> out;
    std::string digits;
    for (char c : s)
        if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
    for (size_t i = 0; i + 1 < digits.size(); i += 2)
        out.push_back(static_cast<uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
    return out;
}

wire::Decoded decode(const std::vector<uint8_t>& bytes, bool ethernet) {
    auto r = ethernet ? wire::decodeFrame(bytes) : wire::decodeIp(bytes);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : std::string(wire::to_string(r.error())));
    return r.ok() ? *r : wire::Decoded{};
}

// IPv4 header: IHL 6 with Router Alert, TOS 0xc0, DF, TTL 1, protocol 2 (IGMP).
const std::string kV3IsIn =
    "46 c0 00 34 00 00 40 00 01 02 41 e3"  // IPv4, total length 52, checksum 0x41e3
    "c0 00 02 0a"                          // source 192.0.2.10
    "e0 00 00 16"                          // destination 224.0.0.22
    "94 04 00 00"                          // Router Alert option
    "22 00 9d de 00 00 00 01"              // IGMPv3 report, checksum, 1 record
    "01 00 00 03 ef 0a 0a 0a"              // IS_IN, aux 0, 3 sources, group 239.10.10.10
    "c0 00 02 01 c0 00 02 02 c0 00 02 03"; // 192.0.2.1, .2, .3

const std::string kV3ToEx =
    "46 c0 00 34 00 00 40 00 01 02 41 e3 c0 00 02 0a e0 00 00 16 94 04 00 00"   // as above
    "22 00 9a b1 00 00 00 01"              // IGMPv3 report, 1 record
    "04 00 00 03 ef 0a 0a 0a"              // TO_EX, 3 sources, group 239.10.10.10
    "c0 00 02 01 c0 00 02 14 c0 00 02 1e"; // 192.0.2.1, .20, .30

TEST(HexFrames, Igmpv3IsInThenToExThroughTheDecoder) {
    Snooper sn("br0", IfIndex{100}, VlanId{1}, SnooperConfig{});
    sn.portAdded(IfIndex{1}, "p1", t(0));
    sn.setOwnQuerierActive(Family::V4, true, t(0));
    sn.onMessage(IfIndex{1}, decode(hex(kV3IsIn), false), t(0));
    sn.onMessage(IfIndex{1}, decode(hex(kV3ToEx), false), t(10));
    const IpAddr g = ip("239.10.10.10");
    const auto s = state(sn, g, IfIndex{1});
    // INCLUDE{1,2,3} TO_EX{1,20,30} -> EXCLUDE({1},{20,30}), Q(G,{1}) (RFC 9776 Table 9).
    EXPECT_EQ(s.mode, FilterMode::Exclude);
    EXPECT_EQ(running(s), std::vector<IpAddr>{ip("192.0.2.1")});
    EXPECT_EQ(blocked(s), (std::vector<IpAddr>{ip("192.0.2.20"), ip("192.0.2.30")}));
    const auto q = groupQueries(sn.takeOutbound());
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].sources, std::vector<IpAddr>{ip("192.0.2.1")});
}

TEST(HexFrames, Igmpv2ReportInAnEthernetFrameAndGeneralQuery) {
    const std::string report =
        "01 00 5e 01 01 01"                    // destination MAC for 239.1.1.1
        "02 00 00 00 00 0a"                    // source MAC
        "08 00"                                // IPv4
        "46 c0 00 20 00 00 40 00 01 02 32 0b"  // total length 32, TTL 1, IGMP, checksum
        "c0 00 02 0a ef 01 01 01 94 04 00 00"  // 192.0.2.10 -> 239.1.1.1, Router Alert
        "16 00 f9 fc ef 01 01 01";             // IGMPv2 report 239.1.1.1
    const std::string generalQuery =
        "01 00 5e 00 00 01 02 00 00 00 00 01 08 00"   // to 01:00:5e:00:00:01, IPv4
        "46 c0 00 24 00 00 40 00 01 02 42 11"         // total length 36
        "c0 00 02 01 e0 00 00 01 94 04 00 00"         // 192.0.2.1 -> 224.0.0.1
        "11 64 ec 1e 00 00 00 00 02 7d 00 00";        // v3 GQ, MRC 100, QRV 2, QQIC 125
    Snooper sn("br0", IfIndex{100}, VlanId{1}, SnooperConfig{});
    sn.portAdded(IfIndex{1}, "p1", t(0));
    sn.portAdded(IfIndex{2}, "up", t(0));
    EXPECT_EQ(sn.onMessage(IfIndex{2}, decode(hex(generalQuery), true), t(0)).action, RxAction::KernelFlood);
    const auto v = sn.onMessage(IfIndex{1}, decode(hex(report), true), t(1));
    EXPECT_EQ(v.ports, std::vector<IfIndex>{IfIndex{2}});
    EXPECT_EQ(state(sn, ip("239.1.1.1"), IfIndex{1}).compat, CompatMode::IgmpV2);
    EXPECT_EQ(sn.counters().get(RxKind::IgmpV3Query), 1u);
}

TEST(HexFrames, Mldv1ReportForALinkScopeGroupIsNotTracked) {
    const std::string report =
        "60 00 00 00 00 20 00 01"                         // IPv6, payload 32, next HBH, hop limit 1
        "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02" // source fe80::2
        "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01" // destination ff12::1
        "3a 00 05 02 00 00 01 00"                         // HBH: next ICMPv6, Router Alert (MLD), PadN
        "83 00 80 02 00 00 00 00"                         // MLDv1 report, checksum
        "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01";// multicast address ff12::1
    Snooper sn("br0", IfIndex{100}, VlanId{1}, SnooperConfig{});
    sn.portAdded(IfIndex{1}, "p1", t(0));
    sn.onMessage(IfIndex{1}, decode(hex(report), false), t(0));
    EXPECT_EQ(sn.counters().get(RxKind::MldV1Report), 1u);
    // ff12::1 has link scope: flooded, never an entry (RFC 4541 §3).
    EXPECT_EQ(sn.counters().get(Cause::LinkLocalGroup), 1u);
    EXPECT_EQ(sn.groupCount(), 0u);
}

}  // namespace
}  // namespace mcs::core::test
#endif
