#include "agent/core/group_state.h"

#include <algorithm>

namespace mcs::core {

using wire::ProtoVersion;
using wire::RecordType;

namespace {

bool running(TimePoint t, TimePoint now) { return t != kStopped && t > now; }

}  // namespace

void GroupPortState::noteReportVersion(ProtoVersion v, const StateParams& p) {
    if (v == ProtoVersion::IgmpV1) olderV1_ = p.now + p.ohpi;
    if (v == ProtoVersion::IgmpV2 || v == ProtoVersion::MldV1) olderV2_ = p.now + p.ohpi;
}

CompatMode GroupPortState::compat(TimePoint now) const {
    if (family_ == Family::V6) return running(olderV2_, now) ? CompatMode::MldV1 : CompatMode::MldV2;
    if (running(olderV1_, now)) return CompatMode::IgmpV1;
    if (running(olderV2_, now)) return CompatMode::IgmpV2;
    return CompatMode::IgmpV3;
}

std::optional<RecordIn> GroupPortState::translate(RecordIn r, TimePoint now, Cause& why) const {
    const CompatMode m = compat(now);
    if (m == CompatMode::IgmpV3 || m == CompatMode::MldV2) return r;
    // RFC 9776 §7.3.2: "IGMPv1 routers also ignore IGMPv2 Leave messages and IGMPv3
    // TO_IN() messages" -- a v1 host cannot leave, so nothing may cut it off early.
    if (m == CompatMode::IgmpV1 && r.type == RecordType::ToInclude) {
        why = Cause::V1LeaveIgnored;
        return std::nullopt;
    }
    // RFC 9776 §7.3.2 / RFC 9777 §8.3.2: BLOCK ignored, TO_EX(S) treated as TO_EX({}).
    if (r.type == RecordType::BlockOldSources) {
        why = Cause::CompatBlockIgnored;
        return std::nullopt;
    }
    if (r.type == RecordType::ToExclude) r.sources.clear();
    return r;
}

SourceTimer* GroupPortState::find(const IpAddr& a) {
    auto it = std::lower_bound(sources_.begin(), sources_.end(), a,
                               [](const SourceTimer& s, const IpAddr& x) { return s.addr < x; });
    return it != sources_.end() && it->addr == a ? &*it : nullptr;
}

void GroupPortState::setTimer(const IpAddr& a, TimePoint t) {
    auto it = std::lower_bound(sources_.begin(), sources_.end(), a,
                               [](const SourceTimer& s, const IpAddr& x) { return s.addr < x; });
    if (it != sources_.end() && it->addr == a)
        it->timer = t;
    else
        sources_.insert(it, SourceTimer{a, t, 0});
}

GroupPortState::Result GroupPortState::apply(const RecordIn& r, const StateParams& p) {
    Result res;
    const TimePoint gmi = p.now + p.gmi;
    const AddrList& b = r.sources;
    AddrList current;   // A in INCLUDE; X+Y in EXCLUDE
    AddrList x;         // EXCLUDE: X (running timers)
    AddrList y;         // EXCLUDE: Y (timer 0)
    current.reserve(sources_.size());
    for (const auto& s : sources_) {
        current.push_back(s.addr);
        if (mode_ == FilterMode::Exclude) (s.timer == kStopped ? y : x).push_back(s.addr);
    }

    if (mode_ == FilterMode::Include) {
        switch (r.type) {
        case RecordType::IsInclude:        // INCLUDE(A) IS_IN(B) -> INCLUDE(A+B); (B)=GMI
        case RecordType::AllowNewSources:  // INCLUDE(A) ALLOW(B) -> INCLUDE(A+B); (B)=GMI
            for (const auto& s : b) setTimer(s, gmi);
            break;
        case RecordType::ToInclude:        // INCLUDE(A) TO_IN(B) -> INCLUDE(A+B); (B)=GMI; Q(G,A-B)
            for (const auto& s : b) setTimer(s, gmi);
            res.query.sources = minus(current, b);
            break;
        case RecordType::BlockOldSources:  // INCLUDE(A) BLOCK(B) -> INCLUDE(A); Q(G,A*B)
            res.query.sources = intersect(current, b);
            break;
        case RecordType::IsExclude:        // INCLUDE(A) IS_EX(B) -> EXCLUDE(A*B,B-A);
        case RecordType::ToExclude: {      //   (B-A)=0; Delete(A-B); GT=GMI [TO_EX: Q(G,A*B)]
            std::vector<SourceTimer> next;
            next.reserve(b.size());
            for (const auto& s : b) {
                const SourceTimer* old = find(s);
                next.push_back(old ? SourceTimer{s, old->timer, old->rexmit} : SourceTimer{s, kStopped, 0});
            }
            sources_ = std::move(next);
            mode_ = FilterMode::Exclude;
            groupTimer_ = gmi;
            if (r.type == RecordType::ToExclude) res.query.sources = intersect(current, b);
            break;
        }
        }
    } else {
        switch (r.type) {
        case RecordType::IsInclude:        // EXCLUDE(X,Y) IS_IN(A) -> EXCLUDE(X+A,Y-A); (A)=GMI
        case RecordType::AllowNewSources:  // EXCLUDE(X,Y) ALLOW(A) -> EXCLUDE(X+A,Y-A); (A)=GMI
            for (const auto& s : b) setTimer(s, gmi);
            break;
        case RecordType::ToInclude:        // EXCLUDE(X,Y) TO_IN(A) -> EXCLUDE(X+A,Y-A); (A)=GMI;
            for (const auto& s : b) setTimer(s, gmi);   // Q(G,X-A); Q(G)
            res.query.sources = minus(x, b);
            res.query.group = true;
            break;
        case RecordType::BlockOldSources:  // EXCLUDE(X,Y) BLOCK(A) -> EXCLUDE(X+(A-Y),Y);
            for (const auto& s : b)        //   (A-X-Y)=Group Timer; Q(G,A-Y)
                if (!find(s)) setTimer(s, groupTimer_);
            res.query.sources = minus(b, y);
            break;
        case RecordType::IsExclude:        // EXCLUDE(X,Y) IS_EX(A) -> EXCLUDE(A-Y,Y*A);
        case RecordType::ToExclude: {      //   (A-X-Y)=GMI [TO_EX: =Group Timer]; Delete(X-A),(Y-A);
            // [TO_EX: Q(G,A-Y)]; Group Timer=GMI. New sources take the timer *before*
            // the group timer is reset (the table lists that action last).
            const TimePoint fresh = r.type == RecordType::IsExclude ? gmi : groupTimer_;
            std::vector<SourceTimer> next;
            next.reserve(b.size());
            for (const auto& s : b) {
                const SourceTimer* old = find(s);
                next.push_back(old ? *old : SourceTimer{s, fresh, 0});
            }
            sources_ = std::move(next);
            if (r.type == RecordType::ToExclude) res.query.sources = minus(b, y);
            groupTimer_ = gmi;
            break;
        }
        }
    }
    enforceCap(p, res.spilled);
    return res;
}

// Spill rule (limits.h): never drop interest silently. Sources that do not fit are
// covered by EXCLUDE mode with a group timer at least as long as theirs, so the
// port keeps forwarding them (over-forwarding) until they would have expired.
void GroupPortState::enforceCap(const StateParams& p, bool& spilled) {
    if (sources_.size() <= p.maxSources) return;
    spilled = true;
    if (mode_ == FilterMode::Include) {
        mode_ = FilterMode::Exclude;
        groupTimer_ = kStopped;
        for (const auto& s : sources_) groupTimer_ = std::max(groupTimer_, s.timer);
    }
    // Drop X entries (running timers) from the end first, raising the group timer.
    for (size_t i = sources_.size(); i-- > 0 && sources_.size() > p.maxSources;) {
        if (sources_[i].timer == kStopped) continue;
        groupTimer_ = std::max(groupTimer_, sources_[i].timer);
        sources_.erase(sources_.begin() + static_cast<std::ptrdiff_t>(i));
    }
    // Still too many: the blocked list is cut; those sources get forwarded.
    if (sources_.size() > p.maxSources) sources_.truncate(p.maxSources);
}

bool GroupPortState::lowerGroupTimer(TimePoint to) {
    if (mode_ != FilterMode::Exclude || groupTimer_ <= to) return false;
    groupTimer_ = to;
    return true;
}

bool GroupPortState::lowerSourceTimers(std::span<const IpAddr> list, TimePoint to) {
    bool changed = false;
    for (const auto& a : list) {
        SourceTimer* s = find(a);
        if (s && s->timer != kStopped && s->timer > to) {
            s->timer = to;
            changed = true;
        }
    }
    return changed;
}

void GroupPortState::startQueries(const QueryNeed& need, const StateParams& p) {
    const TimePoint lmqt = p.now + p.lmqt();
    // §6.6.3.1: "the Querier ... lowers the group timer to LMQT", LMQC transmissions.
    if (need.group) {
        lowerGroupTimer(lmqt);
        groupRexmit_ = p.lmqc;
    }
    // §6.6.3.2: only sources whose timer is greater than LMQT are lowered and marked.
    for (const auto& a : need.sources) {
        SourceTimer* s = find(a);
        if (s && s->timer != kStopped && s->timer > lmqt) {
            s->timer = lmqt;
            s->rexmit = p.lmqc;
        }
    }
    // New and pending queries are merged: send now, then every LMQI (§6.6.3).
    nextRexmit_ = p.now;
}

std::vector<GroupPortState::Transmission> GroupPortState::transmitDue(const StateParams& p) {
    std::vector<Transmission> out;
    if (nextRexmit_ == kStopped || nextRexmit_ > p.now) return out;
    const TimePoint lmqt = p.now + p.lmqt();
    if (groupRexmit_ > 0) {
        // §6.6.3.1: S set when the group timer is larger than LMQT (a report came in).
        out.push_back({true, mode_ == FilterMode::Exclude && groupTimer_ > lmqt, {}});
        --groupRexmit_;
    }
    // §6.6.3.2: two messages, S=0 for sources with timer <= LMQT and S=1 for the
    // others; empty ones are not sent.
    Transmission clear{false, false, {}};
    Transmission suppressed{false, true, {}};
    for (auto& s : sources_) {
        if (s.rexmit == 0) continue;
        (s.timer != kStopped && s.timer > lmqt ? suppressed : clear).sources.push_back(s.addr);
        --s.rexmit;
    }
    if (!clear.sources.empty()) out.push_back(std::move(clear));
    if (!suppressed.sources.empty()) out.push_back(std::move(suppressed));
    bool more = groupRexmit_ > 0;
    for (const auto& s : sources_) more = more || s.rexmit > 0;
    nextRexmit_ = more ? p.now + p.lmqi : kStopped;
    return out;
}

void GroupPortState::stopQueries() {
    groupRexmit_ = 0;
    for (auto& s : sources_) s.rexmit = 0;
    nextRexmit_ = kStopped;
}

bool GroupPortState::expire(TimePoint now) {
    bool changed = false;
    if (mode_ == FilterMode::Exclude && groupTimer_ <= now) {
        // Table 6: EXCLUDE, group timer 0 -> INCLUDE with the running sources; Y deleted.
        erase_if(sources_, [&](const SourceTimer& s) { return !running(s.timer, now); });
        mode_ = FilterMode::Include;
        groupTimer_ = kStopped;
        groupRexmit_ = 0;
        changed = true;
    }
    for (auto it = sources_.begin(); it != sources_.end();) {
        if (it->timer == kStopped || it->timer > now) {
            ++it;
            continue;
        }
        changed = true;
        it->rexmit = 0;
        if (mode_ == FilterMode::Include) {
            it = sources_.erase(it);   // Table 7: INCLUDE, source timer 0 -> delete
        } else {
            it->timer = kStopped;      // Table 7: EXCLUDE, source timer 0 -> blocked (Y)
            ++it;
        }
    }
    if (olderV1_ != kStopped && olderV1_ <= now) olderV1_ = kStopped;
    if (olderV2_ != kStopped && olderV2_ <= now) olderV2_ = kStopped;
    if (nextRexmit_ != kStopped && empty()) stopQueries();
    return changed;
}

TimePoint GroupPortState::nextDeadline() const {
    TimePoint t = kNever;
    auto consider = [&](TimePoint x) {
        if (x != kStopped) t = std::min(t, x);
    };
    if (mode_ == FilterMode::Exclude) consider(groupTimer_);
    for (const auto& s : sources_) consider(s.timer);
    consider(olderV1_);
    consider(olderV2_);
    consider(nextRexmit_);
    return t;
}

void GroupPortState::reconcile(FilterMode mode, const AddrList& forward, const AddrList& blocked,
                               const StateParams& p) {
    std::vector<SourceTimer> next;
    next.reserve(forward.size() + blocked.size());
    const AddrList all = unite(forward, blocked);
    for (const auto& a : all) {
        if (contains(blocked, a)) {
            next.push_back({a, kStopped, 0});
            continue;
        }
        const SourceTimer* old = find(a);
        next.push_back({a, old && running(old->timer, p.now) ? old->timer : p.now + p.gmi, 0});
    }
    if (mode == FilterMode::Exclude)
        groupTimer_ = mode_ == FilterMode::Exclude && running(groupTimer_, p.now) ? groupTimer_
                                                                                 : p.now + p.gmi;
    else
        groupTimer_ = kStopped;
    mode_ = mode;
    sources_ = std::move(next);
    stopQueries();
    bool spilled = false;
    enforceCap(p, spilled);
}

bool GroupPortState::denySource(const IpAddr& s) {
    SourceTimer* st = find(s);
    if (mode_ == FilterMode::Include) {
        if (!st) return false;
        erase_if(sources_, [&](const SourceTimer& x) { return x.addr == s; });
        return true;
    }
    if (st && st->timer == kStopped) return false;
    setTimer(s, kStopped);
    return true;
}

void GroupPortState::clear() {
    const Family f = family_;
    *this = GroupPortState(f);
}

AddrList GroupPortState::filterSources() const {
    AddrList out;
    out.reserve(sources_.size());
    for (const auto& s : sources_)
        if (mode_ == FilterMode::Include || s.timer == kStopped) out.push_back(s.addr);
    return out;
}

}  // namespace mcs::core
