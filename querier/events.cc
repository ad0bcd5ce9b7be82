#include "querier/events.h"

namespace mcs::querier {

std::vector<std::pair<std::string_view, uint64_t>> counterList(const Counters& c) {
    return {
        {"general-queries-sent", c.generalQueriesSent},
        {"group-queries-sent", c.groupQueriesSent},
        {"group-source-queries-sent", c.groupSourceQueriesSent},
        {"startup-queries-sent", c.startupQueriesSent},
        {"periodic-queries-sent", c.periodicQueriesSent},
        {"takeover-queries-sent", c.takeoverQueriesSent},
        {"topology-change-queries-sent", c.topologyChangeQueriesSent},
        {"proxy-topology-change-queries-sent", c.proxyTopologyChangeQueriesSent},
        {"elections-won", c.electionsWon},
        {"elections-lost", c.electionsLost},
        {"takeovers", c.takeovers},
        {"other-querier-timeouts", c.otherQuerierTimeouts},
        {"queries-received", c.queriesReceived},
        {"queries-wrong-family", c.queriesWrongFamily},
        {"queries-from-proxy", c.queriesFromProxy},
        {"queries-not-link-local", c.queriesNotLinkLocal},
        {"queries-from-self", c.queriesFromSelf},
        {"specific-queries-heard", c.specificQueriesHeard},
        {"queries-from-higher", c.queriesFromHigher},
        {"queries-not-elected", c.queriesNotElected},
        {"older-version-queries", c.olderVersionQueries},
        {"newer-version-queries", c.newerVersionQueries},
        {"version-warnings", c.versionWarnings},
        {"specific-requests", c.specificRequests},
        {"specific-requests-not-querier", c.specificRequestsNotQuerier},
        {"specific-requests-disabled", c.specificRequestsDisabled},
        {"specific-requests-unsupported", c.specificRequestsUnsupported},
        {"specific-requests-invalid", c.specificRequestsInvalid},
        {"sources-ignored-invalid", c.sourcesIgnoredInvalid},
        {"sources-ignored-version", c.sourcesIgnoredVersion},
        {"pending-groups-limit-hit", c.pendingGroupsLimitHit},
        {"pending-sources-limit-hit", c.pendingSourcesLimitHit},
        {"specific-queries-cancelled", c.specificQueriesCancelled},
        {"topology-changes", c.topologyChanges},
        {"topology-change-queries-suppressed", c.topologyChangeQueriesSuppressed},
        {"outbound-dropped", c.outboundDropped},
        {"events-dropped", c.eventsDropped},
    };
}

std::string_view eventName(const Event& e) {
    struct Name {
        std::string_view operator()(const StateChanged&) const { return "state-changed"; }
        std::string_view operator()(const QuerierChanged&) const { return "querier-changed"; }
        std::string_view operator()(const VersionChanged&) const { return "version-changed"; }
        std::string_view operator()(const VersionMismatch&) const { return "version-mismatch"; }
    };
    return std::visit(Name{}, e);
}

}  // namespace mcs::querier
