// Everything mcsnoopd decides for one bridge, without touching the kernel: one
// core::Snooper per VLAN, one querier::Querier per (VLAN, family), the frame
// decoder in front of them, and the translation of their requests into frames.
// The daemon feeds it frames, port/link changes and time, and applies what it
// wants (desired MDB, desired port flags) through bridge/.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "agent/base/mdb.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/snooper.h"
#include "agent/daemon/rate_limit.h"
#include "agent/wire/decode.h"
#include "agent/wire/drop_reason.h"
#include "querier/querier.h"

namespace mcs::daemon {

// Effective settings of one VLAN of a bridge (resolved from the configuration).
struct VlanSettings {
    bool snooping = true;
    core::SnooperConfig snooper;
    querier::QuerierConfig querier4;
    querier::QuerierConfig querier6;
    // Keep-alive queries (see kKeepaliveMac). Off: with no querier anywhere, nothing
    // asks hosts to report again, so the core ends every membership after the
    // membership interval; if the kernel were made to prune meanwhile, members (and
    // IPv6 neighbour discovery via solicited-node groups) would be cut off. Without
    // them the kernel floods while it knows no querier (its own rule since 3.12).
    bool keepalive = false;
    // Membership reports and leaves accepted per port and second (limits.report-rate-limit,
    // [[bridge.port]] report-rate-limit); 0 = unlimited. The bucket is the port's, shared
    // by its VLANs; a frame is measured against its VLAN's value for the port.
    uint32_t reportRateLimit = 0;
    std::map<std::string, uint32_t> portReportRateLimit;   // ports with their own value
    uint32_t reportRateLimitOf(const std::string& port) const {
        auto it = portReportRateLimit.find(port);
        return it == portReportRateLimit.end() ? reportRateLimit : it->second;
    }
    bool operator==(const VlanSettings&) const = default;
};

// Where frames go out. The daemon implements it with packet sockets.
class FrameSink {
public:
    virtual ~FrameSink() = default;
    // Out of one port only (forwarded reports and leaves, MRD solicitations).
    virtual void sendOnPort(IfIndex port, std::span<const uint8_t> frame) = 0;
    // Through the bridge device, which floods it in the VLAN and counts it for the
    // kernel's "a querier exists" state (kernel-bridge.md §4.2).
    virtual void sendViaBridge(std::span<const uint8_t> frame) = 0;
};

struct BridgeCounters {
    uint64_t framesReceived = 0;
    uint64_t framesForwarded = 0;   // reports/leaves sent to router ports (copies)
    uint64_t framesSent = 0;        // queries, solicitations, keepalives
    uint64_t keepaliveQueries = 0;
    uint64_t unknownVlan = 0;       // frame for a VLAN with no snooper (snooping off there)
    uint64_t reportRateLimited = 0; // reports/leaves over a port's report-rate-limit (all ports)
    wire::DropCounters drops;
};

// What a VLAN's snooper or queriers report, handed to an observer (the D-Bus
// signals) after the agent has logged it.
struct QuerierEvent {
    Family family;
    querier::Event event;
};
using AgentEvent = std::variant<core::Event, QuerierEvent>;

class BridgeAgent {
public:
    using SettingsFn = std::function<VlanSettings(VlanId)>;
    // Called from inside the agent's calls: it must not call back into the agent.
    using EventObserver = std::function<void(VlanId vid, const AgentEvent& ev)>;

    BridgeAgent(std::string name, IfIndex ifindex, MacAddr mac, SettingsFn settings, FrameSink& sink,
                wire::DecodeOptions decode = {});
    ~BridgeAgent();

    const std::string& name() const { return name_; }
    IfIndex ifindex() const { return ifindex_; }

    // ---- kernel facts ----
    void setMac(MacAddr mac);
    void setAddresses(std::optional<IpAddr> v4, std::optional<IpAddr> v6LinkLocal, TimePoint now);
    // VLANs present on the bridge; {0} on a bridge without VLAN filtering.
    void setVlans(const std::vector<VlanId>& vids, TimePoint now);
    void portAdded(IfIndex port, const std::string& name, core::PortStatus status, TimePoint now);
    void portRemoved(IfIndex port, TimePoint now);
    void portStatus(IfIndex port, core::PortStatus status, TimePoint now);
    // Configuration changed: every VLAN re-reads its settings; learned state stays.
    void reloadSettings(TimePoint now);

    // ---- input ----
    // A frame received on `port`; `vid` from PACKET_AUXDATA (nullopt: untagged).
    void onFrame(IfIndex port, std::optional<VlanId> vid, std::span<const uint8_t> frame,
                 TimePoint now);
    void onTopologyChange(TimePoint now);
    // A topology change reported for some VLANs only (D-Bus TopologyChanged, from an
    // STP daemon such as mstpd whose MSTIs map to VLANs).
    void onTopologyChange(const std::vector<VlanId>& vids, TimePoint now);
    // Drops the learned memberships of one VLAN (nullopt: all); static ones stay.
    void flushGroups(std::optional<VlanId> vid, TimePoint now);
    void onTimer(TimePoint now);
    std::optional<TimePoint> nextDeadline() const;

    // ---- outputs ----
    // Desired MDB of all VLANs (entries of VLANs with snooping on).
    MdbSnapshot desiredMdb(const core::KernelCaps& caps) const;
    // What changed since the previous call: either everything (`full`: `entries` is
    // the whole desired MDB) or a list of (VLAN, group) whose entries are in `entries`
    // (a group absent from `entries` has none). `forceFull` asks for everything.
    struct MdbUpdate {
        bool full = true;
        MdbSnapshot entries;
        std::vector<std::pair<VlanId, IpAddr>> groups;   // sorted; empty when full
    };
    // With `withEntries` false an incremental update lists the groups only, and the
    // caller gets their entries with appendMdbEntries (slice by slice: a wake-up can
    // change tens of thousands of groups).
    MdbUpdate desiredMdbUpdate(const core::KernelCaps& caps, bool forceFull, bool withEntries = true);
    // Entries of one group of one VLAN: none if the VLAN is unknown or not snooping.
    void appendMdbEntries(VlanId vid, const IpAddr& group, const core::KernelCaps& caps, MdbSnapshot& out) const;
    uint64_t mdbGeneration() const;
    // Per port: router port or flooding in any VLAN.
    std::vector<core::PortForwarding> desiredPorts() const;

    // ---- read API ----
    const core::Snooper* snooper(VlanId vid) const;
    const querier::Querier* querier(VlanId vid, Family f) const;
    std::vector<VlanId> vlans() const;
    const BridgeCounters& counters() const { return counters_; }
    // Reports/leaves of `port` dropped by its report-rate-limit.
    uint64_t reportRateLimited(IfIndex port) const { return rateLimiter_.dropped(port); }
    // The report-rate-limit a port runs with (VLAN 0's or the first VLAN's settings).
    uint32_t reportRateLimit(IfIndex port) const;
    // Settings a VLAN runs with (nullptr: no such VLAN).
    const VlanSettings* settings(VlanId vid) const;
    void setEventObserver(EventObserver fn) { observer_ = std::move(fn); }

private:
    struct Vlan;
    Vlan* vlanFor(IfIndex port, std::optional<VlanId> vid);
    void createVlan(VlanId vid, TimePoint now);
    void drain(Vlan& v, TimePoint now);
    void sendKeepalives(Vlan& v, TimePoint now);
    wire::L2 l2For(VlanId vid, bool marker = false) const;
    std::string portLabel(IfIndex port) const;

    std::string name_;
    IfIndex ifindex_;
    MacAddr mac_;
    SettingsFn settings_;
    FrameSink& sink_;
    wire::DecodeOptions decode_;
    std::optional<IpAddr> addr4_, addr6_;
    std::map<IfIndex, std::pair<std::string, core::PortStatus>> ports_;
    std::map<VlanId, std::unique_ptr<Vlan>> vlans_;
    BridgeCounters counters_;
    ReportRateLimiter rateLimiter_;
    EventObserver observer_;
    uint64_t generationBase_ = 0;   // bumps when VLANs come and go
    // generationBase_ and caps at the last desiredMdbUpdate()
    std::optional<uint64_t> updateBase_;
    std::optional<core::KernelCaps> updateCaps_;
};

// Source MAC of the keep-alive queries: nftables drops frames from it at bridge
// output, so hosts never see them, while the bridge's own snooping (which runs in
// br_dev_xmit before the output hook) records that a querier exists.
inline constexpr MacAddr kKeepaliveMac{{0x02, 0x6d, 0x63, 0x73, 0x6e, 0x70}};
// Below the kernel's default mcast_querier_interval (255 s).
inline constexpr Duration kKeepaliveInterval = seconds(60);

}  // namespace mcs::daemon
