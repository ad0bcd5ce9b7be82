// What a querier reports to the daemon besides frames: role/querier/version changes
// (logged, sent as D-Bus signals) and its counters.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "agent/base/types.h"
#include "agent/wire/message.h"
#include "querier/state.h"

namespace mcs::querier {

// The querier of the link as we see it.
struct ElectedQuerier {
    IpAddr address;              // ours is 0.0.0.0 in proxy mode
    bool self = false;
    wire::ProtoVersion version = wire::ProtoVersion::IgmpV3;   // of its (our) queries
    bool operator==(const ElectedQuerier&) const = default;
};

struct StateChanged {
    QuerierState from = QuerierState::Disabled;
    QuerierState to = QuerierState::Disabled;
    InactiveReason reason = InactiveReason::None;   // when `to` is Disabled
};

struct QuerierChanged {
    std::optional<ElectedQuerier> from;   // nullopt: none known
    std::optional<ElectedQuerier> to;
};

// The version our queries use changed (an older-version querier appeared or its timer
// ran out, or the configuration changed). RFC 9776 §7.3.1 wants the administrator told.
struct VersionChanged {
    wire::ProtoVersion from = wire::ProtoVersion::IgmpV3;
    wire::ProtoVersion to = wire::ProtoVersion::IgmpV3;
    std::optional<IpAddr> olderQuerier;   // who made us switch down
};

// Warning, rate-limited as RFC 9776 §7.3.1 / RFC 9777 §8.3.1 require: a general query of
// another version than the configured one that we do not follow (newer than configured,
// or older with followOlderVersion off).
struct VersionMismatch {
    IpAddr from;
    wire::ProtoVersion heard = wire::ProtoVersion::IgmpV2;
    wire::ProtoVersion configured = wire::ProtoVersion::IgmpV3;
};

using Event = std::variant<StateChanged, QuerierChanged, VersionChanged, VersionMismatch>;

struct Counters {
    // sent, by kind
    uint64_t generalQueriesSent = 0;
    uint64_t groupQueriesSent = 0;           // Q(G)
    uint64_t groupSourceQueriesSent = 0;     // Q(G,A), one per message
    // general queries, by reason (they add up to generalQueriesSent)
    uint64_t startupQueriesSent = 0;
    uint64_t periodicQueriesSent = 0;
    uint64_t takeoverQueriesSent = 0;
    uint64_t topologyChangeQueriesSent = 0;
    uint64_t proxyTopologyChangeQueriesSent = 0;   // as non-querier from 0.0.0.0 (not in the sum)
    // election
    uint64_t electionsWon = 0;          // general queries from a higher address while we were querier
    uint64_t electionsLost = 0;         // querier -> non-querier (a lower address is querying)
    uint64_t takeovers = 0;             // non-querier -> querier (other querier gone or now higher)
    uint64_t otherQuerierTimeouts = 0;  // Other-Querier-Present timer expiries
    // received queries
    uint64_t queriesReceived = 0;
    uint64_t queriesWrongFamily = 0;
    uint64_t queriesFromProxy = 0;          // 0.0.0.0 / ::, not in the election
    uint64_t queriesNotLinkLocal = 0;       // IPv6, RFC 9777 §5.1.14
    uint64_t queriesFromSelf = 0;           // our own, looped back
    uint64_t specificQueriesHeard = 0;      // no election on them (RFC 9776 §6.6.2)
    uint64_t queriesFromHigher = 0;         // higher than us while non-querier / disabled tracking
    uint64_t queriesNotElected = 0;         // lower than us but higher than the elected querier
    uint64_t olderVersionQueries = 0;
    uint64_t newerVersionQueries = 0;
    uint64_t versionWarnings = 0;           // VersionMismatch events
    // specific query requests from the snooping core
    uint64_t specificRequests = 0;
    uint64_t specificRequestsNotQuerier = 0;
    uint64_t specificRequestsDisabled = 0;
    uint64_t specificRequestsUnsupported = 0;    // IGMPv1, or sources in IGMPv2/MLDv1
    uint64_t specificRequestsInvalid = 0;
    uint64_t sourcesIgnoredInvalid = 0;
    uint64_t sourcesIgnoredVersion = 0;
    uint64_t pendingGroupsLimitHit = 0;
    uint64_t pendingSourcesLimitHit = 0;
    uint64_t specificQueriesCancelled = 0;       // pending groups dropped on losing the role
    // topology changes
    uint64_t topologyChanges = 0;
    uint64_t topologyChangeQueriesSuppressed = 0;   // a general query went out < 1 s before
    // queues not drained by the daemon
    uint64_t outboundDropped = 0;
    uint64_t eventsDropped = 0;
};

// Name/value pairs in a fixed order (D-Bus, JSON, tests).
std::vector<std::pair<std::string_view, uint64_t>> counterList(const Counters& c);

std::string_view eventName(const Event& e);

}  // namespace mcs::querier
