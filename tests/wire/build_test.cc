// Builders: byte-exact against the reference vectors where our choices match
// theirs (TOS 0xc0, DF, id 0, TTL 1, Router Alert, canonical Hop-by-Hop), and
// build -> decode round trips for every builder and option.
#include "agent/wire/build.h"

#include <gtest/gtest.h>

#include <functional>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

using enum ProtoVersion;
using RT = RecordType;

const MacAddr kMac = MacAddr::fromBytes(hex("02 00 00 00 00 01").data());
const MacAddr kBridgeMac = MacAddr::fromBytes(hex("02 00 00 00 00 02").data());
const L2 kL2{kMac, std::nullopt};

GroupRecord rec(RT t, std::string_view group, std::initializer_list<std::string_view> srcs = {}) {
    GroupRecord r{t, ip(group), {}};
    for (auto s : srcs) r.sources.push_back(ip(s));
    return r;
}

QuerySpec query(ProtoVersion v, std::string_view src, std::string_view group, uint32_t ms) {
    QuerySpec q;
    q.version = v;
    q.src = ip(src);
    q.group = ip(group);
    q.maxRespMs = ms;
    return q;
}

QuerySpec withSFlagQrvQqi(QuerySpec q, bool s, uint8_t qrv, uint32_t qqi,
                          std::initializer_list<std::string_view> srcs = {}) {
    q.suppressRouterSide = s;
    q.qrv = qrv;
    q.qqiSec = qqi;
    for (auto a : srcs) q.sources.push_back(ip(a));
    return q;
}

Frame report(ProtoVersion v, std::string_view src, std::vector<GroupRecord> records,
             const L2& l2 = kL2) {
    return buildReport(l2, ReportSpec{v, ip(src), std::move(records)});
}

Frame linuxReport(RT t, std::initializer_list<std::string_view> srcs) {
    return report(IgmpV3, "192.0.2.10", {rec(t, "239.10.10.10", srcs)});
}

struct Exact {
    std::string_view vector;
    std::function<Frame()> build;
};

const std::vector<Exact>& exactCases() {
    static const std::vector<Exact> cases = {
        {"igmpv2-report",
         [] { return report(IgmpV2, "192.0.2.10", {rec(RT::IsExclude, "239.1.1.1")}); }},
        {"igmpv3-gq", [] { return buildQuery(kL2, query(IgmpV3, "192.0.2.1", "0.0.0.0", 10000)); }},
        {"igmpv2-gq-proxy",
         [] { return buildQuery(kL2, query(IgmpV2, "0.0.0.0", "0.0.0.0", 10000)); }},
        {"igmpv2-leave", [] { return buildLeave(kL2, IgmpV2, ip("192.0.2.10"), ip("239.1.1.1")); }},
        {"igmp-global-leave", [] { return buildQuerySolicitation(kL2, ip("192.0.2.10")); }},
        {"igmpv2-gq", [] { return buildQuery(kL2, query(IgmpV2, "192.0.2.1", "0.0.0.0", 10000)); }},
        {"igmpv2-gsq",
         [] { return buildQuery(kL2, query(IgmpV2, "192.0.2.1", "239.1.1.1", 1000)); }},
        {"igmpv3-gsq",
         [] { return buildQuery(kL2, query(IgmpV3, "192.0.2.1", "239.1.1.1", 1000)); }},
        {"igmpv3-gssq",
         [] {
             return buildQuery(kL2, withSFlagQrvQqi(query(IgmpV3, "192.0.2.1", "232.1.1.1", 1000),
                                                    true, 2, 125, {"10.0.0.1"}));
         }},
        {"igmpv3-gq-float",
         [] {
             return buildQuery(
                 kL2, withSFlagQrvQqi(query(IgmpV3, "192.0.2.1", "0.0.0.0", 24800), true, 7, 256));
         }},
        {"igmpv3-report-to-ex",
         [] { return report(IgmpV3, "192.0.2.10", {rec(RT::ToExclude, "239.1.1.1")}); }},
        {"igmpv3-report-to-in",
         [] { return buildLeave(kL2, IgmpV3, ip("192.0.2.10"), ip("239.1.1.1")); }},
        {"igmpv3-report-allow",
         [] {
             return report(IgmpV3, "192.0.2.10",
                           {rec(RT::AllowNewSources, "232.1.1.1", {"10.0.0.1"})});
         }},
        {"linux-is-in",
         [] {
             return linuxReport(RT::IsInclude, {"192.0.2.1", "192.0.2.2", "192.0.2.3"});
         }},
        {"linux-is-in-2",
         [] {
             return linuxReport(RT::IsInclude, {"192.0.2.10", "192.0.2.11", "192.0.2.12"});
         }},
        {"linux-is-in-3",
         [] {
             return linuxReport(RT::IsInclude, {"192.0.2.20", "192.0.2.30"});
         }},
        {"linux-allow",
         [] {
             return linuxReport(RT::AllowNewSources, {"192.0.2.10", "192.0.2.11", "192.0.2.12"});
         }},
        {"linux-allow-2",
         [] {
             return linuxReport(RT::AllowNewSources, {"192.0.2.20", "192.0.2.30"});
         }},
        {"linux-is-ex",
         [] {
             return linuxReport(RT::IsExclude,
                                {"192.0.2.1", "192.0.2.2", "192.0.2.20", "192.0.2.21"});
         }},
        {"linux-is-ex-2",
         [] {
             return linuxReport(RT::IsExclude, {"192.0.2.20", "192.0.2.30"});
         }},
        {"linux-to-ex",
         [] {
             return linuxReport(RT::ToExclude, {"192.0.2.1", "192.0.2.20", "192.0.2.30"});
         }},
        {"linux-block",
         [] {
             return linuxReport(RT::BlockOldSources, {"192.0.2.1", "192.0.2.20", "192.0.2.30"});
         }},
        {"igmpv3-report-six-types",
         [] {
             return report(
                 IgmpV3, "192.0.2.10",
                 {rec(RT::IsInclude, "239.1.1.1", {"192.0.2.1"}), rec(RT::IsExclude, "239.1.1.2"),
                  rec(RT::ToInclude, "239.1.1.3", {"192.0.2.3"}),
                  rec(RT::ToExclude, "239.1.1.4", {"192.0.2.4"}),
                  rec(RT::AllowNewSources, "232.1.1.5", {"192.0.2.5", "192.0.2.6"}),
                  rec(RT::BlockOldSources, "232.1.1.6", {"192.0.2.7"})});
         }},
        {"mldv1-report", [] { return report(MldV1, "fe80::2", {rec(RT::IsExclude, "ff12::1")}); }},
        {"mldv1-gq", [] { return buildQuery(kL2, query(MldV1, "fe80::1", "::", 10000)); }},
        {"mldv1-done", [] { return buildLeave(kL2, MldV1, ip("fe80::2"), ip("ff12::1")); }},
        {"mldv2-gq", [] { return buildQuery(kL2, query(MldV2, "fe80::1", "::", 10000)); }},
        {"mldv2-massq",
         [] {
             return buildQuery(kL2, withSFlagQrvQqi(query(MldV2, "fe80::1", "ff15::1", 40000), true,
                                                    3, 60, {"2001:db8::1", "2001:db8::2"}));
         }},
        {"mldv2-report-to-ex",
         [] { return report(MldV2, "fe80::2", {rec(RT::ToExclude, "ff12::1")}); }},
        {"mldv2-report-six-types",
         [] {
             return report(
                 MldV2, "fe80::2",
                 {rec(RT::IsInclude, "ff15::1", {"2001:db8::1"}), rec(RT::IsExclude, "ff15::2"),
                  rec(RT::ToInclude, "ff15::3", {"2001:db8::3"}),
                  rec(RT::ToExclude, "ff15::4", {"2001:db8::4"}),
                  rec(RT::AllowNewSources, "ff3e::5", {"2001:db8::5", "2001:db8::6"}),
                  rec(RT::BlockOldSources, "ff3e::6", {"2001:db8::7"})});
         }},
        {"mldv1-report-unspecified-src",
         [] { return report(MldV1, "::", {rec(RT::IsExclude, "ff02::1:ff00:2")}); }},
        {"mldv1-done-global", [] { return buildQuerySolicitation(kL2, ip("fe80::2")); }},
        {"pim-hello-v4", [] { return buildPimHello(kL2, ip("192.0.2.1"), 105); }},
        {"pim-hello-v6", [] { return buildPimHello(kL2, ip("fe80::1"), 105); }},
        {"mrd-adv-v4",
         [] {
             return buildMrdAdvertisement(kL2, ip("192.0.2.1"), MrdAdvertisement{20, 125, 2});
         }},
        {"mrd-solicitation-v4", [] { return buildMrdSolicitation(kL2, ip("192.0.2.10")); }},
        {"mrd-termination-v4", [] { return buildMrdTermination(kL2, ip("192.0.2.1")); }},
        {"mrd-adv-v6",
         [] {
             return buildMrdAdvertisement(kL2, ip("fe80::1"), MrdAdvertisement{20, 125, 2});
         }},
        {"mrd-solicitation-v6", [] { return buildMrdSolicitation(kL2, ip("fe80::1")); }},
        {"mrd-termination-v6", [] { return buildMrdTermination(kL2, ip("fe80::1")); }},
        {"bpdu-tcn", [] { return buildTcnBpdu(kBridgeMac); }},
        {"bpdu-config-tc",
         [] {
             Bpdu b;
             b.topologyChange = true;
             b.rootId = 0x8000020000000001;
             b.rootPathCost = 4;
             b.bridgeId = 0x8000020000000002;
             b.portId = 0x8001;
             return buildConfigBpdu(kBridgeMac, b);
         }},
    };
    return cases;
}

TEST(Build, ByteExactAgainstVectors) {
    for (const auto& c : exactCases()) {
        SCOPED_TRACE(c.vector);
        EXPECT_EQ(toHex(c.build()), toHex(vec(c.vector)));
    }
}

// Whatever we build, we decode again (in strict mode too: we are a good citizen).
TEST(Build, EveryBuiltFrameDecodesStrictly) {
    for (const auto& c : exactCases()) {
        SCOPED_TRACE(c.vector);
        decodeOk(c.build(), kStrict);
    }
}

TEST(Build, QueryRoundTripKeepsEveryField) {
    for (ProtoVersion v : {IgmpV3, MldV2}) {
        bool v4 = v == IgmpV3;
        QuerySpec spec = withSFlagQrvQqi(
            query(v, v4 ? "192.0.2.1" : "fe80::1", v4 ? "232.1.1.1" : "ff3e::1", 2000), true, 5, 60,
            {v4 ? "10.0.0.1" : "2001:db8::1"});
        Decoded d = decodeOk(buildQuery(kL2, spec));
        EXPECT_EQ(d.dstMac, MacAddr::forGroup(spec.group));
        EXPECT_EQ(d.dst, spec.group);
        EXPECT_EQ(d.ttl, 1);
        EXPECT_TRUE(d.routerAlert);
        auto q = msgAs<Query>(d);
        EXPECT_EQ(q.version, v);
        EXPECT_EQ(q.group, spec.group);
        EXPECT_EQ(q.sources, spec.sources);
        EXPECT_EQ(q.maxRespMs, 2000u);
        EXPECT_TRUE(q.suppressRouterSide);
        EXPECT_EQ(q.qrv, 5);
        EXPECT_EQ(q.qqiSec, 60u);
    }
}

TEST(Build, QueryEncodingLimits) {
    // QRV above 7 is sent as 0 (RFC 9776 §4.1.6); times round down (§8.8).
    auto big = withSFlagQrvQqi(query(IgmpV3, "192.0.2.1", "0.0.0.0", 5000000), false, 9, 1000);
    auto q = decodeAs<Query>(buildQuery(kL2, big));
    EXPECT_EQ(q.qrv, 0);
    EXPECT_EQ(q.maxRespMs, 3174400u);   // 0xff
    EXPECT_EQ(q.qqiSec, 992u);          // 0xaf
    // IGMPv2: linear tenths, at least 1 (0 would make it a v1 query), at most 255.
    EXPECT_EQ(decodeAs<Query>(buildQuery(kL2, query(IgmpV2, "192.0.2.1", "0.0.0.0", 50))).maxRespMs,
              100u);
    EXPECT_EQ(
        decodeAs<Query>(buildQuery(kL2, query(IgmpV2, "192.0.2.1", "0.0.0.0", 99999))).maxRespMs,
        25500u);
    // MLDv1: linear milliseconds, capped at 65535.
    EXPECT_EQ(decodeAs<Query>(buildQuery(kL2, query(MldV1, "fe80::1", "::", 100000))).maxRespMs,
              65535u);
    // v1-style query: Max Resp 0, read back as 10 s.
    auto v1 = decodeAs<Query>(buildQuery(kL2, query(IgmpV1, "192.0.2.1", "0.0.0.0", 5000)));
    EXPECT_EQ(v1.version, IgmpV1);
    EXPECT_EQ(v1.maxRespMs, 10000u);
    // Sources only exist from v3 on: a v2 query ignores them.
    auto v2 =
        withSFlagQrvQqi(query(IgmpV2, "192.0.2.1", "239.1.1.1", 1000), false, 2, 125, {"10.0.0.1"});
    EXPECT_TRUE(decodeAs<Query>(buildQuery(kL2, v2)).sources.empty());
    // A default (IPv4) group in an MLD spec still means "general".
    QuerySpec mld = query(MldV2, "fe80::1", "::", 1000);
    mld.group = IpAddr{};
    EXPECT_EQ(decodeOk(buildQuery(kL2, mld)).dst, ip("ff02::1"));
}

TEST(Build, ReportsAndLeavesOfEveryVersion) {
    auto v1 = decodeOk(report(IgmpV1, "192.0.2.10", {rec(RT::IsExclude, "239.1.1.1")}));
    EXPECT_EQ(msgAs<Report>(v1).version, IgmpV1);
    EXPECT_EQ(v1.dst, ip("239.1.1.1"));
    // IGMPv1 has no leave: the v2 leave is the closest thing.
    auto l1 = decodeAs<Leave>(buildLeave(kL2, IgmpV1, ip("192.0.2.10"), ip("239.1.1.1")));
    EXPECT_EQ(l1.version, IgmpV2);
    for (ProtoVersion v : {IgmpV3, MldV2}) {
        std::string_view group = v == IgmpV3 ? "239.1.1.1" : "ff12::1";
        Decoded d =
            decodeOk(buildLeave(kL2, v, ip(v == IgmpV3 ? "192.0.2.10" : "fe80::2"), ip(group)));
        EXPECT_EQ(d.dst, ip(v == IgmpV3 ? "224.0.0.22" : "ff02::16"));
        auto r = msgAs<Report>(d);
        ASSERT_EQ(r.records.size(), 1u);
        EXPECT_EQ(r.records[0].type, RT::ToInclude);
        EXPECT_EQ(r.records[0].group, ip(group));
    }
    auto done = decodeOk(buildLeave(kL2, MldV1, ip("fe80::2"), ip("ff12::1")));
    EXPECT_EQ(done.dst, ip("ff02::2"));
    EXPECT_EQ(msgAs<Leave>(done).group, ip("ff12::1"));
    // An empty v3 report is legal.
    EXPECT_TRUE(decodeAs<Report>(report(IgmpV3, "192.0.2.10", {})).records.empty());
}

TEST(Build, QuerySolicitations) {
    Decoded v4 = decodeOk(buildQuerySolicitation(kL2, ip("192.0.2.10")));
    EXPECT_EQ(v4.dst, ip("224.0.0.2"));
    EXPECT_TRUE(msgAs<Leave>(v4).isGlobalLeave());
    Decoded v6 = decodeOk(buildQuerySolicitation(kL2, ip("fe80::2")));
    EXPECT_EQ(v6.dst, ip("ff02::2"));
    EXPECT_TRUE(msgAs<Leave>(v6).isGlobalLeave());
    EXPECT_EQ(msgAs<Leave>(v6).version, MldV1);
}

TEST(Build, MrdAndPimRoundTrip) {
    for (auto src : {"192.0.2.1", "fe80::1"}) {
        SCOPED_TRACE(src);
        auto a = decodeAs<MrdAdvertisement>(
            buildMrdAdvertisement(kL2, ip(src), MrdAdvertisement{4, 60, 3}));
        EXPECT_EQ(a.advIntervalSec, 4);
        EXPECT_EQ(a.queryIntervalSec, 60);
        EXPECT_EQ(a.robustness, 3);
        decodeAs<MrdSolicitation>(buildMrdSolicitation(kL2, ip(src)));
        decodeAs<MrdTermination>(buildMrdTermination(kL2, ip(src)));
        auto h = decodeAs<PimHello>(buildPimHello(kL2, ip(src), 0xffff));
        EXPECT_EQ(h.holdtimeSec, 0xffff);
        EXPECT_EQ(decodeAs<PimHello>(buildPimHello(kL2, ip(src), 0)).holdtimeSec, 0);
    }
}

TEST(Build, BpduRoundTrip) {
    Bpdu in;
    in.kind = BpduKind::Rst;
    in.topologyChange = true;
    in.rootId = 0x1000aabbccddeeff;
    in.rootPathCost = 20000;
    in.bridgeId = 0x2000aabbccddee00;
    in.portId = 0x8003;
    for (BpduKind k : {BpduKind::Config, BpduKind::Rst}) {
        in.kind = k;
        in.topologyChangeAck = k == BpduKind::Config;
        Decoded d = decodeOk(buildConfigBpdu(kBridgeMac, in));
        EXPECT_EQ(d.srcMac, kBridgeMac);
        auto b = msgAs<Bpdu>(d);
        EXPECT_EQ(b.kind, k);
        EXPECT_TRUE(b.topologyChange);
        EXPECT_EQ(b.topologyChangeAck, k == BpduKind::Config);
        EXPECT_EQ(b.rootId, in.rootId);
        EXPECT_EQ(b.rootPathCost, in.rootPathCost);
        EXPECT_EQ(b.bridgeId, in.bridgeId);
        EXPECT_EQ(b.portId, in.portId);
    }
    in.kind = BpduKind::Tcn;
    EXPECT_EQ(buildConfigBpdu(kBridgeMac, in), buildTcnBpdu(kBridgeMac));
}

TEST(Build, TaggedFrames) {
    const L2 tagged{kMac, VlanId{10}};
    Frame f = report(IgmpV2, "192.0.2.10", {rec(RT::IsExclude, "239.1.1.1")}, tagged);
    // The vlan10 vector has PCP 6; we send PCP 0.
    EXPECT_EQ(toHex(f), toHex(patched(vec("igmpv2-report-vlan10"), 14, {0x00})));
    Decoded d = decodeOk(f);
    ASSERT_TRUE(d.tagVid);
    EXPECT_EQ(d.tagVid->value, 10);
}

TEST(Retag, StripInsertAndReplace) {
    const Bytes& plain = vec("igmpv2-report");
    const Bytes& c10 = vec("igmpv2-report-vlan10");   // PCP 6, VID 10
    EXPECT_EQ(retag(c10, std::nullopt), plain);
    EXPECT_EQ(retag(vec("igmpv2-report-stag20"), std::nullopt), plain);
    EXPECT_EQ(retag(plain, std::nullopt), plain);
    EXPECT_EQ(toHex(retag(plain, VlanId{10})), toHex(patched(c10, 14, {0x00})));
    // Re-tagging keeps the priority of the tag it replaces.
    EXPECT_EQ(toHex(retag(c10, VlanId{20})), toHex(patched(c10, 14, {0xc0, 0x14})));
    EXPECT_EQ(retag(vec("bpdu-tcn"), std::nullopt), vec("bpdu-tcn"));
    // Too short to carry an Ethernet header: returned as is.
    EXPECT_EQ(retag(hex("01 02 03"), VlanId{5}), hex("01 02 03"));
}

}  // namespace
}  // namespace mcs::wire::test
