// mcsnoopd's composition root: owns the event loop, the kernel-facing objects of
// bridge/ and one BridgeAgent per bridge, and moves data one way:
// kernel events and frames -> agents -> desired MDB / port flags -> kernel.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "agent/daemon/bridge_agent.h"
#include "agent/daemon/config_map.h"
#include "agent/daemon/event_loop.h"
#include "agent/daemon/options.h"
#include "bridge/kernel_features.h"
#include "bridge/link_monitor.h"
#include "bridge/mdb_writer.h"
#include "bridge/nl_socket.h"
#include "conf/config.h"

namespace mcs::daemon {

struct BridgeRuntime;
class Control;

class Daemon {
public:
    explicit Daemon(Options opts);
    ~Daemon();

    // Sets everything up and runs until SIGTERM/SIGINT. Returns the exit status.
    int run();

    // Reload the configuration file (SIGHUP, D-Bus Reload). A bad file changes
    // nothing; returns the diagnostics (empty on success).
    std::vector<std::string> reload();

    // Read access for the D-Bus adaptor.
    const std::map<int, std::unique_ptr<BridgeRuntime>>& bridges() const { return bridges_; }
    EventLoop& loop() { return loop_; }

private:
    void onLinkEvent(const bridge::LinkEvent& ev);
    void addBridge(const bridge::BridgeInfo& info);
    void startPendingBridges();
    void removeBridge(IfIndex ifindex);
    void addPort(BridgeRuntime& br, const bridge::PortInfo& port);
    void removePort(BridgeRuntime& br, IfIndex port);
    void afterRound();
    void onTimer(TimePoint now);
    std::optional<TimePoint> nextDeadline() const;
    void shutdown();
    void applyLogLevels();
    bool wanted(const std::string& bridgeName) const;
    VlanSettings settingsFor(const std::string& bridgeName, VlanId vid) const;

    Options opts_;
    conf::Config config_;
    EventLoop loop_;
    std::optional<bridge::NlSocket> cmd_;
    std::optional<bridge::LinkMonitor> links_;
    std::optional<bridge::KernelFeatures> features_;
    std::optional<bridge::MdbWriter> writer_;
    std::map<int, std::unique_ptr<BridgeRuntime>> bridges_;
    std::unique_ptr<Control> control_;   // control API (D-Bus); created by run()
    // Bridges that appeared (or came up) during the link batch being processed: they
    // start once the batch is done, when the model holds all their ports.
    std::set<int> pendingBridges_;
    TimePoint nextAddressPoll_{};
    std::optional<Duration> watchdogEvery_;
    TimePoint nextWatchdog_{};
    int exitCode_ = 0;
};

}  // namespace mcs::daemon
