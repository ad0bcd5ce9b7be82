// Retransmission state of group-specific and group-and-source-specific queries
// (RFC 9776 §6.6.3, RFC 9777 §7.6.3). Pure bookkeeping: what to send when, with which
// S flag; the querier turns the transmissions into frames.
//
// Every queried item (the group itself, or one source) has its own count and due time:
// a new request sends its items at once and then every LMQI, whatever other items of the
// same group are doing, so each item gets LMQC transmissions exactly LMQI apart. Items due
// at the same moment share messages.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "agent/base/time.h"
#include "agent/base/types.h"

namespace mcs::querier {

class SpecificQueryScheduler {
public:
    // Schedule "Send Q(G)" (queryGroup) and/or "Send Q(G,X)" (sources: the sources of X
    // whose timers were > LMQT, RFC 9776 §6.6.3.2). Each item gets `count` transmissions,
    // the first due `now`; an item already pending is restarted (the timers were lowered
    // to LMQT again, so it goes back to S = 0). All or nothing: false (and no change) when
    // a new group would exceed maxGroups or new sources would exceed maxSources in total.
    bool add(const IpAddr& group, bool queryGroup, std::span<const IpAddr> sources,
             uint32_t count, TimePoint now, uint32_t maxGroups, uint32_t maxSources);

    // A report raised the group timer / these source timers above LMQT: their remaining
    // transmissions carry S = 1 (RFC 9776 §6.6.3.1 / §6.6.3.2).
    void raiseGroup(const IpAddr& group);
    void raiseSources(const IpAddr& group, std::span<const IpAddr> sources);

    void cancel(const IpAddr& group);
    void clear();

    std::optional<TimePoint> nextDue() const;
    size_t pendingGroups() const { return groups_.size(); }
    bool isPending(const IpAddr& group) const { return groups_.contains(group); }
    size_t pendingSources() const { return sourceCount_; }

    struct Transmission {
        IpAddr group;
        std::vector<IpAddr> sources;   // empty: Q(G)
        bool suppress = false;         // S flag
    };
    // Everything due at `now`: per group at most one Q(G), then the S = 1 sources and the
    // S = 0 sources, each list split into messages of at most maxSourcesPerMessage. When a
    // Q(G) goes out, the S = 1 source message is left out (RFC 9776 §6.6.3.2 note: it may
    // be suppressed), its items still count the transmission. Items with transmissions
    // left are due again at now + interval.
    std::vector<Transmission> takeDue(TimePoint now, Duration interval, size_t maxSourcesPerMessage);

private:
    struct Item {
        uint32_t left = 0;
        bool suppress = false;
        TimePoint due{};
    };
    struct Group {
        std::optional<Item> group;
        std::map<IpAddr, Item> sources;
        TimePoint nextDue{};
        void recomputeNextDue();
    };
    std::map<IpAddr, Group> groups_;
    size_t sourceCount_ = 0;
};

}  // namespace mcs::querier
