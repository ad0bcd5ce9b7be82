// Floating-point Max Resp Code / QQIC encodings: 8-bit (RFC 9776 §4.1.1, §4.1.7)
// and 16-bit (RFC 9777 §5.1.3). Codes at or above the threshold are
// 1|exp|mant, value = (mant | implicit bit) << (exp + 3).
#include <bit>

#include "agent/wire/decode.h"

namespace mcs::wire {
namespace {

constexpr uint32_t kMax8 = 0x1fu << 10;      // 0xff → 31744
constexpr uint32_t kMax16 = 0x1fffu << 10;   // 0xffff → 8387584

}  // namespace

uint32_t decodeCode8(uint8_t code) {
    if (code < 0x80) return code;
    uint32_t exp = (code >> 4) & 7, mant = code & 0xf;
    return (mant | 0x10) << (exp + 3);
}

// RFC 9776 §8.8: exact when representable, else the next lower representable value.
uint8_t encodeCode8(uint32_t value) {
    if (value < 0x80) return static_cast<uint8_t>(value);
    if (value >= kMax8) return 0xff;
    // value in [2^(exp+7), 2^(exp+8)): the top five bits are 1mmmm.
    auto exp = static_cast<uint32_t>(std::bit_width(value)) - 8;
    uint32_t mant = (value >> (exp + 3)) & 0xf;
    return static_cast<uint8_t>(0x80 | (exp << 4) | mant);
}

uint32_t decodeCode16(uint16_t code) {
    if (code < 0x8000) return code;
    uint32_t exp = (code >> 12) & 7, mant = code & 0xfff;
    return (mant | 0x1000) << (exp + 3);
}

uint16_t encodeCode16(uint32_t value) {
    if (value < 0x8000) return static_cast<uint16_t>(value);
    if (value >= kMax16) return 0xffff;
    auto exp = static_cast<uint32_t>(std::bit_width(value)) - 16;
    uint32_t mant = (value >> (exp + 3)) & 0xfff;
    return static_cast<uint16_t>(0x8000 | (exp << 12) | mant);
}

}  // namespace mcs::wire
