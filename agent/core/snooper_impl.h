// Internal state of a Snooper (snooper.h). Split over snooper.cc (ports, config,
// outputs, read API), snooper_rx.cc (received messages), snooper_groups.cc
// (membership lifecycle, limits, timers, MDB cache).
#pragma once

#include <array>
#include <memory>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/core/deadline_heap.h"
#include "agent/core/group_index.h"
#include "agent/core/group_state.h"
#include "agent/core/host_table.h"
#include "agent/core/kernel_form.h"
#include "agent/core/mrouter_ports.h"
#include "agent/core/params.h"
#include "agent/core/policy.h"
#include "agent/core/snooper.h"

namespace mcs::core {

inline size_t fi(Family f) { return f == Family::V4 ? 0 : 1; }
inline constexpr std::array<Family, 2> kFamilies{Family::V4, Family::V6};

// Rarely used parts of a membership, allocated only while in use: hosts tracked for
// immediate leave, static (S,G) sources.
struct MembershipExtra {
    HostTable hosts;
    AddrList staticSources;
};

// One (group, port): learned router-side state, immediate-leave hosts, statics.
// Records live in Impl::members; the links are handles into the pools.
struct Membership {
    Membership() = default;
    Membership(uint32_t g, IfIndex p, Family f) : group(g), port(p), learned(f) {}

    uint32_t group = kNil;         // owning Group
    IfIndex port{};
    uint32_t nextInGroup = kNil;   // the group's memberships, by port
    uint32_t olderOnPort = kNil;   // the port's join order while learned (max-groups
    uint32_t newerOnPort = kNil;   //   replace evicts the oldest)
    bool staticStarG = false;
    GroupPortState learned;
    std::unique_ptr<MembershipExtra> extra;
    TimePoint joinedAt{};

    size_t hostCount() const { return extra ? extra->hosts.size() : 0; }
    const AddrList& staticSources() const {
        static const AddrList none;
        return extra ? extra->staticSources : none;
    }
    MembershipExtra& more() {
        if (!extra) extra = std::make_unique<MembershipExtra>();
        return *extra;
    }
    bool hasStatic() const { return staticStarG || !staticSources().empty(); }
    bool exists() const { return !learned.empty() || hasStatic(); }
};

struct Group {
    Group() = default;
    explicit Group(const IpAddr& a) : addr(a) {}

    IpAddr addr;
    bool dirty = false;            // queued in Impl::dirty (MDB changes not yet taken)
    uint32_t firstMember = kNil;   // memberships, by port
    uint32_t older = kNil;         // creation order (VLAN max-groups replace)
    uint32_t newer = kNil;
};

struct Port {
    IfIndex id;
    std::string name;
    PortStatus status;
    EffectivePolicy policy;
    Counters counters;
    uint32_t oldestLearned = kNil;   // memberships with learned state, by join time
    uint32_t newestLearned = kNil;
    size_t learnedCount = 0;
    bool forwarding() const { return status.up && status.stp == StpState::Forwarding; }
};

// What a membership looked like before a mutation (Impl::settle compares).
struct Tally {
    bool existed = false;
    bool learned = false;
    size_t sources = 0;
    size_t hosts = 0;
    PortFilter filter;
};

struct StaticKey {
    IpAddr group;
    IpAddr source;   // unspecified = (*,G)
    IfIndex port;
    auto operator<=>(const StaticKey&) const = default;
};

struct Snooper::Impl {
    Impl(std::string name, IfIndex br, VlanId v, SnooperConfig c);

    // ---- identity and configuration ----
    std::string bridgeName;
    IfIndex bridge;
    VlanId vid;
    SnooperConfig cfg;
    std::array<EffectiveTimers, 2> timers{};

    // ---- state ----
    std::map<IfIndex, Port> ports;
    // Groups and memberships: pooled records linked by handle, a flat index by
    // address (lookups dominate: one per record; ordered views sort on demand).
    SlotPool<Group> groupPool;
    SlotPool<Membership> members;
    GroupIndex groups;
    uint32_t oldestGroup = kNil;   // creation order
    uint32_t newestGroup = kNil;
    DeadlineHeap deadlines;        // by membership handle
    std::array<MrouterTable, 2> mrouters;
    std::array<std::optional<QuerierInfo>, 2> queriers;
    std::array<bool, 2> ownQuerier{};
    FloodInfo flood;
    std::array<uint8_t, 2> floodQueries{};   // general queries seen per family
    std::set<StaticKey> statics;
    int64_t totalSources = 0;
    int64_t totalHosts = 0;
    Counters counters;

    // ---- outputs ----
    std::vector<Outbound> outbound;
    std::vector<Event> events;
    uint64_t mdbGen = 1;
    uint64_t portsGen = 1;
    // Groups whose MDB entries changed since the last takeMdbChanges() (or all).
    std::vector<IpAddr> dirty;
    bool changedAll = true;

    // ---- helpers (snooper.cc) ----
    Port* port(IfIndex id);
    const Port* port(IfIndex id) const;
    void refreshTimers(Family f);
    Duration mrouterAging(Family f) const;
    bool tracked(const IpAddr& group) const;
    void count(Port* p, RxKind k);
    void count(Port* p, Cause c, uint64_t n = 1);
    void count(Port* p, Stat s, uint64_t n = 1);
    void mrouterChanged(Family f, const std::optional<MrouterChange>& c);
    void applyMrouterPolicy(Port& p);
    void portStartsForwarding(Port& p);
    void dropLearned(Port& p, LeaveReason why, TimePoint now);
    void applyStatics(TimePoint now);
    void applyFilter(Port& p, TimePoint now);
    void endFlood(FloodEndReason why);
    void generalQuerySeen(Family f);

    // ---- received messages (snooper_rx.cc) ----
    enum class RecordOutcome { Accepted, Ignored, Denied };
    RxVerdict onReport(Port& p, const wire::Decoded& d, const wire::Report& r, TimePoint now);
    RxVerdict onLeave(Port& p, const wire::Decoded& d, const wire::Leave& l, TimePoint now);
    RxVerdict onQuery(Port& p, const wire::Decoded& d, const wire::Query& q, TimePoint now);
    void onRouterEvidence(Port& p, Family f, MrouterOrigin o, std::optional<TimePoint> until);
    RecordOutcome onRecord(Port& p, Family f, wire::ProtoVersion v, const wire::GroupRecord& rec,
                           const IpAddr& reporter, TimePoint now, Cause& why);
    std::vector<IfIndex> reportTargets(const Port& ingress, Family f) const;

    // ---- memberships (snooper_groups.cc) ----
    Group& grp(uint32_t h) { return groupPool[h]; }
    const Group& grp(uint32_t h) const { return groupPool[h]; }
    Membership& mem(uint32_t h) { return members[h]; }
    const Membership& mem(uint32_t h) const { return members[h]; }
    uint32_t findGroup(const IpAddr& a) const;
    uint32_t findMember(uint32_t g, IfIndex port) const;   // kNil: none (or g is kNil)
    template <class F>
    void forEachMember(uint32_t g, const F& f) const {
        for (uint32_t m = grp(g).firstMember; m != kNil; m = mem(m).nextInGroup) f(m, mem(m));
    }
    StateParams params(Family f, TimePoint now, const Membership* m) const;
    uint32_t hostBudget(const Membership& m) const;
    Cause admit(Port& p, const IpAddr& group, bool newGroup, TimePoint now);
    bool evictOldestOnPort(Port& p, TimePoint now);
    bool evictOldestInVlan(TimePoint now);
    uint32_t getGroup(const IpAddr& group);
    uint32_t getMembership(uint32_t g, IfIndex port, Family f);
    Tally tally(const Membership& m) const;
    // After any mutation of a membership: totals, join order, events, the MDB cache
    // and the deadline index. May drop the membership and the group.
    void settle(uint32_t mh, const Tally& before, LeaveReason reason, TimePoint now);
    void unlinkLearned(Port& p, uint32_t mh);
    void dropMembership(uint32_t mh);
    void runTimers(uint32_t mh, TimePoint now);
    void emitQueries(Family f, const IpAddr& group, IfIndex port, Membership& m, const StateParams& sp);
    void markDirty(Group& g);
    PortFilter effectiveFilter(const Membership& m) const;
    void appendGroup(MdbSnapshot& out, uint32_t g, const KernelCaps& caps) const;
    GroupInfo groupInfo(uint32_t g) const;
    std::vector<uint32_t> groupsByAddress() const;
};

}  // namespace mcs::core
