// Bad input never crashes: every prefix and every single-byte corruption of
// every vector decodes or drops (run under ASan/UBSan in the sanitizer build).
#include <gtest/gtest.h>

#include <set>

#include "tests/wire/decode_util.h"
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

TEST(Vectors, AllDecodeAndNamesAreUnique) {
    std::set<std::string_view> names;
    for (const auto& v : allVectors()) {
        EXPECT_TRUE(names.insert(v.name).second) << v.name;
        EXPECT_EQ(dropOf(v.frame), "decoded") << v.name;
    }
    EXPECT_GE(allVectors().size(), 50u);
}

TEST(Robustness, EveryPrefixDecodesOrDrops) {
    for (const auto& v : allVectors()) {
        for (size_t n = 0; n <= v.frame.size(); ++n) {
            // An exact-size copy, so ASan sees any read past the prefix.
            const Bytes prefix(v.frame.begin(), v.frame.begin() + static_cast<long>(n));
            for (bool strict : {false, true}) {
                auto r = decodeFrame(prefix, DecodeOptions{strict});
                if (!r) {
                    EXPECT_NE(to_string(r.error()), "unknown");
                }
            }
            (void)decodeIp(prefix);
        }
    }
}

TEST(Robustness, EverySingleByteCorruptionDecodesOrDrops) {
    for (const auto& v : allVectors()) {
        for (size_t i = 0; i < v.frame.size(); ++i) {
            for (int x : {0x00, 0x01, 0x80, 0xff}) {
                Bytes f = v.frame;
                f[i] = x ? static_cast<uint8_t>(f[i] ^ x) : 0;   // flip bits, or zero the byte
                (void)decodeFrame(f);
                (void)decodeFrame(f, kStrict);
            }
        }
    }
}

TEST(Robustness, ExtremeLengthFields) {
    // Counts claiming 65535 sources / records must not allocate for them.
    const Bytes q = withChecksum(hex("11 64 00 00 e8 01 01 01 02 7d ff ff 0a 00 00 01"));
    EXPECT_EQ(dropOf(frame4("192.0.2.1", "232.1.1.1", q)), "truncated-igmp");
    const Bytes r = withChecksum(hex("22 00 00 00 00 00 ff ff 02 00 ff ff ef 01 01 01"));
    EXPECT_EQ(dropOf(frame4("192.0.2.10", "224.0.0.22", r)), "truncated-record");
    const Bytes m = withChecksum6("fe80::2", "ff02::16", hex("8f 00 00 00 00 00 ff ff"));
    EXPECT_EQ(dropOf(frame6("fe80::2", "ff02::16", m)), "truncated-record");
}

TEST(Names, EveryEnumValueHasAString) {
    for (ProtoVersion v : {ProtoVersion::IgmpV1, ProtoVersion::IgmpV2, ProtoVersion::IgmpV3,
                           ProtoVersion::MldV1, ProtoVersion::MldV2})
        EXPECT_NE(to_string(v), "unknown");
    EXPECT_EQ(to_string(ProtoVersion::MldV2), "mldv2");
    const std::pair<RecordType, std::string_view> records[] = {
        {RecordType::IsInclude, "IS_IN"},       {RecordType::IsExclude, "IS_EX"},
        {RecordType::ToInclude, "TO_IN"},       {RecordType::ToExclude, "TO_EX"},
        {RecordType::AllowNewSources, "ALLOW"}, {RecordType::BlockOldSources, "BLOCK"},
    };
    for (auto [t, name] : records) EXPECT_EQ(to_string(t), name);
    for (BpduKind k : {BpduKind::Config, BpduKind::Tcn, BpduKind::Rst})
        EXPECT_NE(to_string(k), "unknown");
    for (size_t i = 0; i < kDropReasonCount; ++i)
        EXPECT_NE(to_string(static_cast<DropReason>(i)), "unknown") << i;
}

}  // namespace
}  // namespace mcs::wire::test
