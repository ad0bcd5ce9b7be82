#include "querier/config.h"

#include "querier/timing.h"

namespace mcs::querier {

std::string_view to_string(ConfigError e) { return enumName(kConfigErrorNames, e); }
std::optional<ConfigError> configErrorFromString(std::string_view s) {
    return enumFromName(kConfigErrorNames, s);
}

std::optional<ConfigError> validateSourceAddress(const IpAddr& addr, Family family) {
    if (addr.family() != family) return ConfigError::AddressFamilyMismatch;
    if (addr.isMulticast()) return ConfigError::AddressMulticast;
    // RFC 9777 §5.1.14: queries from :: or a non-link-local source are discarded, so an
    // IPv6 querier needs a link-local source and cannot run in proxy mode.
    if (family == Family::V6 && !addr.isLinkLocalUnicastV6())
        return ConfigError::Ipv6AddressNotLinkLocal;
    return std::nullopt;
}

std::optional<ConfigError> validate(const QuerierConfig& c, Family family) {
    if (wire::familyOf(c.version) != family) return ConfigError::VersionFamilyMismatch;
    if (c.address)
        if (auto e = validateSourceAddress(*c.address, family)) return e;
    if (c.robustness < 1 || c.robustness > 255) return ConfigError::RobustnessOutOfRange;
    if (c.queryInterval < seconds(1) || c.queryInterval > seconds(kMaxQqiSec))
        return ConfigError::QueryIntervalOutOfRange;
    // RFC 9776 §8.3: QRI must be less than QI; the configured version must be able to
    // carry it, or every query would advertise a shorter time than we wait for.
    const Duration limit = maxResponseLimit(c.version);
    if (c.queryResponseInterval <= Duration::zero() || c.queryResponseInterval >= c.queryInterval ||
        c.queryResponseInterval > limit)
        return ConfigError::QueryResponseIntervalOutOfRange;
    if (c.lastMemberQueryInterval <= Duration::zero() || c.lastMemberQueryInterval > limit)
        return ConfigError::LastMemberQueryIntervalOutOfRange;
    if (c.lastMemberQueryCount && (*c.lastMemberQueryCount < 1 || *c.lastMemberQueryCount > 255))
        return ConfigError::LastMemberQueryCountOutOfRange;
    if (c.startupQueryInterval &&
        (*c.startupQueryInterval <= Duration::zero() || *c.startupQueryInterval > seconds(kMaxQqiSec)))
        return ConfigError::StartupQueryIntervalOutOfRange;
    if (c.startupQueryCount && *c.startupQueryCount > 255)
        return ConfigError::StartupQueryCountOutOfRange;
    if (c.otherQuerierPresentInterval && *c.otherQuerierPresentInterval <= Duration::zero())
        return ConfigError::OtherQuerierPresentIntervalOutOfRange;
    if (c.olderVersionQuerierPresentInterval &&
        *c.olderVersionQuerierPresentInterval <= Duration::zero())
        return ConfigError::OlderVersionQuerierPresentIntervalOutOfRange;
    if (c.maxPendingGroups < 1 || c.maxPendingSources < 1) return ConfigError::LimitOutOfRange;
    return std::nullopt;
}

}  // namespace mcs::querier
