// IGMPv1/v2/v3 decoding (RFC 1112, RFC 2236, RFC 9776) from the annotated vectors.
#include <gtest/gtest.h>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

using Sources = std::vector<IpAddr>;

Sources sources(std::initializer_list<std::string_view> list) {
    Sources s;
    for (auto a : list) s.push_back(ip(a));
    return s;
}

void expectRecord(const GroupRecord& r, RecordType type, std::string_view group, Sources srcs) {
    EXPECT_EQ(r.type, type);
    EXPECT_EQ(r.group, ip(group));
    EXPECT_EQ(r.sources, srcs);
}

TEST(Igmp, V2ReportFullFrame) {
    Decoded d = decodeOk(vec("igmpv2-report"));
    EXPECT_EQ(d.dstMac.str(), "01:00:5e:01:01:01");
    EXPECT_EQ(d.srcMac.str(), "02:00:00:00:00:01");
    EXPECT_FALSE(d.tagVid);
    EXPECT_EQ(d.src, ip("192.0.2.10"));
    EXPECT_EQ(d.dst, ip("239.1.1.1"));
    EXPECT_EQ(d.ttl, 1);
    EXPECT_TRUE(d.routerAlert);
    auto r = msgAs<Report>(d);
    EXPECT_EQ(r.version, ProtoVersion::IgmpV2);
    ASSERT_EQ(r.records.size(), 1u);
    expectRecord(r.records[0], RecordType::IsExclude, "239.1.1.1", {});
}

TEST(Igmp, V1ReportWithoutRouterAlert) {
    Decoded d = decodeOk(vec("igmpv1-report"));
    EXPECT_FALSE(d.routerAlert);
    auto r = msgAs<Report>(d);
    EXPECT_EQ(r.version, ProtoVersion::IgmpV1);
    ASSERT_EQ(r.records.size(), 1u);
    expectRecord(r.records[0], RecordType::IsExclude, "239.1.1.1", {});
    // Strict mode does not ask a v1 host for Router Alert (RFC 9776 §9.2).
    decodeOk(vec("igmpv1-report"), kStrict);
}

TEST(Igmp, V2LeaveAndGlobalLeave) {
    auto l = decodeAs<Leave>(vec("igmpv2-leave"));
    EXPECT_EQ(l.version, ProtoVersion::IgmpV2);
    EXPECT_EQ(l.group, ip("239.1.1.1"));
    EXPECT_FALSE(l.isGlobalLeave());
    auto g = decodeAs<Leave>(vec("igmp-global-leave"));
    EXPECT_TRUE(g.isGlobalLeave());
    EXPECT_TRUE(g.group.isV4());
}

TEST(Igmp, V1QueryMeansTenSeconds) {
    auto q = decodeAs<Query>(vec("igmpv1-gq"));
    EXPECT_EQ(q.version, ProtoVersion::IgmpV1);
    EXPECT_TRUE(q.isGeneral());
    EXPECT_EQ(q.maxRespMs, 10000u);   // RFC 9776 §7.2.1
    EXPECT_EQ(q.qrv, 0);
    EXPECT_EQ(q.qqiSec, 0u);
}

TEST(Igmp, V2Queries) {
    auto gq = decodeAs<Query>(vec("igmpv2-gq"));
    EXPECT_EQ(gq.version, ProtoVersion::IgmpV2);
    EXPECT_TRUE(gq.isGeneral());
    EXPECT_EQ(gq.maxRespMs, 10000u);
    auto gsq = decodeAs<Query>(vec("igmpv2-gsq"));
    EXPECT_EQ(gsq.group, ip("239.1.1.1"));
    EXPECT_EQ(gsq.maxRespMs, 1000u);
    Decoded proxy = decodeOk(vec("igmpv2-gq-proxy"));
    EXPECT_TRUE(proxy.src.isUnspecified());
    EXPECT_TRUE(msgAs<Query>(proxy).isGeneral());
}

TEST(Igmp, V3GeneralQuery) {
    Decoded d = decodeOk(vec("igmpv3-gq"));
    EXPECT_EQ(d.src, ip("192.0.2.1"));
    auto q = msgAs<Query>(d);
    EXPECT_EQ(q.version, ProtoVersion::IgmpV3);
    EXPECT_TRUE(q.isGeneral());
    EXPECT_TRUE(q.sources.empty());
    EXPECT_EQ(q.maxRespMs, 10000u);
    EXPECT_FALSE(q.suppressRouterSide);
    EXPECT_EQ(q.qrv, 2);
    EXPECT_EQ(q.qqiSec, 125u);
}

TEST(Igmp, V3QueryFloatCodesSFlagAndQrv7) {
    auto q = decodeAs<Query>(vec("igmpv3-gq-float"));
    EXPECT_EQ(q.maxRespMs, 24800u);   // 0x8f = 248 tenths
    EXPECT_EQ(q.qqiSec, 256u);        // 0x90
    EXPECT_EQ(q.qrv, 7);
    EXPECT_TRUE(q.suppressRouterSide);
}

TEST(Igmp, V3QueryAdditionalDataIgnored) {
    auto q = decodeAs<Query>(vec("igmpv3-gq-additional-data"));
    EXPECT_EQ(q.version, ProtoVersion::IgmpV3);
    EXPECT_TRUE(q.sources.empty());
    EXPECT_EQ(q.qqiSec, 125u);
}

TEST(Igmp, V3GroupAndSourceSpecificQueries) {
    auto gsq = decodeAs<Query>(vec("igmpv3-gsq"));
    EXPECT_EQ(gsq.group, ip("239.1.1.1"));
    EXPECT_EQ(gsq.maxRespMs, 1000u);
    EXPECT_TRUE(gsq.sources.empty());
    auto gssq = decodeAs<Query>(vec("igmpv3-gssq"));
    EXPECT_EQ(gssq.group, ip("232.1.1.1"));
    EXPECT_TRUE(gssq.suppressRouterSide);
    EXPECT_EQ(gssq.sources, sources({"10.0.0.1"}));
}

TEST(Igmp, V3ReportsFromReference) {
    auto toEx = decodeAs<Report>(vec("igmpv3-report-to-ex"));
    EXPECT_EQ(toEx.version, ProtoVersion::IgmpV3);
    ASSERT_EQ(toEx.records.size(), 1u);
    expectRecord(toEx.records[0], RecordType::ToExclude, "239.1.1.1", {});
    auto toIn = decodeAs<Report>(vec("igmpv3-report-to-in"));
    ASSERT_EQ(toIn.records.size(), 1u);
    expectRecord(toIn.records[0], RecordType::ToInclude, "239.1.1.1", {});
    auto allow = decodeAs<Report>(vec("igmpv3-report-allow"));
    ASSERT_EQ(allow.records.size(), 1u);
    expectRecord(allow.records[0], RecordType::AllowNewSources, "232.1.1.1", sources({"10.0.0.1"}));
}

TEST(Igmp, LinuxSelftestVectors) {
    struct Row {
        std::string_view name;
        RecordType type;
        Sources srcs;
    };
    const Row rows[] = {
        {"linux-is-in", RecordType::IsInclude, sources({"192.0.2.1", "192.0.2.2", "192.0.2.3"})},
        {"linux-is-in-2", RecordType::IsInclude,
         sources({"192.0.2.10", "192.0.2.11", "192.0.2.12"})},
        {"linux-is-in-3", RecordType::IsInclude, sources({"192.0.2.20", "192.0.2.30"})},
        {"linux-allow", RecordType::AllowNewSources,
         sources({"192.0.2.10", "192.0.2.11", "192.0.2.12"})},
        {"linux-allow-2", RecordType::AllowNewSources, sources({"192.0.2.20", "192.0.2.30"})},
        {"linux-is-ex", RecordType::IsExclude,
         sources({"192.0.2.1", "192.0.2.2", "192.0.2.20", "192.0.2.21"})},
        {"linux-is-ex-2", RecordType::IsExclude, sources({"192.0.2.20", "192.0.2.30"})},
        {"linux-to-ex", RecordType::ToExclude, sources({"192.0.2.1", "192.0.2.20", "192.0.2.30"})},
        {"linux-block", RecordType::BlockOldSources,
         sources({"192.0.2.1", "192.0.2.20", "192.0.2.30"})},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        auto r = decodeAs<Report>(vec(row.name));
        EXPECT_EQ(r.version, ProtoVersion::IgmpV3);
        EXPECT_EQ(r.skippedRecords, 0u);
        ASSERT_EQ(r.records.size(), 1u);
        expectRecord(r.records[0], row.type, "239.10.10.10", row.srcs);
    }
}

TEST(Igmp, V3ReportAllSixRecordTypes) {
    auto r = decodeAs<Report>(vec("igmpv3-report-six-types"));
    ASSERT_EQ(r.records.size(), 6u);
    expectRecord(r.records[0], RecordType::IsInclude, "239.1.1.1", sources({"192.0.2.1"}));
    expectRecord(r.records[1], RecordType::IsExclude, "239.1.1.2", {});
    expectRecord(r.records[2], RecordType::ToInclude, "239.1.1.3", sources({"192.0.2.3"}));
    expectRecord(r.records[3], RecordType::ToExclude, "239.1.1.4", sources({"192.0.2.4"}));
    expectRecord(r.records[4], RecordType::AllowNewSources, "232.1.1.5",
                 sources({"192.0.2.5", "192.0.2.6"}));
    expectRecord(r.records[5], RecordType::BlockOldSources, "232.1.1.6", sources({"192.0.2.7"}));
}

TEST(Igmp, V3ReportSkipsUnknownRecordAuxDataAndAdditionalData) {
    auto r = decodeAs<Report>(vec("igmpv3-report-aux-unknown-trailing"));
    EXPECT_EQ(r.skippedRecords, 1u);
    ASSERT_EQ(r.records.size(), 1u);
    expectRecord(r.records[0], RecordType::IsExclude, "239.1.1.1", sources({"192.0.2.1"}));
}

// A report as large as IPv4 allows: 8000 records (64 KB) decode, nothing is lost.
TEST(Igmp, V3ReportWithManyRecords) {
    constexpr uint16_t kRecords = 8000;
    Bytes msg = hex("22 00 00 00 00 00") + Bytes{kRecords >> 8, kRecords & 0xff};
    for (uint16_t i = 0; i < kRecords; ++i) {
        // IS_EX, aux 0, no sources, group 239.0.x.y
        msg.insert(msg.end(), {0x02, 0x00, 0x00, 0x00, 0xef, 0x00, static_cast<uint8_t>(i >> 8),
                               static_cast<uint8_t>(i)});
    }
    auto r = decodeAs<Report>(frame4("192.0.2.10", "224.0.0.22", withChecksum(msg)));
    ASSERT_EQ(r.records.size(), kRecords);
    EXPECT_EQ(r.records.back().group, ip("239.0.31.63"));
}

// The most sources a 1500-byte MTU allows in one record (RFC 9776 §4.1.8: 366 for queries).
TEST(Igmp, V3QueryWithManySources) {
    constexpr uint16_t kSources = 366;
    Bytes msg = hex("11 64 00 00 e8 01 01 01 02 7d") + Bytes{kSources >> 8, kSources & 0xff};
    for (uint16_t i = 0; i < kSources; ++i)
        msg.insert(msg.end(), {10, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i + 1)});
    auto q = decodeAs<Query>(frame4("192.0.2.1", "232.1.1.1", withChecksum(msg)));
    EXPECT_EQ(q.sources.size(), kSources);
}

TEST(Igmp, RouterAlertAfterNop) {
    Decoded d = decodeOk(vec("igmpv2-report-ra-not-first"));
    EXPECT_TRUE(d.routerAlert);
    decodeOk(vec("igmpv2-report-ra-not-first"), kStrict);
}

// C6/C7/C9: accepted by default, dropped only in strict mode.
TEST(Igmp, StrictChecksAreOptIn) {
    const Bytes ttl2 =
        frame4("192.0.2.10", "239.1.1.1", hex("16 00 f9 fc ef 01 01 01"), V4{2, true, 2});
    const Bytes noRa =
        frame4("192.0.2.10", "239.1.1.1", hex("16 00 f9 fc ef 01 01 01"), V4{1, false, 2});
    const Bytes gqToGroup = frame4("192.0.2.1", "239.1.1.1", hex("11 64 ee 9b 00 00 00 00"));
    for (const Bytes* f : {&ttl2, &noRa, &gqToGroup}) decodeOk(*f);
    EXPECT_EQ(decodeOk(ttl2).ttl, 2);
    EXPECT_EQ(dropOf(ttl2, kStrict), "strict-ttl-not-1");
    EXPECT_EQ(dropOf(noRa, kStrict), "strict-no-router-alert");
    EXPECT_EQ(dropOf(gqToGroup, kStrict), "strict-bad-query-destination");
    for (const auto& v : allVectors())
        if (v.name.starts_with("igmp") || v.name.starts_with("linux")) {
            EXPECT_EQ(dropOf(v.frame, kStrict), "decoded") << v.name;
        }
}

// Found by fuzz_frame: strict mode only adds drops, so a frame failing a MUST check
// reports the same reason in both modes.
TEST(Igmp, MustChecksComeBeforeStrictChecks) {
    const Bytes termToWrongDst =
        frame4("192.0.2.1", "224.0.0.2", hex("32 00 cd ff"), V4{255, true, 2});
    EXPECT_EQ(dropOf(termToWrongDst), "bad-mrd-destination");
    EXPECT_EQ(dropOf(termToWrongDst, kStrict), "bad-mrd-destination");
    const Bytes badGroupNoRa = frame4(
        "192.0.2.10", "224.0.0.1", withChecksum(hex("16 00 00 00 e0 00 00 01")), V4{9, false, 2});
    EXPECT_EQ(dropOf(badGroupNoRa, kStrict), "bad-group-address");
}

}  // namespace
}  // namespace mcs::wire::test
