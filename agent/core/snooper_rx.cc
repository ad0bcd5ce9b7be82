// Received control messages: reports and leaves (router-side state per port),
// queries (mrouter learning, querier tracking, Table 10 timer lowering), PIM and
// MRD (mrouter learning), BPDUs (topology change).
#include <algorithm>
#include <type_traits>

#include "agent/core/snooper_impl.h"

namespace mcs::core {

using wire::ProtoVersion;
using wire::RecordType;

namespace {

bool isOldReport(ProtoVersion v) {
    return v == ProtoVersion::IgmpV1 || v == ProtoVersion::IgmpV2 || v == ProtoVersion::MldV1;
}

// Non-existent state is INCLUDE({}) (RFC 9776 §6.4): only these records create state.
bool createsState(const RecordIn& r) {
    switch (r.type) {
    case RecordType::IsExclude:
    case RecordType::ToExclude: return true;
    case RecordType::IsInclude:
    case RecordType::ToInclude:
    case RecordType::AllowNewSources: return !r.sources.empty();
    case RecordType::BlockOldSources: return false;
    }
    return false;
}

// State-change records that can reduce what a host receives: with immediate leave
// they are answered from the host table instead of by queries.
bool reduces(RecordType t) {
    return t == RecordType::ToInclude || t == RecordType::BlockOldSources || t == RecordType::ToExclude;
}

}  // namespace

std::vector<IfIndex> Snooper::Impl::reportTargets(const Port& ingress, Family f) const {
    std::vector<IfIndex> out;
    if (ingress.policy.floodReports) {
        for (const auto& [id, p] : ports)
            if (id != ingress.id && p.forwarding()) out.push_back(id);
        return out;
    }
    // RFC 4541 §2.1.1 (1): reports and leaves go to router ports only.
    for (IfIndex id : mrouters[fi(f)].routers()) {
        const Port* p = port(id);
        if (id != ingress.id && p && p->forwarding()) out.push_back(id);
    }
    return out;
}

Snooper::Impl::RecordOutcome Snooper::Impl::onRecord(Port& p, Family f, ProtoVersion v,
                                                     const wire::GroupRecord& rec, const IpAddr& reporter,
                                                     TimePoint now, Cause& why) {
    const IpAddr& group = rec.group;
    if (group.family() != f || !group.isMulticast()) {
        count(&p, Cause::WrongFamily);
        return RecordOutcome::Ignored;
    }
    if (!tracked(group)) {
        count(&p, Cause::LinkLocalGroup);
        return RecordOutcome::Ignored;
    }
    // v1/v2/MLDv1 reports arrive as one IS_EX({}) record (wire/message.h); a Leave
    // comes here as TO_IN({}) with the same old version.
    const bool oldReport = isOldReport(v) && rec.type != RecordType::ToInclude;
    RecordIn r{oldReport ? RecordType::IsExclude : rec.type, oldReport ? AddrList{} : rec.sources};
    if (!r.sources.empty()) {
        const size_t n = r.sources.size();
        std::erase_if(r.sources, [&](const IpAddr& s) { return s.family() != f; });
        if (r.sources.size() != n) count(&p, Cause::WrongFamily);
        normalize(r.sources);
    }
    const bool creates = createsState(r);

    const GroupVerdict verdict = evaluate(p.policy.filter, group);
    bool srcChanged = false;
    auto filtered = applyVerdict(verdict, std::move(r), srcChanged);
    if (!filtered) {
        count(&p, Cause::Filtered);
        why = Cause::Filtered;
        // Only a record that would have created state counts as denied: a leave for a
        // denied group still goes to the routers (they may know it from elsewhere).
        return creates ? RecordOutcome::Denied : RecordOutcome::Ignored;
    }
    if (srcChanged) count(&p, Cause::SourceFiltered);

    uint32_t g = findGroup(group);
    uint32_t mh = findMember(g, p.id);
    if (mh != kNil && deadlines.at(mh) <= now) {   // bring it up to date first
        runTimers(mh, now);
        g = findGroup(group);
        mh = findMember(g, p.id);
    }
    const bool haveLearned = mh != kNil && !mem(mh).learned.empty();
    if (!haveLearned) {
        if (!createsState(*filtered)) return RecordOutcome::Accepted;   // INCLUDE({}) stays
        const Cause c = admit(p, group, g == kNil, now);
        if (c != Cause::None) {
            count(&p, c);
            why = c;
            return RecordOutcome::Denied;
        }
        g = getGroup(group);   // admission may have evicted the group
    }
    mh = getMembership(g, p.id, f);
    Membership& m = mem(mh);
    const Tally before = tally(m);
    StateParams sp = params(f, now, &m);

    if (oldReport) m.learned.noteReportVersion(v, sp);
    Cause ignored = Cause::None;
    auto in = m.learned.translate(std::move(*filtered), now, ignored);
    if (!in) {
        count(&p, ignored);
        settle(mh, before, LeaveReason::Expired, now);
        return RecordOutcome::Accepted;
    }
    GroupPortState::Result res = m.learned.apply(*in, sp);
    if (res.spilled) count(&p, Cause::SourceLimit);
    for (const auto& s : verdict.deniedSources) m.learned.denySource(s);

    LeaveReason reason = LeaveReason::Expired;
    if (p.policy.immediateLeave) {
        const TimePoint hostExpiry = now + sp.gmi;
        const uint32_t budget = hostBudget(m);
        HostTable& hosts = m.more().hosts;
        if (reporter.isUnspecified()) {
            hosts.markUntracked(hostExpiry);   // RFC 4541 §2.1.1 (3) proxies report from 0.0.0.0
        } else if (hosts.apply(reporter, *in, hostExpiry, budget, cfg.limits.sourcesPerGroup) ==
                   HostTable::Outcome::LimitHit) {
            count(&p, Cause::HostLimit);
        }
        if (reduces(in->type) && hosts.allTracked(now)) {
            FilterMode mode;
            AddrList forward, blocked;
            hosts.merged(mode, forward, blocked);
            if (mode == FilterMode::Include && forward.empty()) {
                m.learned.clear();   // the last tracked host left: fast leave
                reason = LeaveReason::FastLeave;
            } else {
                m.learned.reconcile(mode, forward, blocked, sp);
                for (const auto& s : verdict.deniedSources) m.learned.denySource(s);
                count(&p, Stat::FastPrunes);
            }
            res.query = {};
        }
    }
    if (res.query.any() && ownQuerier[fi(f)]) {
        // RFC 9776 §6.6.3: we are the querier, so "Send Q(...)" is ours to do. As a
        // non-querier we wait for the elected querier's specific queries (Table 10).
        m.learned.startQueries(res.query, sp);
        emitQueries(f, group, p.id, m, sp);
    }
    settle(mh, before, reason, now);
    return RecordOutcome::Accepted;
}

RxVerdict Snooper::Impl::onReport(Port& p, const wire::Decoded& d, const wire::Report& r, TimePoint now) {
    const Family f = wire::familyOf(r.version);
    const size_t n = std::min<size_t>(r.records.size(), cfg.limits.recordsPerReport);
    if (r.records.size() > n) count(&p, Cause::RecordLimit, r.records.size() - n);
    // The codec already skipped them (the report's other records count): count here.
    if (r.skippedRecords) count(&p, Cause::UnknownRecordType, r.skippedRecords);
    size_t accepted = 0, denied = 0;
    Cause firstDenial = Cause::None;
    for (size_t i = 0; i < n; ++i) {
        Cause why = Cause::None;
        count(&p, Stat::RecordsProcessed);
        switch (onRecord(p, f, r.version, r.records[i], d.src, now, why)) {
        case RecordOutcome::Denied:
            ++denied;
            if (firstDenial == Cause::None) firstDenial = why;
            break;
        case RecordOutcome::Accepted:
        case RecordOutcome::Ignored: ++accepted; break;
        }
    }
    if (denied && !accepted) return RxVerdict{RxAction::Drop, {}, firstDenial};
    return RxVerdict{RxAction::Forward, reportTargets(p, f), Cause::None};
}

RxVerdict Snooper::Impl::onLeave(Port& p, const wire::Decoded& d, const wire::Leave& l, TimePoint now) {
    const Family f = wire::familyOf(l.version);
    // A global leave (group 0.0.0.0 / ::) is another switch's query solicitation: for
    // the routers only, no state here.
    if (!l.isGlobalLeave()) {
        // RFC 9776 §7.3.2 / RFC 9777 §8.3.2: IGMPv2 Leave / MLDv1 Done = TO_IN({}).
        const wire::GroupRecord rec{RecordType::ToInclude, l.group, {}};
        Cause why = Cause::None;
        count(&p, Stat::RecordsProcessed);
        onRecord(p, f, l.version, rec, d.src, now, why);
    }
    return RxVerdict{RxAction::Forward, reportTargets(p, f), Cause::None};
}

RxVerdict Snooper::Impl::onQuery(Port& p, const wire::Decoded& d, const wire::Query& q, TimePoint now) {
    const Family f = wire::familyOf(q.version);
    const size_t k = fi(f);
    const bool proxy = d.src.isUnspecified();
    if (proxy) count(&p, Cause::ProxyQuery);
    if (q.isGeneral()) {
        if (!proxy) {
            // Lowest address wins (RFC 9776 §6.6.2, RFC 9777 §7.6.2); proxy queries from
            // 0.0.0.0 / :: take no part (RFC 4541 §2.1.1, §3).
            auto& cur = queriers[k];
            if (!cur || d.src <= cur->address || cur->expiry <= now) {
                cur = QuerierInfo{d.src, p.id, q.version, now, q.qrv, q.qqiSec, q.maxRespMs};
                refreshTimers(f);
                cur->expiry = now + timers[k].otherQuerierPresent;
            }
            // RFC 4541 §2.1.1 (2b): a query whose source is not 0.0.0.0 marks a router port.
            if (cfg.mrouter.learnFromQueries)
                onRouterEvidence(p, f, MrouterOrigin::Query, now + mrouterAging(f));
        }
        // Any general query ends TCN flooding, proxy ones too: a Linux bridge querier
        // without mcast_query_use_ifaddr sends from 0.0.0.0.
        generalQuerySeen(f);
        return RxVerdict{};
    }
    // RFC 9776 §6.6.1 Table 10 / RFC 9777 §7.6.1 Table 9 and RFC 2236 §7 non-querier
    // "start timer*": a specific query with S = 0 lowers the timers of every port's
    // state (the kernel floods the query to all of them) to LMQC x Max Resp, with
    // LMQC taken from the query's QRV when it has one. Only the elected querier sends
    // them; while none is known any source is believed (lowering only makes hosts
    // answer sooner, never cuts one that answers).
    if (q.suppressRouterSide || !tracked(q.group)) return RxVerdict{};
    if (const auto& cur = queriers[k]; cur && cur->expiry > now && cur->address != d.src) {
        count(&p, Cause::ForeignQuery);
        return RxVerdict{};
    }
    const uint32_t g = findGroup(q.group);
    if (g == kNil) return RxVerdict{};
    const uint8_t lmqc = q.qrv ? q.qrv : timers[k].lastMemberQueryCount;
    const TimePoint to = now + milliseconds(q.maxRespMs) * lmqc;
    AddrList sources = q.sources;
    normalize(sources);
    std::vector<IfIndex> pids;
    forEachMember(g, [&](uint32_t, const Membership& m) { pids.push_back(m.port); });
    bool lowered = false;
    for (IfIndex pid : pids) {
        const uint32_t mh = findMember(findGroup(q.group), pid);
        if (mh == kNil || mem(mh).learned.empty()) continue;
        Membership& m = mem(mh);
        const Tally before = tally(m);
        lowered |= sources.empty() ? m.learned.lowerGroupTimer(to) : m.learned.lowerSourceTimers(sources, to);
        settle(mh, before, LeaveReason::Expired, now);
    }
    if (lowered) count(&p, Stat::QueriesLowered);
    return RxVerdict{};
}

void Snooper::Impl::onRouterEvidence(Port& p, Family f, MrouterOrigin o, std::optional<TimePoint> until) {
    if (p.policy.mrouter == MrouterMode::Disabled) {
        count(&p, Cause::MrouterDisabled);
        return;
    }
    if (until)
        mrouterChanged(f, mrouters[fi(f)].learn(p.id, o, *until));
    else
        mrouterChanged(f, mrouters[fi(f)].forget(p.id, o));
}

}  // namespace mcs::core
