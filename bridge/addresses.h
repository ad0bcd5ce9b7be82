// The addresses of one interface (the bridge device): the querier's default
// source addresses, IPv4 and IPv6 link-local (RFC 9777 §5.1.14 wants link-local).
#pragma once

#include <optional>
#include <string_view>

#include "agent/base/types.h"

namespace mcs::bridge {

struct InterfaceAddresses {
    std::optional<IpAddr> ipv4;            // lowest primary IPv4 address
    std::optional<IpAddr> ipv6LinkLocal;   // lowest fe80::/10 address
    bool operator==(const InterfaceAddresses&) const = default;
};

// Reads them with getifaddrs(3) (an RTM_GETADDR dump inside glibc).
InterfaceAddresses readAddresses(std::string_view ifname);

}  // namespace mcs::bridge
