// Router-side state of one (group, port) as seen from the switch: the "attached
// network" of RFC 9776 §6 / RFC 9777 §7 is one bridge port. INCLUDE/EXCLUDE filter
// mode, group (filter) timer, source timers, older-host-present timers, and the
// querier retransmission state of §6.6.3 (used only while our querier is active).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/time.h"
#include "agent/core/counters.h"
#include "agent/core/snooper_types.h"
#include "agent/core/source_set.h"
#include "agent/wire/message.h"

namespace mcs::core {

// A timer that is not running ("timer value 0" in the RFC tables).
inline constexpr TimePoint kStopped = TimePoint::min();
inline constexpr TimePoint kNever = TimePoint::max();

// Effective values for one family at `now` (params.h computes them).
struct StateParams {
    TimePoint now;
    Duration gmi;            // Group Membership Interval / MALI
    Duration ohpi;           // Older Host Present Interval
    Duration lmqi;           // Last Member Query Interval
    uint8_t lmqc = 2;        // Last Member Query Count
    uint32_t maxSources = 64;   // cap on stored sources of this state (per-group and VLAN budget)
    Duration lmqt() const { return lmqi * lmqc; }
};

// One record after version translation: sources sorted and unique.
struct RecordIn {
    wire::RecordType type = wire::RecordType::IsExclude;
    AddrList sources;
};

// "Send Q(G)" / "Send Q(G, S)" actions of RFC 9776 Table 9.
struct QueryNeed {
    bool group = false;
    AddrList sources;
    bool any() const { return group || !sources.empty(); }
};

struct SourceTimer {
    SourceTimer(const IpAddr& a, TimePoint t, uint8_t r) : addr(a), rexmit(r), timer(t) {}
    IpAddr addr;
    uint8_t rexmit = 0;           // §6.6.3.2 retransmissions left (beside addr: 32 bytes, not 40)
    TimePoint timer = kStopped;   // kStopped in EXCLUDE mode = the blocked list Y
};

// The source list of a GroupPortState: most (group, port) states have none, so the
// vector is allocated only while it holds sources (8 bytes inline instead of 24).
class SourceVec {
    using V = std::vector<SourceTimer>;

public:
    SourceVec() = default;
    SourceVec(const SourceVec& o) : v_(o.empty() ? nullptr : std::make_unique<V>(*o.v_)) {}
    SourceVec(SourceVec&&) noexcept = default;
    SourceVec& operator=(SourceVec&&) noexcept = default;
    SourceVec& operator=(const SourceVec& o) { return *this = SourceVec(o); }
    SourceVec& operator=(V&& v) {
        if (v.empty())
            v_.reset();
        else if (v_)
            *v_ = std::move(v);
        else
            v_ = std::make_unique<V>(std::move(v));
        return *this;
    }

    const V& get() const { return v_ ? *v_ : none(); }
    size_t size() const { return v_ ? v_->size() : 0; }
    bool empty() const { return !v_ || v_->empty(); }
    V::iterator begin() { return v_ ? v_->begin() : none().begin(); }
    V::iterator end() { return v_ ? v_->end() : none().end(); }
    V::const_iterator begin() const { return get().begin(); }
    V::const_iterator end() const { return get().end(); }
    SourceTimer& operator[](size_t i) { return (*v_)[i]; }
    const SourceTimer& operator[](size_t i) const { return (*v_)[i]; }

    V::iterator insert(V::iterator pos, const SourceTimer& s) {
        if (!v_) {
            v_ = std::make_unique<V>();
            return v_->insert(v_->begin(), s);
        }
        return v_->insert(pos, s);
    }
    V::iterator erase(V::iterator pos) {
        auto next = v_->erase(pos);
        if (!v_->empty()) return next;
        v_.reset();
        return none().end();
    }
    void truncate(size_t n) {
        if (n == 0) v_.reset();
        else if (v_ && v_->size() > n) v_->erase(v_->begin() + static_cast<std::ptrdiff_t>(n), v_->end());
    }
    void clear() { v_.reset(); }
    template <class Pred>
    friend size_t erase_if(SourceVec& s, Pred p) {
        if (!s.v_) return 0;
        const size_t n = std::erase_if(*s.v_, p);
        if (s.v_->empty()) s.v_.reset();
        return n;
    }

private:
    // Never written: stands in for the iterators of an empty list.
    static V& none() {
        static V empty;
        return empty;
    }
    std::unique_ptr<V> v_;
};

class GroupPortState {
public:
    explicit GroupPortState(Family f = Family::V4) : family_(f) {}


    // RFC 9776 §7.3.2 / RFC 9777 §8.3.2: an IGMPv1/v2 or MLDv1 report starts that
    // version's Older-Host-Present timer before the report is processed.
    void noteReportVersion(wire::ProtoVersion v, const StateParams& p);
    CompatMode compat(TimePoint now) const;

    // Maps a record onto what the current compatibility mode lets through: BLOCK is
    // ignored and TO_EX loses its sources in v2/MLDv1 and v1 mode; TO_IN (IGMPv2
    // Leave included) is ignored in v1 mode. nullopt = ignored, with `why`.
    std::optional<RecordIn> translate(RecordIn r, TimePoint now, Cause& why) const;

    struct Result {
        QueryNeed query;       // what a querier would send (Table 9)
        bool spilled = false;  // source cap hit, spill rule applied
    };
    // RFC 9776 Tables 8 and 9 (RFC 9777 Tables 7 and 8).
    Result apply(const RecordIn& r, const StateParams& p);

    // RFC 9776 §6.6.1 Table 10: a specific query with S = 0 lowers the group timer /
    // the listed sources' timers to `to` (only ever lowers). True if anything changed.
    bool lowerGroupTimer(TimePoint to);
    bool lowerSourceTimers(std::span<const IpAddr> sources, TimePoint to);

    // RFC 9776 §6.6.3 (own querier): lower timers, arm LMQC retransmissions.
    void startQueries(const QueryNeed& need, const StateParams& p);
    struct Transmission {
        bool groupQuery = false;   // Q(G) when true, else Q(G, sources)
        bool sFlag = false;
        AddrList sources;
    };
    // Transmissions due at p.now (the first one right after startQueries()).
    std::vector<Transmission> transmitDue(const StateParams& p);
    void stopQueries();

    // RFC 9776 §6.5 (Tables 6/7): group timer expiry in EXCLUDE switches to
    // INCLUDE(X); source timer expiry deletes (INCLUDE) or blocks (EXCLUDE).
    // Returns true if the forwarding filter changed.
    bool expire(TimePoint now);
    TimePoint nextDeadline() const;   // kNever when nothing runs

    // Immediate leave: make the state exactly the union of the tracked hosts (mode,
    // forwarded X/A, blocked Y), keeping running timers, GMI for the others.
    void reconcile(FilterMode mode, const AddrList& forward, const AddrList& blocked,
                   const StateParams& p);
    // Policy change: a newly denied source is deleted (INCLUDE) or blocked (EXCLUDE).
    bool denySource(const IpAddr& s);

    bool empty() const { return mode_ == FilterMode::Include && sources_.empty(); }
    void clear();
    Family family() const { return family_; }
    FilterMode mode() const { return mode_; }
    TimePoint groupTimer() const { return groupTimer_; }
    const std::vector<SourceTimer>& sources() const { return sources_.get(); }
    TimePoint olderV1Host() const { return olderV1_; }
    TimePoint olderV2Host() const { return olderV2_; }
    // Sources to forward (INCLUDE) or to block (EXCLUDE: timer 0).
    AddrList filterSources() const;

private:
    SourceTimer* find(const IpAddr& a);
    void setTimer(const IpAddr& a, TimePoint t);   // insert or update
    void enforceCap(const StateParams& p, bool& spilled);

    // Ordered for size: one per (group, port), 48 bytes.
    TimePoint groupTimer_ = kStopped;
    SourceVec sources_;   // sorted by addr
    TimePoint olderV1_ = kStopped;
    TimePoint olderV2_ = kStopped;
    TimePoint nextRexmit_ = kStopped;
    Family family_;
    FilterMode mode_ = FilterMode::Include;
    uint8_t groupRexmit_ = 0;
};

}  // namespace mcs::core
