// Internal state of a Snooper (snooper.h). Split over snooper.cc (ports, config,
// outputs, read API), snooper_rx.cc (received messages), snooper_groups.cc
// (membership lifecycle, limits, timers, MDB cache).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

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

// One (group, port): learned router-side state, immediate-leave hosts, statics.
struct Membership {
    explicit Membership(Family f) : learned(f) {}
    GroupPortState learned;
    HostTable hosts;
    bool staticStarG = false;
    AddrList staticSources;
    uint64_t joinSeq = 0;          // position in Port::learnedOrder while learned
    TimePoint joinedAt{};
    TimePoint indexed = kNever;    // key of this membership in Impl::timers
    bool hasStatic() const { return staticStarG || !staticSources.empty(); }
    bool exists() const { return !learned.empty() || hasStatic(); }
};

struct Group {
    std::map<IfIndex, Membership> ports;
    uint64_t seq = 0;              // creation order (VLAN max-groups replace)
    bool dirty = false;            // queued in Impl::dirty (MDB changes not yet taken)
};

struct IpAddrHash {
    size_t operator()(const IpAddr& a) const noexcept {
        // FNV-1a over the address bytes; groups differ mostly in the low bytes.
        uint64_t h = 1469598103934665603ull ^ static_cast<uint64_t>(a.family());
        for (size_t i = 0; i < a.size(); ++i) h = (h ^ a.data()[i]) * 1099511628211ull;
        return static_cast<size_t>(h);
    }
};

// Hashed: lookups dominate (one per record); ordered views sort on demand.
using GroupMap = std::unordered_map<IpAddr, Group, IpAddrHash>;
using GroupIt = GroupMap::iterator;
using MemberIt = std::map<IfIndex, Membership>::iterator;

struct Port {
    IfIndex id;
    std::string name;
    PortStatus status;
    EffectivePolicy policy;
    Counters counters;
    std::set<std::pair<uint64_t, IpAddr>> learnedOrder;   // (joinSeq, group): oldest first
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
    GroupMap groups;
    std::set<std::pair<uint64_t, IpAddr>> groupOrder;                // (seq, group)
    std::set<std::pair<TimePoint, std::pair<IpAddr, IfIndex>>> deadlines;
    std::array<MrouterTable, 2> mrouters;
    std::array<std::optional<QuerierInfo>, 2> queriers;
    std::array<bool, 2> ownQuerier{};
    FloodInfo flood;
    std::array<uint8_t, 2> floodQueries{};   // general queries seen per family
    std::set<StaticKey> statics;
    uint64_t seq = 0;
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
    StateParams params(Family f, TimePoint now, const Membership* m) const;
    uint32_t hostBudget(const Membership& m) const;
    Cause admit(Port& p, const IpAddr& group, bool newGroup, TimePoint now);
    bool evictOldestOnPort(Port& p, TimePoint now);
    bool evictOldestInVlan(TimePoint now);
    GroupIt getGroup(const IpAddr& group);
    MemberIt getMembership(GroupIt g, IfIndex port, Family f);
    Tally tally(const Membership& m, IfIndex port) const;
    // After any mutation of a membership: totals, join order, events, the MDB cache
    // and the deadline index. May erase the membership and the group.
    void settle(GroupIt g, MemberIt m, const Tally& before, LeaveReason reason, TimePoint now);
    void runTimers(GroupIt g, MemberIt m, TimePoint now);
    void emitQueries(Family f, const IpAddr& group, IfIndex port, Membership& m, const StateParams& sp);
    void markDirty(const IpAddr& group, Group& g);
    PortFilter effectiveFilter(const Membership& m, IfIndex port) const;
    void appendGroup(MdbSnapshot& out, const IpAddr& group, const Group& g, const KernelCaps& caps) const;
    GroupInfo groupInfo(const IpAddr& group, const Group& g) const;
};

}  // namespace mcs::core
