#include "bridge/addresses.h"

#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstring>

namespace mcs::bridge {

InterfaceAddresses readAddresses(std::string_view ifname) {
    InterfaceAddresses out;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return out;
    for (ifaddrs* a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || !a->ifa_name || ifname != a->ifa_name) continue;
        if (a->ifa_addr->sa_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
            auto ip = IpAddr::v4Bytes(reinterpret_cast<const uint8_t*>(&sin->sin_addr));
            if (!out.ipv4 || ip < *out.ipv4) out.ipv4 = ip;
        } else if (a->ifa_addr->sa_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
            auto ip = IpAddr::v6Bytes(sin6->sin6_addr.s6_addr);
            if (ip.isLinkLocalUnicastV6() && (!out.ipv6LinkLocal || ip < *out.ipv6LinkLocal))
                out.ipv6LinkLocal = ip;
        }
    }
    freeifaddrs(list);
    return out;
}

}  // namespace mcs::bridge
