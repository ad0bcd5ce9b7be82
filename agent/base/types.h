// Strong value types shared by every layer: interface indexes, VLAN ids,
// IPv4/IPv6 addresses and MAC addresses. No raw in_addr / int ifindex in APIs.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcs {

struct IfIndex {
    int value = 0;
    constexpr bool valid() const { return value > 0; }
    auto operator<=>(const IfIndex&) const = default;
};

// 0 means "no VLAN" (bridge without VLAN filtering, or untagged metadata).
struct VlanId {
    uint16_t value = 0;
    static constexpr uint16_t kMax = 4094;
    constexpr bool valid() const { return value <= kMax; }
    auto operator<=>(const VlanId&) const = default;
};

enum class Family : uint8_t { V4, V6 };
std::string_view to_string(Family f);

class IpAddr {
public:
    constexpr IpAddr() = default;  // IPv4 0.0.0.0
    static IpAddr v4(uint32_t hostOrder);
    static IpAddr v4Bytes(const uint8_t* b);   // 4 bytes, network order
    static IpAddr v6Bytes(const uint8_t* b);   // 16 bytes, network order
    static IpAddr unspecified(Family f);
    static std::optional<IpAddr> parse(std::string_view text);

    Family family() const { return family_; }
    bool isV4() const { return family_ == Family::V4; }
    bool isV6() const { return family_ == Family::V6; }
    const uint8_t* data() const { return bytes_.data(); }   // 4 or 16 bytes, network order
    size_t size() const { return isV4() ? 4 : 16; }
    uint32_t v4HostOrder() const;

    bool isUnspecified() const;      // 0.0.0.0 or ::
    bool isMulticast() const;        // 224/4 or ff00::/8
    bool isLinkLocalUnicastV6() const;  // fe80::/10
    // RFC 4541 §2.1.2 / §3: groups that are always flooded and never become MDB entries
    // (224.0.0.0/24; ff02::1 and every ff0x::/16 of scope <= 2 except what the caller decides).
    bool isLinkLocalMulticast() const;
    // Solicited-node ff02::1:ffXX:XXXX (RFC 4291 §2.7.1): link-local scope but the kernel
    // snoops them, so they are tracked like ordinary groups.
    bool isSolicitedNode() const;

    std::string str() const;
    auto operator<=>(const IpAddr& o) const = default;
    bool operator==(const IpAddr& o) const = default;

private:
    Family family_ = Family::V4;
    std::array<uint8_t, 16> bytes_{};   // unused tail is zero for IPv4
};

struct MacAddr {
    std::array<uint8_t, 6> b{};
    static MacAddr fromBytes(const uint8_t* p);
    // 01:00:5e + low 23 bits (IPv4) or 33:33 + low 32 bits (IPv6), RFC 1112 §6.4 / RFC 2464 §7.
    static MacAddr forGroup(const IpAddr& group);
    bool isMulticast() const { return b[0] & 1; }
    std::string str() const;
    auto operator<=>(const MacAddr&) const = default;
};

}  // namespace mcs
