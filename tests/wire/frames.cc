#include "tests/wire/frames.h"

#include <cstdio>
#include <cstdlib>

#include "agent/wire/bytes.h"
#include "agent/wire/decode.h"

namespace mcs::wire::test {

Bytes hex(std::string_view s) {
    Bytes out;
    int nibbles = 0;
    uint8_t cur = 0;
    for (char c : s) {
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            continue;
        cur = static_cast<uint8_t>((cur << 4) | v);
        if (++nibbles % 2 == 0) out.push_back(cur);
    }
    if (nibbles % 2) std::abort();   // odd digit count: a typo in a vector
    return out;
}

std::string toHex(const Bytes& b) {
    std::string s;
    char buf[4];
    for (size_t i = 0; i < b.size(); ++i) {
        std::snprintf(buf, sizeof buf, i ? " %02x" : "%02x", b[i]);
        s += buf;
    }
    return s;
}

IpAddr ip(std::string_view text) {
    auto a = IpAddr::parse(text);
    if (!a) std::abort();
    return *a;
}

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Bytes withChecksum(Bytes msg) {
    Writer(msg).patch16(2, 0);
    Writer(msg).patch16(2, inetChecksum(msg));
    return msg;
}

Bytes withChecksum6(std::string_view src, std::string_view dst, Bytes msg, uint8_t nh) {
    Writer(msg).patch16(2, 0);
    Writer(msg).patch16(2, ipv6UpperChecksum(ip(src), ip(dst), nh, msg));
    return msg;
}

namespace {

Bytes ethernet(const IpAddr& dst, uint16_t etherType) {
    Bytes f;
    Writer w(f);
    w.mac(MacAddr::forGroup(dst));
    w.bytes(hex("02 00 00 00 00 01"));
    w.u16(etherType);
    return f;
}

}  // namespace

Bytes frame4(std::string_view src, std::string_view dst, const Bytes& payload, V4 o) {
    Bytes h;
    Writer w(h);
    const size_t hl = o.ra ? 24 : 20;
    w.u8(static_cast<uint8_t>(0x40 | hl / 4));
    w.u8(0xc0);
    w.u16(static_cast<uint16_t>(hl + payload.size()));
    w.u32(0x00004000);   // id 0, DF
    w.u8(o.ttl);
    w.u8(o.proto);
    w.u16(0);
    w.ip(ip(src), Family::V4);
    w.ip(ip(dst), Family::V4);
    if (o.ra) w.u32(0x94040000);
    w.patch16(10, inetChecksum(h));
    return ethernet(ip(dst), 0x0800) + h + payload;
}

Bytes frame6(std::string_view src, std::string_view dst, const Bytes& payload, V6 o) {
    Bytes h;
    Writer w(h);
    w.u32(0x60000000);
    w.u16(static_cast<uint16_t>((o.ra ? 8 : 0) + payload.size()));
    w.u8(o.ra ? 0 : o.nh);
    w.u8(o.hopLimit);
    w.ip(ip(src), Family::V6);
    w.ip(ip(dst), Family::V6);
    if (o.ra) w.bytes(Bytes{o.nh, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00});
    return ethernet(ip(dst), 0x86dd) + h + payload;
}

Bytes patched(Bytes b, size_t offset, std::initializer_list<uint8_t> bytes) {
    for (uint8_t v : bytes)
        if (offset < b.size()) b[offset++] = v;
    return b;
}

Bytes ipPart(const Bytes& frame) { return Bytes(frame.begin() + 14, frame.end()); }

Bytes fixIpv4Checksum(Bytes frame) {
    constexpr size_t kIp = 14;
    const size_t headerLength = (frame.at(kIp) & 0x0f) * 4u;
    Writer(frame).patch16(kIp + 10, 0);
    Writer(frame).patch16(kIp + 10, inetChecksum({frame.data() + kIp, headerLength}));
    return frame;
}

}  // namespace mcs::wire::test
