#include "agent/base/types.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace mcs {

std::string_view to_string(Family f) { return f == Family::V4 ? "ipv4" : "ipv6"; }

IpAddr IpAddr::v4(uint32_t hostOrder) {
    IpAddr a;
    a.family_ = Family::V4;
    a.bytes_[0] = static_cast<uint8_t>(hostOrder >> 24);
    a.bytes_[1] = static_cast<uint8_t>(hostOrder >> 16);
    a.bytes_[2] = static_cast<uint8_t>(hostOrder >> 8);
    a.bytes_[3] = static_cast<uint8_t>(hostOrder);
    return a;
}

IpAddr IpAddr::v4Bytes(const uint8_t* b) {
    IpAddr a;
    a.family_ = Family::V4;
    std::memcpy(a.bytes_.data(), b, 4);
    return a;
}

IpAddr IpAddr::v6Bytes(const uint8_t* b) {
    IpAddr a;
    a.family_ = Family::V6;
    std::memcpy(a.bytes_.data(), b, 16);
    return a;
}

IpAddr IpAddr::unspecified(Family f) {
    IpAddr a;
    a.family_ = f;
    return a;
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    std::string s(text);
    uint8_t buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) return v4Bytes(buf);
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return v6Bytes(buf);
    return std::nullopt;
}

uint32_t IpAddr::v4HostOrder() const {
    return (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) | (uint32_t{bytes_[2]} << 8) |
           bytes_[3];
}

bool IpAddr::isUnspecified() const {
    for (size_t i = 0; i < size(); ++i)
        if (bytes_[i]) return false;
    return true;
}

bool IpAddr::isMulticast() const {
    return isV4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddr::isLinkLocalUnicastV6() const {
    return isV6() && bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

bool IpAddr::isSolicitedNode() const {
    static constexpr uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
    return isV6() && std::memcmp(bytes_.data(), prefix, sizeof prefix) == 0;
}

bool IpAddr::isLinkLocalMulticast() const {
    if (isV4()) return bytes_[0] == 224 && bytes_[1] == 0 && bytes_[2] == 0;
    // ff00::/16 reserved, ff01:: interface-local, ff02:: link-local (RFC 4291 §2.7, RFC 4541 §3).
    // Solicited-node groups are link scope too; callers that track them check isSolicitedNode().
    return bytes_[0] == 0xff && (bytes_[1] & 0x0f) <= 2;
}

std::string IpAddr::str() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(isV4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
    return buf;
}

MacAddr MacAddr::fromBytes(const uint8_t* p) {
    MacAddr m;
    std::memcpy(m.b.data(), p, 6);
    return m;
}

MacAddr MacAddr::forGroup(const IpAddr& g) {
    MacAddr m;
    const uint8_t* d = g.data();
    if (g.isV4()) {
        m.b = {0x01, 0x00, 0x5e, static_cast<uint8_t>(d[1] & 0x7f), d[2], d[3]};
    } else {
        m.b = {0x33, 0x33, d[12], d[13], d[14], d[15]};
    }
    return m;
}

std::string MacAddr::str() const {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                  b[5]);
    return buf;
}

}  // namespace mcs
