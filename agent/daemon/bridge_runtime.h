// One snooped bridge in the running daemon: its BridgeAgent (the decisions) and the
// kernel-facing objects that carry them out (packet sockets, the suppression table,
// the MDB writer's view of what is applied, port flags, the owned-entry record).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "agent/daemon/applied_mdb.h"
#include "agent/daemon/bridge_agent.h"
#include "agent/daemon/event_loop.h"
#include "agent/daemon/options.h"
#include "agent/daemon/vlans.h"
#include "bridge/addresses.h"
#include "bridge/kernel_features.h"
#include "bridge/link_monitor.h"
#include "bridge/mdb_writer.h"
#include "bridge/nl_socket.h"
#include "bridge/owned_record.h"
#include "bridge/packet_socket.h"
#include "bridge/suppression.h"

namespace mcs::daemon {

struct BridgeRuntime : FrameSink {
    BridgeRuntime(const bridge::BridgeInfo& info, const Options& opts, bridge::NlSocket& cmd,
                  bridge::MdbWriter& writer, const bridge::KernelFeatures& features,
                  BridgeAgent::SettingsFn settings);
    ~BridgeRuntime() override;

    // Takes over the bridge: bridge options, suppression, sockets, startup reconcile.
    bool start(EventLoop& loop, TimePoint now, const std::vector<bridge::PortInfo>& ports);
    // bridgeGone: the kernel already removed it (nothing to undo there). flush: remove
    // our MDB entries (else they stay and keep forwarding while we are away).
    void stop(EventLoop& loop, bool bridgeGone, bool flush);

    void openPortSocket(const bridge::PortInfo& port, EventLoop& loop);
    void closePortSocket(IfIndex port, EventLoop& loop);
    void onBridgeOptions(const bridge::BridgeInfo& info, TimePoint now);
    void refreshAddresses(TimePoint now);
    // Restarts a pending startup grace period at `now` (its length unchanged).
    void startGraceNow(TimePoint now);

    // Brings the kernel in line with the agent: MDB delta, port flags, record file.
    void sync(TimePoint now);
    std::optional<TimePoint> retryAt() const { return retryAt_; }
    std::optional<TimePoint> graceUntil() const {
        return applied.adoptedCount() == 0 && kernelLearned_.empty() && adoptedRouters_.empty()
                   ? std::nullopt
                   : std::optional<TimePoint>(graceUntil_);
    }

    // FrameSink
    void sendOnPort(IfIndex port, std::span<const uint8_t> frame) override;
    void sendViaBridge(std::span<const uint8_t> frame) override;

    std::string name;
    IfIndex ifindex;
    bridge::BridgeInfo info;
    BridgeVlans vlans{name, ifindex};  // VLAN view (kept current by the daemon's link events)
    std::unique_ptr<BridgeAgent> agent;
    // What we installed. Startup reconcile: entries of ours found in the kernel are
    // marked adopted and stay until the agent has had one query cycle to relearn them
    // (a restart must not cut members off).
    AppliedMdb applied;
    std::map<IfIndex, core::PortForwarding> appliedPorts;  // flags we set
    uint64_t txErrors = 0;
    uint64_t mdbErrors = 0;
    // Frames the kernel dropped because a port socket's receive queue was full (a
    // storm faster than we read): per port, and in all (closed sockets included).
    uint64_t socketDrops(IfIndex port) const;
    uint64_t socketDropsTotal() const;

private:
    void readPort(IfIndex port);
    // Startup reconcile; returns how many entries the kernel's MDB dump held.
    size_t reconcile(TimePoint now);
    // The MDB part of sync(): returns how many entries a full comparison handled (0
    // after a partial one).
    size_t syncMdb(TimePoint now, bool retryDue, bool graceOver, bool filterChanged);
    // Compares `desired` with what is applied (only `groups` of it, or all when null),
    // applies the difference and books the outcome. Returns the entries compared.
    size_t applyDesired(MdbSnapshot& desired, const std::vector<std::pair<VlanId, IpAddr>>* groups,
                        TimePoint now);
    void saveRecord();

    const Options& opts_;
    bridge::NlSocket& cmd_;
    bridge::MdbWriter& writer_;
    bridge::KernelFeatures features_;
    core::KernelCaps caps_;
    bridge::OwnedRecord record_;
    void installSuppression();
    bool suppressed_ = false;
    std::optional<bridge::PacketSocket> bridgeSocket_;
    std::map<IfIndex, bridge::PacketSocket> portSockets_;
    std::map<IfIndex, std::string> portNames_;
    uint64_t closedSocketDrops_ = 0;
    TimePoint nextStatsPoll_{};
    bridge::InterfaceAddresses addresses_;
    std::set<MdbKey> kernelLearned_;   // found at startup, removed with the grace period
    std::set<IfIndex> adoptedRouters_;  // mcast_router 2 at startup: kept through the grace period
    TimePoint graceUntil_{};
    Duration graceLength_{};
    std::optional<TimePoint> retryAt_;
    // Groups with failed MDB operations, compared again when retryAt_ is due; past
    // kMaxRetryGroups the retry compares everything instead.
    std::set<std::pair<VlanId, IpAddr>> retryGroups_;
    bool retryAll_ = false;
    uint64_t syncedGeneration_ = ~0ull;
    uint64_t syncedFilterGeneration_ = ~0ull;
    bool recordDirty_ = false;
};

}  // namespace mcs::daemon
