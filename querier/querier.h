// The IGMP/MLD querier of one (bridge, VLAN, family): election by address, startup
// burst, periodic general queries, group(-and-source)-specific queries with their
// retransmissions, older-version fallback. Sans-I/O: every input carries `now`, output is
// frames (takeOutbound), events (takeEvents) and the next deadline; it reads no clock.
//
// Daemon loop: after any call, send takeOutbound(), log/publish takeEvents(), and re-arm
// the timer at nextDeadline(); when it fires call onTimer(now).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "agent/base/enum_table.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/wire/build.h"
#include "agent/wire/message.h"
#include "querier/config.h"
#include "querier/events.h"
#include "querier/specific_queries.h"
#include "querier/state.h"
#include "querier/timing.h"

namespace mcs::querier {

struct Identity {
    IfIndex bridge;
    VlanId vid;                  // 0: bridge without VLAN filtering
    Family family = Family::V4;
};

// Where the daemon puts a frame.
enum class TxTarget : uint8_t {
    // Through the bridge device, so that the bridge floods it in the VLAN (lab-notes.md:
    // a frame sent on the bridge's packet socket is flooded; kernel-bridge.md §4.4: a
    // query sent through br0 also makes the kernel believe a querier exists).
    FloodVlan,
};
inline constexpr EnumTable<TxTarget, 1> kTxTargetNames{{{TxTarget::FloodVlan, "flood-vlan"}}};
std::string_view to_string(TxTarget t);

struct Outbound {
    IfIndex bridge;
    VlanId vid;
    TxTarget target = TxTarget::FloodVlan;
    QueryKind kind = QueryKind::General;
    QueryReason reason = QueryReason::Periodic;
    wire::QuerySpec spec;        // what the frame says (logs, tests)
    wire::Frame frame;           // complete Ethernet frame (wire::buildQuery)
};

// "Send Q(G)" and/or "Send Q(G,X)" from the snooping core's router tables (RFC 9776
// Table 9, RFC 9777 Table 8). The core keeps the group and source timers; it lists only
// the sources of X whose timers are > LMQT (RFC 9776 §6.6.3.2: only those get
// retransmission state) and lowers the timers itself when the result says the query is
// scheduled (RFC 9776 §6.6.1 Table 10: a router that sends Q(G)/Q(G,A) lowers them).
struct SpecificQueryRequest {
    IpAddr group;
    bool queryGroup = false;           // Send Q(G)
    std::vector<IpAddr> sources;       // Send Q(G,X)
};

enum class SpecificQueryResult : uint8_t {
    Scheduled,              // first transmission is in takeOutbound(); LMQC-1 follow, LMQI apart
    ScheduledGroupOnly,     // Q(G) scheduled; the sources were dropped: the operating version
                            // (IGMPv2/MLDv1) has no source lists, so do not lower their timers
    NotQuerier,             // only the elected querier sends them; wait for its queries
    Disabled,
    NotSupportedByVersion,  // IGMPv1 has none; IGMPv2/MLDv1 have no source lists
    InvalidGroup,           // wrong family or not multicast
    NothingToQuery,         // no group part and no (valid) sources
    LimitReached,           // maxPendingGroups / maxPendingSources, counted
};
inline constexpr EnumTable<SpecificQueryResult, 8> kSpecificQueryResultNames{{
    {SpecificQueryResult::Scheduled, "scheduled"},
    {SpecificQueryResult::ScheduledGroupOnly, "scheduled-group-only"},
    {SpecificQueryResult::NotQuerier, "not-querier"},
    {SpecificQueryResult::Disabled, "disabled"},
    {SpecificQueryResult::NotSupportedByVersion, "not-supported-by-version"},
    {SpecificQueryResult::InvalidGroup, "invalid-group"},
    {SpecificQueryResult::NothingToQuery, "nothing-to-query"},
    {SpecificQueryResult::LimitReached, "limit-reached"},
}};
std::string_view to_string(SpecificQueryResult r);

// Deadlines for the API (remaining time = deadline - now).
struct Timers {
    std::optional<TimePoint> nextGeneralQuery;          // while querier
    uint32_t startupQueriesLeft = 0;
    std::optional<TimePoint> otherQuerierPresent;       // expiry, while another querier is elected
    std::optional<TimePoint> olderVersionQuerierV1;     // IGMPv1 / MLDv1 querier present until
    std::optional<TimePoint> olderVersionQuerierV2;     // IGMPv2 querier present until
    std::optional<TimePoint> nextSpecificQuery;
    size_t pendingSpecificGroups = 0;
    size_t pendingSpecificSources = 0;
};

class Querier {
public:
    // Applies `cfg` at `now`: an enabled querier with an address starts its startup burst
    // at once (first query in takeOutbound()). An invalid `cfg` leaves it Disabled with a
    // default disabled config, see lastConfigError().
    Querier(const Identity& id, const wire::L2& l2, const QuerierConfig& cfg, TimePoint now);

    // Applies `cfg` keeping state where possible (role, elected querier, pending specific
    // queries, schedule rebased on the last general query). Invalid: refused, the old
    // config stays, the error is returned.
    std::optional<ConfigError> setConfig(const QuerierConfig& cfg, TimePoint now);
    // The bridge's address for this family (IPv6: link-local), used when the config has no
    // address. nullopt while the bridge has none: we do not query (InactiveReason::NoAddress).
    void setOwnAddress(std::optional<IpAddr> bridgeAddress, TimePoint now);
    void setL2(const wire::L2& l2) { l2_ = l2; }

    // A decoded, validated query heard on the VLAN (any port). `src` is its IP source.
    void onQueryReceived(const IpAddr& src, const wire::Query& q, TimePoint now);

    SpecificQueryResult requestSpecificQuery(const SpecificQueryRequest& r, TimePoint now);
    // A report raised the group timer / these source timers above LMQT while their queries
    // are pending: the remaining retransmissions carry S = 1 (RFC 9776 §6.6.3.1/§6.6.3.2).
    void onGroupTimerRaised(const IpAddr& group);
    void onSourceTimersRaised(const IpAddr& group, std::span<const IpAddr> sources);
    // The core dropped the group (e.g. VLAN flushed): stop its retransmissions.
    void cancelSpecificQueries(const IpAddr& group);

    // STP topology change on the bridge (any port of this VLAN).
    void onTopologyChange(TimePoint now);

    void onTimer(TimePoint now);
    std::optional<TimePoint> nextDeadline() const;

    std::vector<Outbound> takeOutbound();
    std::vector<Event> takeEvents();

    // --- observers ---
    const Identity& identity() const { return id_; }
    const QuerierConfig& config() const { return cfg_; }
    std::optional<ConfigError> lastConfigError() const { return lastConfigError_; }
    QuerierState state() const { return state_; }
    InactiveReason inactiveReason() const { return reason_; }
    // The source our queries carry (configured, else the bridge address), if usable.
    std::optional<IpAddr> sourceAddress() const;
    bool proxyMode() const;
    std::optional<ElectedQuerier> electedQuerier() const;
    // Version of the queries we send: the configured one, or older while an older-version
    // querier is present (followOlderVersion).
    wire::ProtoVersion operatingVersion() const { return operating_; }
    // What requestSpecificQuery() can send in the operating version (IGMPv1: nothing;
    // IGMPv2/MLDv1: Q(G) only).
    bool canQueryGroups() const { return operating_ != wire::ProtoVersion::IgmpV1; }
    bool canQuerySources() const;
    // What a general query from us says right now (version, source, codes), while we are
    // the querier; the daemon sends it out of one port that starts forwarding (RFC 4541
    // §2.1.1, catalog S-10). It is not one of our scheduled queries: nothing is counted.
    std::optional<wire::QuerySpec> generalQuerySpec() const;
    // Values adopted from the elected querier (empty while we are the querier or none is known).
    const Adopted& adopted() const { return adopted_; }
    // Effective values: ours while we query, adopted ones while another querier is elected.
    Timing timing() const;
    Timers timers() const;
    const Counters& counters() const { return counters_; }

    // Holdoff between a general query and a topology-change query (TC storms).
    static constexpr Duration kTopologyChangeHoldoff = seconds(1);
    // Rate limit of VersionMismatch warnings (RFC 9776 §7.3.1: MUST be rate-limited).
    static constexpr Duration kVersionWarningInterval = seconds(60);
    // Queues the daemon failed to drain.
    static constexpr size_t kMaxQueuedOutbound = 4096;
    static constexpr size_t kMaxQueuedEvents = 256;
    // Sources per query message within a 1500-byte MTU: IPv4 (20 + 4 RA) + 12 + 4N,
    // IPv6 40 + 8 HBH + 28 + 16N (rfc-conformance.md §1.4/§1.7).
    static constexpr size_t kMaxSourcesV4 = 366;
    static constexpr size_t kMaxSourcesV6 = 89;

private:
    struct OtherQuerier {
        IpAddr address;
        wire::ProtoVersion version;
        TimePoint expiry;
    };
    struct Snapshot {
        QuerierState state;
        InactiveReason reason;
        std::optional<ElectedQuerier> elected;
        wire::ProtoVersion operating;
    };

    Snapshot snapshot() const;
    // Emits the events for what changed since `before`.
    void publish(const Snapshot& before);
    void emit(Event e);
    // Recomputes the role from (config, address, other querier) and performs the transition.
    void sync(TimePoint now);
    void becomeQuerier(QuerierState from, TimePoint now);
    void leaveQuerier();
    std::optional<IpAddr> resolveSource(InactiveReason& why) const;
    void noteQueryVersion(const IpAddr& src, wire::ProtoVersion v, TimePoint now);
    void warnVersion(const IpAddr& src, wire::ProtoVersion v, TimePoint now);
    void recomputeOperating();
    void adopt(const wire::Query& q);
    void scheduledGeneral(TimePoint now);
    std::optional<wire::QuerySpec> buildGeneralSpec() const;
    void sendGeneral(QueryReason reason, TimePoint now);
    void sendProxyGeneral(TimePoint now);
    void flushSpecific(TimePoint now);
    void push(Outbound o);

    Identity id_;
    wire::L2 l2_;
    QuerierConfig cfg_;
    std::optional<ConfigError> lastConfigError_;
    std::optional<IpAddr> bridgeAddress_;

    QuerierState state_ = QuerierState::Disabled;
    InactiveReason reason_ = InactiveReason::AdminDisabled;
    std::optional<OtherQuerier> other_;
    Adopted adopted_;

    std::optional<TimePoint> nextGeneral_;
    std::optional<TimePoint> lastGeneral_;      // last of the startup/periodic/takeover chain
    std::optional<TimePoint> lastAnyGeneral_;   // including topology-change queries
    uint32_t startupLeft_ = 0;

    wire::ProtoVersion operating_ = wire::ProtoVersion::IgmpV3;
    std::optional<TimePoint> olderV1Until_;   // IGMPv1 or MLDv1 querier heard
    std::optional<TimePoint> olderV2Until_;   // IGMPv2 querier heard
    std::optional<TimePoint> lastVersionWarning_;
    std::optional<IpAddr> olderQuerier_;      // who made us switch down last

    SpecificQueryScheduler specific_;

    std::vector<Outbound> outbound_;
    std::vector<Event> events_;
    Counters counters_;
};

}  // namespace mcs::querier
