// Internal: Ethernet + IP encapsulation shared by the builders.
#pragma once

#include <vector>

#include "agent/wire/build.h"

namespace mcs::wire::detail {

// Wraps an upper-layer message whose 16-bit checksum sits at offset 2 (IGMP,
// ICMPv6, PIM): fills in that checksum (with the IPv6 pseudo-header for v6),
// prepends the IP header (TTL / hop limit 1, Router Alert when asked) and the
// Ethernet header to MacAddr::forGroup(dst). The family is the destination's.
Frame ipFrame(const L2& l2, const IpAddr& src, const IpAddr& dst, uint8_t proto,
              std::vector<uint8_t> msg, bool routerAlert = true);

}  // namespace mcs::wire::detail
