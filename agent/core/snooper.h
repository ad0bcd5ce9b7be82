// The pure IGMP/MLD snooping core for one (bridge, VLAN): events and `now` in,
// desired MDB, desired port flags, outbound requests and events out. No I/O, no
// clock (agent/base/time.h), single-threaded.
//
// What it implements (details at the implementation, with RFC sections):
//  * RFC 4541 snooping: reports and leaves are forwarded to router ports only
//    (RxVerdict), router ports are learned from general queries (never from source
//    0.0.0.0 / ::), PIMv2 hellos (IPv4 and IPv6, aged by holdtime) and MRD
//    advertisements, or configured; link-local groups are never tracked.
//  * Router-side group state per (group, port) and family: RFC 9776 §6 / RFC 9777 §7
//    tables with source timers, older-host compatibility modes (§7.3.2 / §8.3.2),
//    the non-querier timer lowering on observed specific queries (Table 10), and,
//    while our own querier is active (setOwnQuerierActive), the "Send Q(G)/Q(G,S)"
//    actions as GroupQueryRequests with LMQC retransmissions.
//  * Policy: immediate leave with per-host tracking, group filters, max-groups
//    deny/replace, static groups and mrouter ports, unregistered flooding, report
//    flooding; STP: TCN flooding until N general queries, query solicitation.
//
// Design decisions worth knowing:
//  * A report whose every record is denied (filter, limits) is dropped; a report
//    with at least one accepted record is forwarded unchanged (RFC 4541 S-09: we
//    never rewrite it), so an upstream router may learn a denied group: that costs
//    uplink bandwidth only, the denied port never gets an entry.
//  * Without any querier (neither heard nor our own), leaves change no timers:
//    memberships then end by expiry only (never under-forward; the kernel floods
//    anyway while it knows no querier).
//  * Static groups ignore filters/limits and survive port down (like kernel
//    permanent entries); a removed port loses everything.
//  * A port whose STP state is not Forwarding learns nothing (its frames get
//    Drop/StpBlocked); state already learned there ages normally. STP Disabled,
//    port down and port removal drop learned state at once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/config.h"
#include "agent/core/counters.h"
#include "agent/core/kernel_form.h"
#include "agent/core/snooper_types.h"
#include "agent/wire/message.h"

namespace mcs::core {

class Snooper {
public:
    Snooper(std::string bridgeName, IfIndex bridge, VlanId vid, SnooperConfig cfg);
    ~Snooper();
    Snooper(Snooper&&) noexcept;
    Snooper& operator=(Snooper&&) noexcept;
    Snooper(const Snooper&) = delete;
    Snooper& operator=(const Snooper&) = delete;

    // ---- configuration (live reload keeps learned state) ----
    // Applies new policy to existing state: newly denied groups/sources are removed,
    // static groups and static mrouters are diffed, immediate-leave host tables are
    // dropped when it is turned off. Lowered limits apply to new joins only.
    void setConfig(SnooperConfig cfg, TimePoint now);
    const SnooperConfig& config() const;

    // ---- ports (a VLAN removed from a port = portRemoved on that VLAN's Snooper) ----
    void portAdded(IfIndex port, std::string name, TimePoint now, PortStatus status = {});
    void portRemoved(IfIndex port, TimePoint now);
    void portUp(IfIndex port, TimePoint now);
    void portDown(IfIndex port, TimePoint now);
    void portStpState(IfIndex port, StpState state, TimePoint now);

    // ---- input ----
    // A decoded frame received on `port` (already attributed to this VLAN by the
    // daemon). Returns what to do with the frame itself. BPDUs with the TC flag (and
    // TCN BPDUs) call onTopologyChange().
    RxVerdict onMessage(IfIndex port, const wire::Decoded& frame, TimePoint now);
    // STP topology change (BPDU with TC, D-Bus TopologyChanged).
    void onTopologyChange(TimePoint now);
    // Our querier module won (true) or lost/stopped (false) the election for `family`.
    void setOwnQuerierActive(Family family, bool active, TimePoint now);
    // Our querier sent a general query (ends TCN flooding like a received one).
    void ownGeneralQuerySent(Family family, TimePoint now);

    // ---- time ----
    void onTimer(TimePoint now);                    // runs everything due at or before now
    std::optional<TimePoint> nextDeadline() const;

    // ---- outputs ----
    // Desired MDB entries of this VLAN, translated for `caps` (O(groups): for full
    // comparisons; steady state goes through takeMdbChanges + appendMdbEntries).
    MdbSnapshot desiredMdb(const KernelCaps& caps) const;
    // The entries of one group (none if it has no state), added to `out`.
    void appendMdbEntries(const IpAddr& group, const KernelCaps& caps, MdbSnapshot& out) const;
    // Groups whose entries may have changed since the previous take (full: any may
    // have; then `groups` is empty; the first take is full). Lets the daemon compare
    // only those groups with the kernel, so a report costs O(its groups), not
    // O(MDB); no translated copy of the MDB is kept here (memory at 256k entries).
    // Bounded: past groupCount() queued groups it turns into `full`.
    struct MdbChanges {
        bool full = false;
        std::vector<IpAddr> groups;   // sorted, unique
    };
    MdbChanges takeMdbChanges();
    uint64_t mdbGeneration() const;                 // bumps whenever the MDB may differ
    std::vector<PortForwarding> desiredPorts() const;   // sorted by port
    uint64_t portsGeneration() const;
    std::vector<Outbound> takeOutbound();
    std::vector<Event> takeEvents();

    // ---- read API (D-Bus, dumps) ----
    const std::string& bridgeName() const;
    IfIndex bridge() const;
    VlanId vid() const;
    std::vector<PortInfo> ports() const;
    std::string_view portName(IfIndex port) const;   // "" when unknown
    size_t groupCount() const;
    std::optional<GroupInfo> group(const IpAddr& group) const;
    void forEachGroup(const std::function<void(const GroupInfo&)>& fn) const;   // sorted
    std::vector<MrouterInfo> mrouterPorts(Family family) const;
    std::optional<QuerierInfo> querier(Family family) const;
    bool ownQuerierActive(Family family) const;
    EffectiveTimers timers(Family family) const;
    FloodInfo flood() const;
    const Counters& counters() const;
    const Counters* portCounters(IfIndex port) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mcs::core
