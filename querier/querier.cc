#include "querier/querier.h"

#include <algorithm>
#include <utility>

#include "querier/election.h"

namespace mcs::querier {

namespace {

using wire::ProtoVersion;

bool hasSourceLists(ProtoVersion v) { return v == ProtoVersion::IgmpV3 || v == ProtoVersion::MldV2; }

void minInto(std::optional<TimePoint>& acc, std::optional<TimePoint> t) {
    if (t) acc = acc ? std::min(*acc, *t) : *t;
}

uint8_t qrvField(uint32_t robustness) {
    // The builder sends 0 above 7 (RFC 9776 §4.1.6); robustness is validated to <= 255.
    return static_cast<uint8_t>(std::min<uint32_t>(robustness, 255));
}

}  // namespace

std::string_view to_string(TxTarget t) { return enumName(kTxTargetNames, t); }
std::string_view to_string(SpecificQueryResult r) { return enumName(kSpecificQueryResultNames, r); }

Querier::Querier(const Identity& id, const wire::L2& l2, const QuerierConfig& cfg, TimePoint now)
    : id_(id), l2_(l2) {
    // A valid disabled default for the family, in case `cfg` is refused.
    cfg_.version = id.family == Family::V4 ? ProtoVersion::IgmpV3 : ProtoVersion::MldV2;
    operating_ = cfg_.version;
    setConfig(cfg, now);
}

// --- configuration ---------------------------------------------------------------------

std::optional<ConfigError> Querier::setConfig(const QuerierConfig& cfg, TimePoint now) {
    if (auto e = validate(cfg, id_.family)) {
        lastConfigError_ = e;
        return e;
    }
    lastConfigError_.reset();
    const Snapshot before = snapshot();
    cfg_ = cfg;
    if (!cfg_.followOlderVersion) {
        olderV1Until_.reset();
        olderV2Until_.reset();
    }
    recomputeOperating();
    // Rebase the schedule on the last general query: a shorter interval applies at once,
    // a longer one from the last query on.
    if (state_ == QuerierState::Querier && lastGeneral_ && nextGeneral_) {
        const Timing t = timing();
        nextGeneral_ = std::max(
            now, *lastGeneral_ + (startupLeft_ > 0 ? t.startupQueryInterval : t.queryInterval));
    }
    sync(now);
    publish(before);
    return std::nullopt;
}

void Querier::setOwnAddress(std::optional<IpAddr> bridgeAddress, TimePoint now) {
    const Snapshot before = snapshot();
    bridgeAddress_ = bridgeAddress;
    sync(now);
    publish(before);
}

std::optional<IpAddr> Querier::resolveSource(InactiveReason& why) const {
    if (!cfg_.enabled) {
        why = InactiveReason::AdminDisabled;
        return std::nullopt;
    }
    if (cfg_.address) return cfg_.address;   // validated with the config
    if (!bridgeAddress_ || bridgeAddress_->isUnspecified()) {
        why = InactiveReason::NoAddress;
        return std::nullopt;
    }
    if (validateSourceAddress(*bridgeAddress_, id_.family)) {
        why = InactiveReason::InvalidAddress;
        return std::nullopt;
    }
    return bridgeAddress_;
}

std::optional<IpAddr> Querier::sourceAddress() const {
    InactiveReason why = InactiveReason::None;
    return resolveSource(why);
}

bool Querier::proxyMode() const {
    auto src = sourceAddress();
    return src && src->isUnspecified();
}

// --- role ------------------------------------------------------------------------------

void Querier::sync(TimePoint now) {
    InactiveReason why = InactiveReason::None;
    const std::optional<IpAddr> own = resolveSource(why);
    if (!own) {
        if (state_ != QuerierState::Disabled) leaveQuerier();
        state_ = QuerierState::Disabled;
        reason_ = why;
        return;
    }
    reason_ = InactiveReason::None;
    if (other_ && beats(other_->address, *own)) {
        // RFC 2236 §3 / RFC 9776 §6.6.2 / RFC 9777 §7.6.2: a lower address is querying.
        if (state_ == QuerierState::Querier) ++counters_.electionsLost;
        if (state_ != QuerierState::NonQuerier) {
            leaveQuerier();
            state_ = QuerierState::NonQuerier;
        }
        return;
    }
    if (other_) {
        // We are lower than the querier we knew: it stops when it hears us.
        other_.reset();
        adopted_ = {};
    }
    if (state_ != QuerierState::Querier) becomeQuerier(state_, now);
}

void Querier::becomeQuerier(QuerierState from, TimePoint now) {
    state_ = QuerierState::Querier;
    if (from == QuerierState::Disabled) {
        // Starting up: RFC 9776 §8.6/§8.7, RFC 9777 §7.6.2 — Startup Query Count general
        // queries, Startup Query Interval apart, then one per Query Interval.
        startupLeft_ = std::max<uint32_t>(timing().startupQueryCount, 1);
        scheduledGeneral(now);
        return;
    }
    // Other Querier Present timer expired (or the other querier is no longer lower):
    // RFC 2236 §7 / RFC 2710 §6 "send general query, start general query timer".
    ++counters_.takeovers;
    startupLeft_ = 0;
    sendGeneral(QueryReason::Takeover, now);
    lastGeneral_ = now;
    nextGeneral_ = now + timing().queryInterval;
}

void Querier::leaveQuerier() {
    nextGeneral_.reset();
    lastGeneral_.reset();
    startupLeft_ = 0;
    // Only the querier sends specific queries; the new one runs its own (RFC 9776 §6.6.3).
    counters_.specificQueriesCancelled += specific_.pendingGroups();
    specific_.clear();
}

std::optional<ElectedQuerier> Querier::electedQuerier() const {
    if (state_ == QuerierState::Querier) {
        if (auto src = sourceAddress()) return ElectedQuerier{*src, true, operating_};
    }
    if (other_) return ElectedQuerier{other_->address, false, other_->version};
    return std::nullopt;
}

Timing Querier::timing() const { return resolveTiming(cfg_, adopted_); }

// --- received queries -----------------------------------------------------------------

void Querier::onQueryReceived(const IpAddr& src, const wire::Query& q, TimePoint now) {
    const Snapshot before = snapshot();
    ++counters_.queriesReceived;
    if (wire::familyOf(q.version) != id_.family) {
        ++counters_.queriesWrongFamily;
        return;
    }
    switch (classifyQuerySource(src, id_.family)) {
        case SourceKind::WrongFamily: ++counters_.queriesWrongFamily; return;
        case SourceKind::NotLinkLocal: ++counters_.queriesNotLinkLocal; return;
        case SourceKind::Proxy: ++counters_.queriesFromProxy; return;   // RFC 4541 §2.1.1
        case SourceKind::Router: break;
    }
    const std::optional<IpAddr> own = sourceAddress();
    if (own && *own == src) {
        ++counters_.queriesFromSelf;
        return;
    }
    if (!q.isGeneral()) {
        // Election and version follow general queries only (RFC 9776 §6.6.2, §7.2.1); the
        // elected querier's QRV/QQI still count as "the most recently received" (§4.1.6/§4.1.7).
        ++counters_.specificQueriesHeard;
        if (other_ && other_->address == src) adopt(q);
        return;
    }
    noteQueryVersion(src, q.version, now);

    if (state_ != QuerierState::Disabled && !beats(src, *own)) {
        // Higher than us: if we query, it stops when it hears us.
        if (state_ == QuerierState::Querier)
            ++counters_.electionsWon;
        else
            ++counters_.queriesFromHigher;
    } else if (other_ && other_->address != src && lowerForElection(other_->address, src)) {
        // Between us and the elected querier: it yields to the elected one. Only the elected
        // querier's queries keep its timer running, so we notice when it goes away.
        ++counters_.queriesNotElected;
    } else {
        other_ = OtherQuerier{src, q.version, now};
        adopt(q);
        // RFC 9776 §8.5 / RFC 9777 §9.5, with the values just adopted.
        other_->expiry = now + timing().otherQuerierPresentInterval;
        sync(now);
    }
    publish(before);
}

void Querier::adopt(const wire::Query& q) {
    // RFC 9776 §4.1.6 / RFC 9777 §5.1.11: a zero QRV means "use the configured value".
    adopted_.qrv = q.qrv ? std::optional<uint8_t>(q.qrv) : std::nullopt;
    // RFC 9776 §4.1.7 / RFC 9777 §5.1.12: likewise for QQI (v1/v2 queries carry neither).
    adopted_.queryInterval =
        q.qqiSec ? std::optional<Duration>(seconds(q.qqiSec)) : std::nullopt;
    // The Max Resp of its general queries is its Query Response Interval (GMI, OQPI).
    if (q.isGeneral() && q.maxRespMs > 0) adopted_.queryResponseInterval = milliseconds(q.maxRespMs);
}

void Querier::noteQueryVersion(const IpAddr& src, ProtoVersion v, TimePoint now) {
    const ProtoVersion configured = cfg_.version;
    if (v == configured) return;
    if (v > configured) {
        // RFC 9776 §7.3.1 / RFC 9777 §8.3.1: in v1/v2 mode, SHOULD warn about newer queries.
        ++counters_.newerVersionQueries;
        warnVersion(src, v, now);
        return;
    }
    ++counters_.olderVersionQueries;
    if (!cfg_.followOlderVersion) {
        // §7.3.1: not configured for the older version: SHOULD log a warning.
        warnVersion(src, v, now);
        return;
    }
    // RFC 9776 §6.6.2: "it MUST use the oldest version of IGMP on the network".
    const TimePoint until = now + timing().olderVersionQuerierPresentInterval;
    if (v == ProtoVersion::IgmpV1 || v == ProtoVersion::MldV1)
        olderV1Until_ = until;
    else
        olderV2Until_ = until;
    olderQuerier_ = src;
    recomputeOperating();
}

void Querier::warnVersion(const IpAddr& src, ProtoVersion v, TimePoint now) {
    if (lastVersionWarning_ && now - *lastVersionWarning_ < kVersionWarningInterval) return;
    lastVersionWarning_ = now;
    ++counters_.versionWarnings;
    emit(VersionMismatch{src, v, cfg_.version});
}

void Querier::recomputeOperating() {
    ProtoVersion v = cfg_.version;
    if (cfg_.followOlderVersion) {
        if (olderV1Until_)
            v = id_.family == Family::V4 ? ProtoVersion::IgmpV1 : ProtoVersion::MldV1;
        else if (olderV2Until_ && id_.family == Family::V4)
            v = std::min(v, ProtoVersion::IgmpV2);
    }
    operating_ = v;
}

// --- specific queries ------------------------------------------------------------------

SpecificQueryResult Querier::requestSpecificQuery(const SpecificQueryRequest& r, TimePoint now) {
    ++counters_.specificRequests;
    if (state_ == QuerierState::Disabled) {
        ++counters_.specificRequestsDisabled;
        return SpecificQueryResult::Disabled;
    }
    if (state_ == QuerierState::NonQuerier) {
        ++counters_.specificRequestsNotQuerier;
        return SpecificQueryResult::NotQuerier;
    }
    if (r.group.family() != id_.family || !r.group.isMulticast()) {
        ++counters_.specificRequestsInvalid;
        return SpecificQueryResult::InvalidGroup;
    }
    if (operating_ == ProtoVersion::IgmpV1) {   // RFC 9776 §7.3.1: v1 has no specific queries
        ++counters_.specificRequestsUnsupported;
        return SpecificQueryResult::NotSupportedByVersion;
    }
    const bool withSources = hasSourceLists(operating_);
    std::vector<IpAddr> sources;
    sources.reserve(r.sources.size());
    size_t unsupported = 0;
    for (const IpAddr& s : r.sources) {
        if (s.family() != id_.family || s.isUnspecified() || s.isMulticast()) {
            ++counters_.sourcesIgnoredInvalid;
        } else if (!withSources) {
            ++counters_.sourcesIgnoredVersion;
            ++unsupported;
        } else {
            sources.push_back(s);
        }
    }
    if (!r.queryGroup && sources.empty()) {
        if (unsupported > 0) {
            ++counters_.specificRequestsUnsupported;
            return SpecificQueryResult::NotSupportedByVersion;
        }
        return SpecificQueryResult::NothingToQuery;
    }
    const bool newGroupAtLimit =
        !specific_.isPending(r.group) && specific_.pendingGroups() >= cfg_.maxPendingGroups;
    if (!specific_.add(r.group, r.queryGroup, sources, timing().lastMemberQueryCount, now,
                       cfg_.maxPendingGroups, cfg_.maxPendingSources)) {
        if (newGroupAtLimit)
            ++counters_.pendingGroupsLimitHit;
        else
            ++counters_.pendingSourcesLimitHit;
        return SpecificQueryResult::LimitReached;
    }
    flushSpecific(now);   // "immediately send" (RFC 9776 §6.6.3.1/§6.6.3.2)
    return unsupported > 0 ? SpecificQueryResult::ScheduledGroupOnly : SpecificQueryResult::Scheduled;
}

bool Querier::canQuerySources() const { return hasSourceLists(operating_); }

void Querier::onGroupTimerRaised(const IpAddr& group) { specific_.raiseGroup(group); }

void Querier::onSourceTimersRaised(const IpAddr& group, std::span<const IpAddr> sources) {
    specific_.raiseSources(group, sources);
}

void Querier::cancelSpecificQueries(const IpAddr& group) { specific_.cancel(group); }

void Querier::flushSpecific(TimePoint now) {
    if (state_ != QuerierState::Querier) return;
    const std::optional<IpAddr> src = sourceAddress();
    if (!src) return;
    const Timing t = timing();
    const size_t maxSources = id_.family == Family::V4 ? kMaxSourcesV4 : kMaxSourcesV6;
    for (auto& tx : specific_.takeDue(now, t.lastMemberQueryInterval, maxSources)) {
        const bool withSources = !tx.sources.empty();
        // The operating version may have dropped since the request (older querier heard).
        if (operating_ == ProtoVersion::IgmpV1 || (withSources && !hasSourceLists(operating_))) {
            counters_.sourcesIgnoredVersion += tx.sources.size();
            continue;
        }
        wire::QuerySpec spec;
        spec.version = operating_;
        spec.src = *src;
        spec.group = tx.group;
        spec.sources = std::move(tx.sources);
        // RFC 9776 §8.8 / RFC 9777 §9.8: Max Resp of specific queries is LMQI.
        spec.maxRespMs = advertisedMaxRespMs(operating_, t.lastMemberQueryInterval);
        spec.suppressRouterSide = hasSourceLists(operating_) && tx.suppress;
        spec.qrv = qrvField(t.robustness);
        spec.qqiSec = advertisedQqiSec(t.queryInterval);
        const QueryKind kind = withSources ? QueryKind::GroupSourceSpecific : QueryKind::GroupSpecific;
        if (withSources)
            ++counters_.groupSourceQueriesSent;
        else
            ++counters_.groupQueriesSent;
        wire::Frame frame = wire::buildQuery(l2_, spec);
        push(Outbound{id_.bridge, id_.vid, TxTarget::FloodVlan, kind, QueryReason::Specific,
                      std::move(spec), std::move(frame)});
    }
}

// --- general queries --------------------------------------------------------------------

void Querier::scheduledGeneral(TimePoint now) {
    const bool startup = startupLeft_ > 0;
    sendGeneral(startup ? QueryReason::Startup : QueryReason::Periodic, now);
    if (startup) --startupLeft_;
    const Timing t = timing();
    lastGeneral_ = now;
    nextGeneral_ = now + (startupLeft_ > 0 ? t.startupQueryInterval : t.queryInterval);
}

std::optional<wire::QuerySpec> Querier::generalQuerySpec() const {
    if (state_ != QuerierState::Querier) return std::nullopt;
    return buildGeneralSpec();
}

std::optional<wire::QuerySpec> Querier::buildGeneralSpec() const {
    const std::optional<IpAddr> src = sourceAddress();
    if (!src) return std::nullopt;
    const Timing t = timing();
    wire::QuerySpec spec;
    spec.version = operating_;
    spec.src = *src;
    spec.group = IpAddr::unspecified(id_.family);
    spec.maxRespMs = advertisedMaxRespMs(operating_, t.queryResponseInterval);
    spec.qrv = qrvField(t.robustness);
    spec.qqiSec = advertisedQqiSec(t.queryInterval);
    return spec;
}

void Querier::sendGeneral(QueryReason reason, TimePoint now) {
    std::optional<wire::QuerySpec> built = buildGeneralSpec();
    if (!built) return;
    wire::QuerySpec spec = std::move(*built);
    ++counters_.generalQueriesSent;
    switch (reason) {
        case QueryReason::Startup: ++counters_.startupQueriesSent; break;
        case QueryReason::Periodic: ++counters_.periodicQueriesSent; break;
        case QueryReason::Takeover: ++counters_.takeoverQueriesSent; break;
        case QueryReason::TopologyChange: ++counters_.topologyChangeQueriesSent; break;
        case QueryReason::Specific: break;
    }
    lastAnyGeneral_ = now;
    wire::Frame frame = wire::buildQuery(l2_, spec);
    push(Outbound{id_.bridge, id_.vid, TxTarget::FloodVlan, QueryKind::General, reason,
                  std::move(spec), std::move(frame)});
}

void Querier::sendProxyGeneral(TimePoint now) {
    // RFC 4541 §2.1.1 (catalog S-11/S-12): from 0.0.0.0, and only with the true querier's
    // version and latest parameters, so that we never inject an older query into its network.
    const Timing t = timing();
    wire::QuerySpec spec;
    spec.version = other_->version;
    spec.src = IpAddr::unspecified(Family::V4);
    spec.group = IpAddr::unspecified(Family::V4);
    spec.maxRespMs = advertisedMaxRespMs(spec.version, t.queryResponseInterval);
    spec.qrv = qrvField(t.robustness);
    spec.qqiSec = advertisedQqiSec(t.queryInterval);
    ++counters_.proxyTopologyChangeQueriesSent;
    lastAnyGeneral_ = now;
    wire::Frame frame = wire::buildQuery(l2_, spec);
    push(Outbound{id_.bridge, id_.vid, TxTarget::FloodVlan, QueryKind::General,
                  QueryReason::TopologyChange, std::move(spec), std::move(frame)});
}

void Querier::onTopologyChange(TimePoint now) {
    ++counters_.topologyChanges;
    const bool asQuerier = state_ == QuerierState::Querier && cfg_.queryOnTopologyChange;
    const bool asProxy = state_ != QuerierState::Querier && cfg_.proxyQueryOnTopologyChange &&
                         other_ && id_.family == Family::V4;
    if (!asQuerier && !asProxy) return;
    if (lastAnyGeneral_ && now - *lastAnyGeneral_ < kTopologyChangeHoldoff) {
        ++counters_.topologyChangeQueriesSuppressed;
        return;
    }
    if (asQuerier)
        sendGeneral(QueryReason::TopologyChange, now);
    else
        sendProxyGeneral(now);
}

// --- timers ------------------------------------------------------------------------------

void Querier::onTimer(TimePoint now) {
    const Snapshot before = snapshot();
    if (olderV1Until_ && *olderV1Until_ <= now) olderV1Until_.reset();
    if (olderV2Until_ && *olderV2Until_ <= now) olderV2Until_.reset();
    recomputeOperating();
    if (other_ && other_->expiry <= now) {
        other_.reset();
        adopted_ = {};
        ++counters_.otherQuerierTimeouts;
        sync(now);   // takes over when we run
    }
    if (state_ == QuerierState::Querier && nextGeneral_ && *nextGeneral_ <= now) scheduledGeneral(now);
    flushSpecific(now);
    publish(before);
}

std::optional<TimePoint> Querier::nextDeadline() const {
    std::optional<TimePoint> d;
    if (state_ == QuerierState::Querier) {
        minInto(d, nextGeneral_);
        minInto(d, specific_.nextDue());
    }
    if (other_) minInto(d, other_->expiry);
    minInto(d, olderV1Until_);
    minInto(d, olderV2Until_);
    return d;
}

Timers Querier::timers() const {
    Timers t;
    if (state_ == QuerierState::Querier) {
        t.nextGeneralQuery = nextGeneral_;
        t.startupQueriesLeft = startupLeft_;
        t.nextSpecificQuery = specific_.nextDue();
    }
    if (other_) t.otherQuerierPresent = other_->expiry;
    t.olderVersionQuerierV1 = olderV1Until_;
    t.olderVersionQuerierV2 = olderV2Until_;
    t.pendingSpecificGroups = specific_.pendingGroups();
    t.pendingSpecificSources = specific_.pendingSources();
    return t;
}

// --- output ------------------------------------------------------------------------------

Querier::Snapshot Querier::snapshot() const {
    return Snapshot{state_, reason_, electedQuerier(), operating_};
}

void Querier::publish(const Snapshot& before) {
    const Snapshot after = snapshot();
    if (before.state != after.state ||
        (after.state == QuerierState::Disabled && before.reason != after.reason))
        emit(StateChanged{before.state, after.state, after.reason});
    auto who = [](const std::optional<ElectedQuerier>& e) {
        return e ? std::optional<std::pair<IpAddr, bool>>({e->address, e->self}) : std::nullopt;
    };
    if (who(before.elected) != who(after.elected)) emit(QuerierChanged{before.elected, after.elected});
    if (before.operating != after.operating) {
        const bool fellBack = after.operating != cfg_.version;
        emit(VersionChanged{before.operating, after.operating,
                            fellBack ? olderQuerier_ : std::optional<IpAddr>{}});
    }
}

void Querier::emit(Event e) {
    if (events_.size() >= kMaxQueuedEvents) {
        ++counters_.eventsDropped;
        return;
    }
    events_.push_back(std::move(e));
}

void Querier::push(Outbound o) {
    if (outbound_.size() >= kMaxQueuedOutbound) {
        ++counters_.outboundDropped;
        return;
    }
    outbound_.push_back(std::move(o));
}

std::vector<Outbound> Querier::takeOutbound() { return std::exchange(outbound_, {}); }
std::vector<Event> Querier::takeEvents() { return std::exchange(events_, {}); }

}  // namespace mcs::querier
