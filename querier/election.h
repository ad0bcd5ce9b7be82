// Querier election by address: who wins, and whose queries take part at all.
#pragma once

#include <cstdint>
#include <string_view>

#include "agent/base/enum_table.h"
#include "agent/base/types.h"

namespace mcs::querier {

// a < b for election. IPv4: numeric (RFC 2236 §3, RFC 9776 §6.6.2). IPv6: the interface
// ID, the last 64 bits in big-endian order (RFC 9777 §7.6.2); the full address breaks a
// tie so that the order is total.
bool lowerForElection(const IpAddr& a, const IpAddr& b);

// What a query's source is, as far as the election cares.
enum class SourceKind : uint8_t {
    Router,         // takes part in the election
    Proxy,          // 0.0.0.0 / :: never wins, never takes part (RFC 4541 §2.1.1, §3)
    NotLinkLocal,   // IPv6 query from a non-link-local source: discarded (RFC 9777 §5.1.14)
    WrongFamily,
};
inline constexpr EnumTable<SourceKind, 4> kSourceKindNames{{
    {SourceKind::Router, "router"},
    {SourceKind::Proxy, "proxy"},
    {SourceKind::NotLinkLocal, "not-link-local"},
    {SourceKind::WrongFamily, "wrong-family"},
}};
std::string_view to_string(SourceKind k);

SourceKind classifyQuerySource(const IpAddr& src, Family family);

// Does a general query from `contender` (a Router source) take the querier role away from
// `own`? Our own address 0.0.0.0 (proxy mode) loses to every router.
bool beats(const IpAddr& contender, const IpAddr& own);

}  // namespace mcs::querier
