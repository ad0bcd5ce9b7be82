// Float codes (RFC 9776 §4.1.1/§4.1.7, RFC 9777 §5.1.3) and checksums (RFC 1071).
#include <gtest/gtest.h>

#include "agent/wire/decode.h"
#include "tests/wire/frames.h"

namespace mcs::wire::test {
namespace {

TEST(Code8, DecodeTable) {
    const std::pair<uint8_t, uint32_t> table[] = {
        {0x00, 0},   {0x64, 100}, {0x7f, 127}, {0x80, 128},   {0x81, 136},
        {0x8f, 248}, {0x90, 256}, {0xa0, 512}, {0xff, 31744},
    };
    for (auto [code, value] : table) EXPECT_EQ(decodeCode8(code), value) << int(code);
}

TEST(Code8, EncodeExactOrNextLower) {
    const std::pair<uint32_t, uint8_t> table[] = {
        {0, 0x00},   {100, 0x64}, {125, 0x7d},  {127, 0x7f},   {128, 0x80},   {130, 0x80},
        {136, 0x81}, {255, 0x8f}, {1000, 0xaf}, {31744, 0xff}, {40000, 0xff},
    };
    for (auto [value, code] : table) EXPECT_EQ(encodeCode8(value), code) << value;
}

TEST(Code8, EveryCodeRoundTripsAndEncodingNeverExceeds) {
    for (unsigned c = 0; c < 256; ++c)
        EXPECT_EQ(encodeCode8(decodeCode8(static_cast<uint8_t>(c))), c) << c;
    for (uint32_t v = 0; v < 40000; v += 7) {
        uint32_t d = decodeCode8(encodeCode8(v));
        EXPECT_LE(d, v);
        if (v <= 31744) {
            EXPECT_GE(d * 16 / 15 + 1, v) << v;   // within one mantissa step
        }
    }
}

TEST(Code16, DecodeTable) {
    const std::pair<uint16_t, uint32_t> table[] = {
        {0x0000, 0},     {0x2710, 10000}, {0x7fff, 32767},   {0x8000, 32768},
        {0x8001, 32776}, {0x8388, 40000}, {0xffff, 8387584},
    };
    for (auto [code, value] : table) EXPECT_EQ(decodeCode16(code), value) << code;
}

TEST(Code16, EncodeExactOrNextLower) {
    const std::pair<uint32_t, uint16_t> table[] = {
        {10000, 0x2710}, {32767, 0x7fff},   {32768, 0x8000},      {32775, 0x8000},
        {40000, 0x8388}, {8387584, 0xffff}, {0xffffffff, 0xffff},
    };
    for (auto [value, code] : table) EXPECT_EQ(encodeCode16(value), code) << value;
    for (uint32_t c = 0x8000; c <= 0xffff; c += 37)
        EXPECT_EQ(encodeCode16(decodeCode16(static_cast<uint16_t>(c))), c);
}

TEST(Checksum, Rfc1071Example) {
    // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (complement 220d).
    EXPECT_EQ(inetChecksum(hex("00 01 f2 03 f4 f5 f6 f7")), 0x220d);
    EXPECT_EQ(inetChecksum(hex("")), 0xffff);
    EXPECT_EQ(inetChecksum(hex("01")), 0xfeff);   // odd length: zero padded
}

TEST(Checksum, VectorsFoldToZero) {
    EXPECT_EQ(inetChecksum(hex("16 00 f9 fc ef 01 01 01")), 0);         // IGMPv2 report
    EXPECT_EQ(inetChecksum(hex("20 00 df 93 00 01 00 02 00 69")), 0);   // PIM hello (v4)
    // IPv4 header of the §1.13 v2 report frame.
    EXPECT_EQ(inetChecksum(hex("46c00020 00004000 0102320b c000020a ef010101 94040000")), 0);
}

TEST(Checksum, Ipv6PseudoHeader) {
    auto src = ip("fe80::1");
    EXPECT_EQ(ipv6UpperChecksum(src, ip("ff02::6a"), 58, hex("97 14 6a 3b 00 7d 00 02")), 0);
    EXPECT_EQ(ipv6UpperChecksum(src, ip("ff02::d"), 103, hex("20 00 e1 90 00 01 00 02 00 69")), 0);
    // The same bytes under another next header or destination do not verify.
    EXPECT_NE(ipv6UpperChecksum(src, ip("ff02::d"), 58, hex("20 00 e1 90 00 01 00 02 00 69")), 0);
    EXPECT_NE(ipv6UpperChecksum(src, ip("ff02::1"), 58, hex("97 14 6a 3b 00 7d 00 02")), 0);
}

}  // namespace
}  // namespace mcs::wire::test
