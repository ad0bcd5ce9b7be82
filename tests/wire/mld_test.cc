// MLDv1/MLDv2 decoding (RFC 2710, RFC 9777) from the annotated vectors.
#include <gtest/gtest.h>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

TEST(Mld, V1ReportFullFrame) {
    Decoded d = decodeOk(vec("mldv1-report"));
    EXPECT_EQ(d.dstMac.str(), "33:33:00:00:00:01");
    EXPECT_EQ(d.src, ip("fe80::2"));
    EXPECT_EQ(d.dst, ip("ff12::1"));
    EXPECT_EQ(d.ttl, 1);
    EXPECT_TRUE(d.routerAlert);
    auto r = msgAs<Report>(d);
    EXPECT_EQ(r.version, ProtoVersion::MldV1);
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_EQ(r.records[0].type, RecordType::IsExclude);
    EXPECT_EQ(r.records[0].group, ip("ff12::1"));
    EXPECT_TRUE(r.records[0].sources.empty());
}

TEST(Mld, V1GeneralQuery) {
    auto q = decodeAs<Query>(vec("mldv1-gq"));
    EXPECT_EQ(q.version, ProtoVersion::MldV1);
    EXPECT_TRUE(q.isGeneral());
    EXPECT_TRUE(q.group.isV6());
    EXPECT_EQ(q.maxRespMs, 10000u);
}

TEST(Mld, V1DoneAndGlobalDone) {
    auto l = decodeAs<Leave>(vec("mldv1-done"));
    EXPECT_EQ(l.version, ProtoVersion::MldV1);
    EXPECT_EQ(l.group, ip("ff12::1"));
    EXPECT_TRUE(decodeAs<Leave>(vec("mldv1-done-global")).isGlobalLeave());
}

TEST(Mld, V2GeneralQuery) {
    auto q = decodeAs<Query>(vec("mldv2-gq"));
    EXPECT_EQ(q.version, ProtoVersion::MldV2);
    EXPECT_TRUE(q.isGeneral());
    EXPECT_EQ(q.maxRespMs, 10000u);
    EXPECT_EQ(q.qrv, 2);
    EXPECT_EQ(q.qqiSec, 125u);
    EXPECT_FALSE(q.suppressRouterSide);
}

TEST(Mld, V2AddressAndSourceSpecificQuery) {
    auto q = decodeAs<Query>(vec("mldv2-massq"));
    EXPECT_EQ(q.group, ip("ff15::1"));
    EXPECT_EQ(q.maxRespMs, 40000u);   // 0x8388
    EXPECT_TRUE(q.suppressRouterSide);
    EXPECT_EQ(q.qrv, 3);
    EXPECT_EQ(q.qqiSec, 60u);
    EXPECT_EQ(q.sources, (std::vector<IpAddr>{ip("2001:db8::1"), ip("2001:db8::2")}));
}

TEST(Mld, V2Reports) {
    auto toEx = decodeAs<Report>(vec("mldv2-report-to-ex"));
    EXPECT_EQ(toEx.version, ProtoVersion::MldV2);
    ASSERT_EQ(toEx.records.size(), 1u);
    EXPECT_EQ(toEx.records[0].type, RecordType::ToExclude);
    EXPECT_EQ(toEx.records[0].group, ip("ff12::1"));

    auto six = decodeAs<Report>(vec("mldv2-report-six-types"));
    ASSERT_EQ(six.records.size(), 6u);
    const RecordType types[] = {RecordType::IsInclude,       RecordType::IsExclude,
                                RecordType::ToInclude,       RecordType::ToExclude,
                                RecordType::AllowNewSources, RecordType::BlockOldSources};
    const size_t nSources[] = {1, 0, 1, 1, 2, 1};
    for (size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(six.records[i].type, types[i]);
        EXPECT_EQ(six.records[i].sources.size(), nSources[i]);
    }
    EXPECT_EQ(six.records[4].group, ip("ff3e::5"));
    EXPECT_EQ(six.records[4].sources[1], ip("2001:db8::6"));
    EXPECT_EQ(six.records[5].sources[0], ip("2001:db8::7"));
}

TEST(Mld, V2ReportSkipsUnknownRecordType) {
    auto msg =
        hex("8f 00 00 00 00 00 00 02"   // MLDv2 Report, 2 records
            "09 01 00 00"               // type 9 (unknown), aux 1 word, 0 sources
            "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 09"
            "01 02 03 04"   //   aux data
            "02 00 00 00"   // IS_EX, no sources
            "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 02");
    auto r =
        decodeAs<Report>(frame6("fe80::2", "ff02::16", withChecksum6("fe80::2", "ff02::16", msg)));
    EXPECT_EQ(r.skippedRecords, 1u);
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_EQ(r.records[0].group, ip("ff15::2"));
}

TEST(Mld, ReportFromUnspecifiedSourceAccepted) {
    // RFC 4541 §3 over RFC 9777 §5.2.14 (rfc-conformance.md §0.2 item 4).
    Decoded d = decodeOk(vec("mldv1-report-unspecified-src"));
    EXPECT_TRUE(d.src.isUnspecified());
    auto r = msgAs<Report>(d);
    ASSERT_EQ(r.records.size(), 1u);
    EXPECT_TRUE(r.records[0].group.isSolicitedNode());
}

TEST(Mld, LinuxHopByHopPaddingAndLongerChain) {
    Decoded linux = decodeOk(vec("mldv1-report-linux-hbh"));
    EXPECT_TRUE(linux.routerAlert);
    EXPECT_EQ(msgAs<Report>(linux).records.at(0).group, ip("ff12::1"));
    Decoded chain = decodeOk(vec("mldv1-report-ext-chain"));
    EXPECT_TRUE(chain.routerAlert);
    EXPECT_EQ(msgAs<Report>(chain).records.at(0).group, ip("ff12::1"));
}

TEST(Mld, RouterAlertWithOtherValueDoesNotCount) {
    // RFC 2711: value 1 is RSVP, not MLD.
    Bytes body(vec("mldv1-report").end() - 24, vec("mldv1-report").end());
    Bytes rsvp =
        frame6("fe80::2", "ff12::1", hex("3a 00 05 02 00 01 01 00") + body, V6{1, false, 0});
    EXPECT_EQ(dropOf(rsvp), "mld-no-router-alert");
}

TEST(Mld, StrictGeneralQueryDestination) {
    Bytes body(vec("mldv1-gq").end() - 24, vec("mldv1-gq").end());
    Bytes toAllRouters = frame6("fe80::1", "ff02::2", withChecksum6("fe80::1", "ff02::2", body));
    decodeOk(toAllRouters);
    EXPECT_EQ(dropOf(toAllRouters, kStrict), "strict-bad-query-destination");
    for (const auto& v : allVectors())
        if (v.name.starts_with("mld")) {
            EXPECT_EQ(dropOf(v.frame, kStrict), "decoded") << v.name;
        }
}

}  // namespace
}  // namespace mcs::wire::test
