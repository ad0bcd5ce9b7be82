// One or more frames per DropReason; the table must cover every reason.
#include <gtest/gtest.h>

#include <set>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

using enum DropReason;

struct Case {
    DropReason reason;
    std::string_view what;
    Bytes frame;
    bool strict = false;   // only dropped with DecodeOptions::strict
};

constexpr V4 kTtl1Ra{1, true, 2};
constexpr V6 kBareV6{1, false, 0};   // caller supplies the extension headers

Bytes v4(Bytes igmp, std::string_view dst = "239.1.1.1", V4 o = kTtl1Ra) {
    return frame4("192.0.2.10", dst, igmp, o);
}
Bytes pim4(Bytes msg, std::string_view dst = "224.0.0.13") {
    return frame4("192.0.2.1", dst, withChecksum(std::move(msg)), V4{1, false, 103});
}
Bytes icmp6(std::string_view src, std::string_view dst, Bytes msg, V6 o = V6{}) {
    return frame6(src, dst, withChecksum6(src, dst, std::move(msg)), o);
}
Bytes mldQueryBody(size_t length) {   // MLD query of the given length, MA ::
    Bytes b = hex("82 00 00 00 27 10 00 00");
    b.resize(length, 0);
    return b;
}
// `n` Destination Options headers, then ICMPv6.
Bytes destOptChain(int n) {
    Bytes chain;
    for (int i = 0; i < n; ++i)
        chain = chain + hex(i + 1 < n ? "3c 00 01 04 00 00 00 00" : "3a 00 01 04 00 00 00 00");
    return chain;
}

std::vector<Case> cases() {
    const Bytes& v2Report = vec("igmpv2-report");
    const Bytes& mldReport = vec("mldv1-report");
    const Bytes& chain = vec("mldv1-report-ext-chain");
    const Bytes mldReportBody(mldReport.end() - 24, mldReport.end());
    const Bytes v2GqBody = hex("11 64 ee 9b 00 00 00 00");
    return {
        // ---- Ethernet ----
        {TruncatedEthernet, "13 bytes", Bytes(v2Report.begin(), v2Report.begin() + 13)},
        {TruncatedEthernet, "tag without inner ethertype",
         hex("01 00 5e 01 01 01 02 00 00 00 00 01 81 00 00 0a")},
        {NotIp, "ARP", hex("ff ff ff ff ff ff 02 00 00 00 00 01 08 06 00 01 08 00 06 04 00 01")},
        {NotIp, "LLC to the STP address but not STP",
         hex("01 80 c2 00 00 00 02 00 00 00 00 02 00 07 aa aa 03 00 00 00 00")},
        // ---- IPv4 ----
        {TruncatedIpv4, "19-byte header", Bytes(v2Report.begin(), v2Report.begin() + 14 + 19)},
        {TruncatedIpv4, "IHL beyond the packet", patched(v2Report, 14, {0x4f})},
        {BadIpv4Version, "version 5", patched(v2Report, 14, {0x56})},
        {BadIpv4HeaderLength, "IHL 4", patched(v2Report, 14, {0x44})},
        {BadIpv4Checksum, "header checksum off by one", patched(v2Report, 24, {0x32, 0x0c})},
        {BadIpv4TotalLength, "total length below the header", patched(v2Report, 16, {0x00, 0x10})},
        {BadIpv4TotalLength, "total length beyond the frame",
         fixIpv4Checksum(patched(v2Report, 16, {0x00, 0x40}))},
        {BadIpv4Options, "Router Alert length 5 overruns",
         fixIpv4Checksum(patched(v2Report, 34, {0x94, 0x05}))},
        {BadIpv4Options, "Router Alert length 3",
         fixIpv4Checksum(patched(v2Report, 34, {0x94, 0x03}))},
        {BadIpv4Options, "option length 1", fixIpv4Checksum(patched(v2Report, 34, {0x07, 0x01}))},
        {Ipv4Fragment, "more fragments", fixIpv4Checksum(patched(v2Report, 20, {0x20, 0x00}))},
        {Ipv4Fragment, "offset 8", fixIpv4Checksum(patched(v2Report, 20, {0x00, 0x01}))},
        // ---- IPv6 ----
        {TruncatedIpv6, "39-byte header", Bytes(mldReport.begin(), mldReport.begin() + 14 + 39)},
        {BadIpv6Version, "version 4 under ethertype 86dd", patched(mldReport, 14, {0x40})},
        {BadIpv6PayloadLength, "payload length beyond the frame",
         patched(mldReport, 18, {0x01, 0x00})},
        {BadIpv6PayloadLength, "jumbogram (0)", patched(mldReport, 18, {0x00, 0x00})},
        {BadExtensionHeader, "HbH length overruns", patched(mldReport, 14 + 41, {0x05})},
        {BadExtensionHeader, "HbH option overruns", patched(mldReport, 14 + 40 + 6, {0x01, 0x07})},
        {BadExtensionHeader, "Router Alert length 3",
         patched(mldReport, 14 + 40 + 2, {0x05, 0x03})},
        {BadExtensionHeader, "HbH after DestOpt",
         frame6("fe80::2", "ff12::1",
                hex("00 00 01 04 00 00 00 00 3a 00 05 02 00 00 01 00") + mldReportBody,
                V6{1, false, 60})},
        {Ipv6Fragment, "non-first fragment", patched(chain, 14 + 40 + 16 + 2, {0x00, 0x08})},
        {Ipv6Fragment, "first fragment (M set)", patched(chain, 14 + 40 + 16 + 2, {0x00, 0x01})},
        {ExtensionChainTooLong, "9 Destination Options headers",
         frame6("fe80::2", "ff12::1", destOptChain(9) + mldReportBody, V6{1, false, 60})},
        // ---- Transport selection ----
        {NotMulticastControl, "IPv4 UDP",
         frame4("192.0.2.10", "239.1.1.1", hex("04 00 04 00 00 08 00 00"), V4{1, false, 17})},
        {NotMulticastControl, "IPv6 UDP",
         frame6("fe80::2", "ff12::1", hex("04 00 04 00 00 08 00 00"), V6{1, false, 17})},
        {NotMulticastControl, "ICMPv6 error (type 1)",
         icmp6("fe80::2", "ff12::1", hex("01 00 00 00 00 00 00 00"))},
        {NotMulticastControl, "IPv6 no next header",
         frame6("fe80::2", "ff12::1", hex("3b 00 05 02 00 00 01 00"), kBareV6)},
        // ---- IGMP ----
        {TruncatedIgmp, "3 bytes", v4(hex("16 00 f9"))},
        {TruncatedIgmp, "6-byte report, valid checksum",
         v4(withChecksum(hex("16 00 00 00 ef 01")))},
        {TruncatedIgmp, "v3 query with 2 sources, 1 present",
         v4(withChecksum(hex("11 64 00 00 00 00 00 00 02 7d 00 02 0a 00 00 01")), "224.0.0.1")},
        {BadIgmpChecksum, "v2 report checksum off by one", patched(v2Report, 40, {0xf9, 0xfd})},
        {BadIgmpChecksum, "additional data not covered", v4(hex("16 00 f9 fc ef 01 01 01 01 02"))},
        {BadQueryLength, "10-byte query",
         v4(withChecksum(hex("11 64 00 00 00 00 00 00 02 7d")), "224.0.0.1")},
        {TruncatedRecord, "record claims 2 sources, has 1",
         v4(withChecksum(hex("22 00 00 00 00 00 00 01 01 00 00 02 ef 01 01 01 c0 00 02 01")),
            "224.0.0.22")},
        {TruncatedRecord, "aux data missing",
         v4(withChecksum(hex("22 00 00 00 00 00 00 01 02 01 00 00 ef 01 01 01")), "224.0.0.22")},
        {TruncatedRecord, "second record missing",
         v4(withChecksum(hex("22 00 00 00 00 00 00 02 02 00 00 00 ef 01 01 01")), "224.0.0.22")},
        {BadGroupAddress, "v2 report for 224.0.0.1",
         v4(withChecksum(hex("16 00 00 00 e0 00 00 01")), "224.0.0.1")},
        {BadGroupAddress, "v1 report for unicast",
         v4(withChecksum(hex("12 00 00 00 0a 00 00 01")))},
        {BadGroupAddress, "leave for unicast",
         v4(withChecksum(hex("17 00 00 00 0a 00 00 01")), "224.0.0.2")},
        {BadGroupAddress, "query for unicast", v4(withChecksum(hex("11 64 00 00 0a 00 00 01")))},
        {BadGroupAddress, "v3 record for unicast",
         v4(withChecksum(hex("22 00 00 00 00 00 00 01 02 00 00 00 0a 01 01 01")), "224.0.0.22")},
        {BadGroupAddress, "MLD report for ff02::1",
         icmp6("fe80::2", "ff02::1",
               hex("83 00 00 00 00 00 00 00 ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01"))},
        {BadGroupAddress, "MLD report for ff01::5 (node scope)",
         icmp6("fe80::2", "ff01::5",
               hex("83 00 00 00 00 00 00 00 ff 01 00 00 00 00 00 00 00 00 00 00 00 00 00 05"))},
        {BadGroupAddress, "MLDv2 record for 2001:db8::1",
         icmp6("fe80::2", "ff02::16",
               hex("8f 00 00 00 00 00 00 01 02 00 00 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 "
                   "00 01"))},
        {BadSourceAddress, "multicast source in a record",
         v4(withChecksum(hex("22 00 00 00 00 00 00 01 01 00 00 01 ef 01 01 01 e0 00 00 05")),
            "224.0.0.22")},
        {BadSourceAddress, "0.0.0.0 in a query",
         v4(withChecksum(hex("11 64 00 00 e8 01 01 01 02 7d 00 01 00 00 00 00")), "232.1.1.1")},
        {BadSourceAddress, "255.255.255.255 in a record",
         v4(withChecksum(hex("22 00 00 00 00 00 00 01 05 00 00 01 e8 01 01 01 ff ff ff ff")),
            "224.0.0.22")},
        {BadSourceAddress, "ff02::1 in an MLDv2 query",
         icmp6("fe80::1", "ff15::1",
               hex("82 00 00 00 27 10 00 00 ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 01 02 7d "
                   "00 01 ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01"))},
        {UnknownIgmpType, "DVMRP probe",
         v4(withChecksum(hex("13 01 00 00 00 00 00 00")), "224.0.0.4")},
        {UnknownIgmpType, "mtrace request", v4(withChecksum(hex("1f 00 00 00 00 00 00 00")))},
        // ---- MLD ----
        {TruncatedMld, "empty ICMPv6", frame6("fe80::2", "ff12::1", Bytes{})},
        {TruncatedMld, "20-byte report",
         icmp6("fe80::2", "ff12::1",
               hex("83 00 00 00 00 00 00 00 ff 12 00 00 00 00 00 00 00 00 00 00"))},
        {TruncatedMld, "MLDv2 query with 1 source, none present",
         icmp6("fe80::1", "ff15::1",
               hex("82 00 00 00 27 10 00 00 ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 01 02 7d "
                   "00 01"))},
        {BadIcmpv6Checksum, "report checksum off by one",
         patched(mldReport, 14 + 48 + 2, {0x80, 0x03})},
        {BadIcmpv6Checksum, "checksum for another destination",
         frame6("fe80::2", "ff12::2", mldReportBody)},
        {BadMldLength, "26-byte query", icmp6("fe80::1", "ff02::1", mldQueryBody(26))},
        {MldHopLimitNot1, "hop limit 255",
         frame6("fe80::2", "ff12::1", mldReportBody, V6{255, true, 58})},
        {MldNoRouterAlert, "no Hop-by-Hop header",
         frame6("fe80::2", "ff12::1", mldReportBody, V6{1, false, 58})},
        {MldNoRouterAlert, "HbH without Router Alert",
         frame6("fe80::2", "ff12::1", hex("3a 00 01 04 00 00 00 00") + mldReportBody, kBareV6)},
        {MldSourceNotLinkLocal, "query from a global address",
         icmp6("2001:db8::1", "ff02::1", mldQueryBody(24))},
        {MldSourceNotLinkLocal, "query from ::", icmp6("::", "ff02::1", mldQueryBody(28))},
        {MldSourceNotLinkLocal, "report from a global address",
         icmp6("2001:db8::2", "ff12::1", mldReportBody)},
        {UnknownIcmpv6Type, "echo request",
         icmp6("fe80::2", "ff02::1", hex("80 00 00 00 00 01 00 01"))},
        {UnknownIcmpv6Type, "neighbour solicitation",
         icmp6("fe80::2", "ff02::1:ff00:1", hex("87 00 00 00 00 00 00 00"))},
        // ---- PIM ----
        {TruncatedPim, "3 bytes",
         frame4("192.0.2.1", "224.0.0.13", hex("20 00 df"), V4{1, false, 103})},
        {BadPimChecksum, "checksum off by one", patched(vec("pim-hello-v4"), 14 + 20 + 3, {0x94})},
        {BadPimChecksum, "IPv6 hello checksummed without pseudo-header",
         frame6("fe80::1", "ff02::d", withChecksum(hex("20 00 00 00 00 01 00 02 00 69")),
                V6{1, false, 103})},
        {BadPimVersion, "PIMv1 header", pim4(hex("10 00 00 00 00 01 00 02 00 69"))},
        {NotPimHello, "Join/Prune (type 3)", pim4(hex("23 00 00 00 01 00 00 00"))},
        {BadPimDestination, "hello to 224.0.0.5",
         pim4(hex("20 00 00 00 00 01 00 02 00 69"), "224.0.0.5")},
        {BadPimOption, "Holdtime length 4", pim4(hex("20 00 00 00 00 01 00 04 00 00 00 69"))},
        {BadPimOption, "option value overruns", pim4(hex("20 00 00 00 00 13 00 08 00 00 00 01"))},
        {BadPimOption, "trailing partial option", pim4(hex("20 00 00 00 00 01 00 02 00 69 00 14"))},
        // ---- MRD ----
        {TruncatedMrd, "6-byte v4 advertisement",
         v4(withChecksum(hex("30 14 00 00 00 7d")), "224.0.0.106")},
        {TruncatedMrd, "6-byte v6 advertisement",
         icmp6("fe80::1", "ff02::6a", hex("97 14 00 00 00 7d"))},
        {TruncatedMrd, "3-byte v6 solicitation", frame6("fe80::1", "ff02::2", hex("98 00 00"))},
        {BadMrdDestination, "v4 advertisement to 224.0.0.2",
         v4(hex("30 14 cf 6c 00 7d 00 02"), "224.0.0.2")},
        {BadMrdDestination, "v4 solicitation to All-Snoopers",
         v4(hex("31 00 ce ff"), "224.0.0.106")},
        {BadMrdDestination, "v6 termination to ff02::2",
         icmp6("fe80::1", "ff02::2", hex("99 00 00 00"))},
        {BadMrdSource, "v6 advertisement from a global address",
         icmp6("2001:db8::1", "ff02::6a", hex("97 14 00 00 00 7d 00 02"))},
        // ---- Strict mode (rfc-conformance.md §1.12 C6, C7, C9) ----
        {StrictTtlNot1, "v2 report with TTL 64",
         v4(hex("16 00 f9 fc ef 01 01 01"), "239.1.1.1", V4{64, true, 2}), true},
        {StrictTtlNot1, "MRD advertisement with TTL 2",
         v4(hex("30 14 cf 6c 00 7d 00 02"), "224.0.0.106", V4{2, true, 2}), true},
        {StrictNoRouterAlert, "v2 report without Router Alert",
         v4(hex("16 00 f9 fc ef 01 01 01"), "239.1.1.1", V4{1, false, 2}), true},
        {StrictNoRouterAlert, "v3 query without Router Alert",
         v4(hex("11 64 ec 1e 00 00 00 00 02 7d 00 00"), "224.0.0.1", V4{1, false, 2}), true},
        {StrictNoRouterAlert, "v2 leave without Router Alert",
         v4(hex("17 00 f8 fc ef 01 01 01"), "224.0.0.2", V4{1, false, 2}), true},
        {StrictNoRouterAlert, "v3 report without Router Alert",
         v4(hex("22 00 e9 fb 00 00 00 01 04 00 00 00 ef 01 01 01"), "224.0.0.22", V4{1, false, 2}),
         true},
        {StrictBadQueryDestination, "v2 general query to 224.0.0.2", v4(v2GqBody, "224.0.0.2"),
         true},
        {StrictBadQueryDestination, "MLDv2 general query to ff02::2",
         icmp6("fe80::1", "ff02::2", mldQueryBody(28)), true},
        // ---- BPDU ----
        {TruncatedBpdu, "LLC cut", Bytes(vec("bpdu-tcn").begin(), vec("bpdu-tcn").begin() + 16)},
        {TruncatedBpdu, "config BPDU cut at 20 bytes",
         Bytes(vec("bpdu-config-tc").begin(), vec("bpdu-config-tc").begin() + 37)},
        {TruncatedBpdu, "config BPDU with a short 802.3 length",
         patched(vec("bpdu-config-tc"), 12, {0x00, 0x20})},
        {TruncatedBpdu, "TCN with 2 bytes",
         patched(Bytes(vec("bpdu-tcn").begin(), vec("bpdu-tcn").begin() + 19), 12, {0x00, 0x05})},
        {BadBpdu, "protocol identifier 1", patched(vec("bpdu-tcn"), 17, {0x00, 0x01})},
        {BadBpdu, "unknown type", patched(vec("bpdu-tcn"), 20, {0x05})},
        {BadBpdu, "RST type with version 0", patched(vec("bpdu-rst-tc"), 19, {0x00})},
        {BadBpdu, "802.3 length below the LLC", patched(vec("bpdu-tcn"), 12, {0x00, 0x02})},
    };
}

TEST(DropReasons, EachCaseDropsWithItsReason) {
    for (const Case& c : cases()) {
        SCOPED_TRACE(std::string(to_string(c.reason)) + ": " + std::string(c.what));
        auto r = decodeFrame(c.frame, DecodeOptions{c.strict});
        ASSERT_FALSE(r) << toHex(c.frame);
        EXPECT_EQ(to_string(r.error()), to_string(c.reason));
        if (c.strict) {
            EXPECT_EQ(dropOf(c.frame), "decoded");   // SHOULD-level only
        }
    }
}

TEST(DropReasons, EveryReasonHasACase) {
    std::set<DropReason> covered;
    for (const Case& c : cases()) covered.insert(c.reason);
    for (size_t i = 0; i < kDropReasonCount; ++i) {
        auto r = static_cast<DropReason>(i);
        EXPECT_TRUE(covered.count(r)) << "no test frame for " << to_string(r);
    }
}

TEST(DropReasons, NamesAreUniqueAndKnown) {
    std::set<std::string_view> names;
    for (size_t i = 0; i < kDropReasonCount; ++i) {
        auto n = to_string(static_cast<DropReason>(i));
        EXPECT_NE(n, "unknown");
        EXPECT_TRUE(names.insert(n).second) << n;
    }
    EXPECT_EQ(to_string(DropReason::Count_), "unknown");
}

TEST(DropCounters, CountAndTotal) {
    DropCounters c;
    EXPECT_EQ(c.total(), 0u);
    for (const Case& k : cases()) {
        auto r = decodeFrame(k.frame, DecodeOptions{k.strict});
        if (!r) c.count(r.error());
    }
    EXPECT_EQ(c.total(), cases().size());
    EXPECT_EQ(c.get(DropReason::BadBpdu), 4u);
    EXPECT_EQ(c.raw().size(), kDropReasonCount);
}

}  // namespace
}  // namespace mcs::wire::test
