// Configuration of one querier (per bridge, VLAN and family). Plain values; the
// optional fields default to the RFC formulas (RFC 9776 §8, RFC 9777 §9).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "agent/base/enum_table.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/wire/message.h"

namespace mcs::querier {

struct QuerierConfig {
    bool enabled = false;
    // IgmpV1/V2/V3 for an IPv4 querier, MldV1/V2 for IPv6. A lower version is what
    // RFC 9776 §7.3.1 / RFC 9777 §8.3.1 call "administratively assured" compatibility.
    wire::ProtoVersion version = wire::ProtoVersion::IgmpV3;
    // Source address of our queries. nullopt: the bridge address (setOwnAddress()).
    // IPv4 0.0.0.0 is proxy mode (RFC 4541 §2.1.1): we query from 0.0.0.0 and never win
    // an election. IPv6 must be link-local (RFC 9777 §5.1.14): there is no IPv6 proxy mode.
    std::optional<IpAddr> address;

    uint32_t robustness = 2;                          // RFC 9776 §8.1: MUST NOT be 0
    Duration queryInterval = seconds(125);            // §8.2
    Duration queryResponseInterval = seconds(10);     // §8.3: must be < queryInterval
    Duration lastMemberQueryInterval = seconds(1);    // §8.8
    std::optional<uint32_t> lastMemberQueryCount;     // §8.9, default robustness
    std::optional<Duration> startupQueryInterval;     // §8.6, default queryInterval / 4
    std::optional<uint32_t> startupQueryCount;        // §8.7, default robustness; 0 acts as 1
    std::optional<Duration> otherQuerierPresentInterval;  // §8.5, default RV*QI + QRI/2

    // RFC 9776 §6.6.2: "If a router receives an older version General Query, it MUST
    // use the oldest version of IGMP on the network" (RFC 9777 §8.3.1 alike). With
    // followOlderVersion we switch by ourselves (§7.3.1 asks for it to be administratively
    // assured; we report the switch as an event); without it we only warn (§7.3.1).
    bool followOlderVersion = true;
    // How long an older-version querier keeps us in the older version after its last
    // general query. Routers have no RFC value; default RV*QI + QRI, the hosts' Older
    // Version Querier Present Interval (RFC 3376 §8.12, RFC 9777 §9.12).
    std::optional<Duration> olderVersionQuerierPresentInterval;

    // Send a general query on an STP topology change while we are the querier
    // (RFC 4541 §2.1.1, catalog S-10).
    bool queryOnTopologyChange = true;
    // When we are not the querier (non-querier, or our querier disabled) but one is known,
    // send a 0.0.0.0 proxy general query on a topology change, made with the elected
    // querier's version and parameters (RFC 4541 §2.1.1, catalog S-11/S-12). IPv4 only:
    // IPv6 queries from :: are discarded by everyone (RFC 9777 §5.1.14).
    bool proxyQueryOnTopologyChange = false;

    // Limits on what leaves/BLOCKs from the network make us keep (pending RFC 9776
    // §6.6.3 retransmissions). Requests beyond them are refused and counted.
    uint32_t maxPendingGroups = 1024;
    uint32_t maxPendingSources = 8192;   // summed over all pending groups

    bool operator==(const QuerierConfig&) const = default;
};

enum class ConfigError : uint8_t {
    VersionFamilyMismatch,
    AddressFamilyMismatch,
    AddressMulticast,
    Ipv6AddressNotLinkLocal,     // includes :: (no IPv6 proxy querier)
    RobustnessOutOfRange,        // 1..255
    QueryIntervalOutOfRange,     // 1 s .. 31744 s (largest QQIC)
    QueryResponseIntervalOutOfRange,   // > 0, < QI, representable in the version's Max Resp field
    LastMemberQueryIntervalOutOfRange, // > 0, representable in the version's Max Resp field
    LastMemberQueryCountOutOfRange,    // 1..255
    StartupQueryIntervalOutOfRange,    // 1 ms .. 31744 s
    StartupQueryCountOutOfRange,       // 0..255
    OtherQuerierPresentIntervalOutOfRange,        // > 0
    OlderVersionQuerierPresentIntervalOutOfRange, // > 0
    LimitOutOfRange,             // maxPending* >= 1
};
inline constexpr EnumTable<ConfigError, 14> kConfigErrorNames{{
    {ConfigError::VersionFamilyMismatch, "version-family-mismatch"},
    {ConfigError::AddressFamilyMismatch, "address-family-mismatch"},
    {ConfigError::AddressMulticast, "address-multicast"},
    {ConfigError::Ipv6AddressNotLinkLocal, "ipv6-address-not-link-local"},
    {ConfigError::RobustnessOutOfRange, "robustness-out-of-range"},
    {ConfigError::QueryIntervalOutOfRange, "query-interval-out-of-range"},
    {ConfigError::QueryResponseIntervalOutOfRange, "query-response-interval-out-of-range"},
    {ConfigError::LastMemberQueryIntervalOutOfRange, "last-member-query-interval-out-of-range"},
    {ConfigError::LastMemberQueryCountOutOfRange, "last-member-query-count-out-of-range"},
    {ConfigError::StartupQueryIntervalOutOfRange, "startup-query-interval-out-of-range"},
    {ConfigError::StartupQueryCountOutOfRange, "startup-query-count-out-of-range"},
    {ConfigError::OtherQuerierPresentIntervalOutOfRange,
     "other-querier-present-interval-out-of-range"},
    {ConfigError::OlderVersionQuerierPresentIntervalOutOfRange,
     "older-version-querier-present-interval-out-of-range"},
    {ConfigError::LimitOutOfRange, "limit-out-of-range"},
}};
std::string_view to_string(ConfigError e);
std::optional<ConfigError> configErrorFromString(std::string_view s);

// nullopt when `cfg` is usable for a querier of `family`.
std::optional<ConfigError> validate(const QuerierConfig& cfg, Family family);

// Can `addr` be the source of our queries in `family`? For the configured address
// 0.0.0.0 is fine (proxy mode); the bridge address is checked by the querier itself.
std::optional<ConfigError> validateSourceAddress(const IpAddr& addr, Family family);

}  // namespace mcs::querier
