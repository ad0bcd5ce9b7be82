// Querier role and the reasons a querier is not running, with their string tables
// (the same strings appear in logs, D-Bus and JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "agent/base/enum_table.h"

namespace mcs::querier {

// RFC 2236 §7 / RFC 2710 §6 router roles, plus Disabled for "not taking part".
// A Disabled querier still tracks the elected querier it hears (the snooping core needs
// its address, QRV and QQI whether or not our own querier runs).
enum class QuerierState : uint8_t {
    Disabled,     // not querying: see InactiveReason
    Querier,      // elected (or alone): sends general and specific queries
    NonQuerier,   // a lower address is querying; Other-Querier-Present timer runs
};
inline constexpr EnumTable<QuerierState, 3> kQuerierStateNames{{
    {QuerierState::Disabled, "disabled"},
    {QuerierState::Querier, "querier"},
    {QuerierState::NonQuerier, "non-querier"},
}};
std::string_view to_string(QuerierState s);
std::optional<QuerierState> querierStateFromString(std::string_view s);

// Why state() is Disabled.
enum class InactiveReason : uint8_t {
    None,             // running (Querier or NonQuerier)
    AdminDisabled,    // config.enabled == false
    NoAddress,        // no configured source and the bridge has no usable address yet
    InvalidAddress,   // the bridge address cannot be a query source (IPv6: not link-local)
};
inline constexpr EnumTable<InactiveReason, 4> kInactiveReasonNames{{
    {InactiveReason::None, "none"},
    {InactiveReason::AdminDisabled, "admin-disabled"},
    {InactiveReason::NoAddress, "no-address"},
    {InactiveReason::InvalidAddress, "invalid-address"},
}};
std::string_view to_string(InactiveReason r);
std::optional<InactiveReason> inactiveReasonFromString(std::string_view s);

// What a specific query is (counters, logs, Outbound::kind).
enum class QueryKind : uint8_t {
    General,
    GroupSpecific,         // Q(G) / Q(MA)
    GroupSourceSpecific,   // Q(G,A) / Q(MA,A)
};
inline constexpr EnumTable<QueryKind, 3> kQueryKindNames{{
    {QueryKind::General, "general"},
    {QueryKind::GroupSpecific, "group-specific"},
    {QueryKind::GroupSourceSpecific, "group-source-specific"},
}};
std::string_view to_string(QueryKind k);
std::optional<QueryKind> queryKindFromString(std::string_view s);

// Why a general query went out.
enum class QueryReason : uint8_t {
    Startup,          // startup burst (RFC 9776 §8.6/§8.7)
    Periodic,         // every Query Interval
    Takeover,         // Other-Querier-Present timer expired (RFC 2236 §7: "send gen. query")
    TopologyChange,   // STP topology change (RFC 4541 §2.1.1, catalog S-10)
    Specific,         // group/group-and-source specific (RFC 9776 §6.6.3)
};
inline constexpr EnumTable<QueryReason, 5> kQueryReasonNames{{
    {QueryReason::Startup, "startup"},
    {QueryReason::Periodic, "periodic"},
    {QueryReason::Takeover, "takeover"},
    {QueryReason::TopologyChange, "topology-change"},
    {QueryReason::Specific, "specific"},
}};
std::string_view to_string(QueryReason r);
std::optional<QueryReason> queryReasonFromString(std::string_view s);

}  // namespace mcs::querier
