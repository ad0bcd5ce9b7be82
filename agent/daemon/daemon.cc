#include "agent/daemon/daemon.h"

#include <sys/epoll.h>

#include <algorithm>
#include <csignal>
#include <utility>

#include "agent/daemon/bridge_runtime.h"
#include "agent/daemon/control.h"
#include "agent/daemon/logging.h"
#include "agent/daemon/notify.h"
#include "agent/daemon/privileges.h"
#include "version.h"

namespace mcs::daemon {

namespace {

constexpr Duration kAddressPoll = seconds(10);

core::StpState coreStp(bridge::StpState s) {
    switch (s) {
        case bridge::StpState::Disabled: return core::StpState::Disabled;
        case bridge::StpState::Listening: return core::StpState::Listening;
        case bridge::StpState::Learning: return core::StpState::Learning;
        case bridge::StpState::Forwarding: return core::StpState::Forwarding;
        case bridge::StpState::Blocking: return core::StpState::Blocking;
    }
    return core::StpState::Disabled;
}

core::PortStatus portStatus(const bridge::PortInfo& p) { return {p.up, coreStp(p.attrs.stp)}; }

}  // namespace

Daemon::Daemon(Options opts) : opts_(std::move(opts)) {}

Daemon::~Daemon() = default;

bool Daemon::wanted(const std::string& name) const {
    return config_.findBridge(name) ||
           std::find(opts_.bridges.begin(), opts_.bridges.end(), name) != opts_.bridges.end();
}

VlanSettings Daemon::settingsFor(const std::string& bridgeName, VlanId vid) const {
    if (const auto* b = config_.findBridge(bridgeName)) return mapVlanSettings(*b, vid);
    conf::BridgeConfig b;
    b.name = bridgeName;
    b.globalLimits = config_.global.limits;
    return mapVlanSettings(b, vid);
}

int Daemon::run() {
    auto log = logger("daemon");
    if (opts_.configFile) {
        auto c = conf::loadConfigFile(*opts_.configFile);
        if (!c) {
            for (const auto& d : c.error()) logger("config")->error("{}", d.str());
            return 1;
        }
        config_ = std::move(*c);
        applyLogLevels();
    } else {
        config_ = conf::defaultConfig();
    }
    if (config_.bridges.empty() && opts_.bridges.empty()) {
        log->error("no bridge to snoop on: give --bridge BRIDGE or a configuration file with [[bridge]]");
        return 1;
    }
    auto cmd = bridge::NlSocket::open();
    if (!cmd) {
        log->error("netlink: {}", cmd.error().str());
        return 1;
    }
    cmd_.emplace(std::move(*cmd));

    loop_.handleSignals({SIGTERM, SIGINT, SIGHUP}, [this, log](int sig) {
        if (sig == SIGHUP) {
            notifyReloading();
            reload();
            notify("READY=1");
        } else {
            log->info("signal {}: stopping", sig);
            loop_.stop();
        }
    });

    bridge::LinkMonitorOptions lo;
    if (opts_.netlinkRcvbuf) {
        lo.rcvbuf = *opts_.netlinkRcvbuf;
        log->warn("debugging: netlink monitor receive buffer {} bytes (notifications will be lost)", lo.rcvbuf);
    }
    auto mon = bridge::LinkMonitor::open(lo, [this](const bridge::LinkEvent& ev) { onLinkEvent(ev); });
    if (!mon) {
        log->error("netlink link monitor: {}", mon.error().str());
        return 1;
    }
    links_.emplace(std::move(*mon));
    loop_.addFd(links_->fd(), EPOLLIN, [this, log](uint32_t) {
        if (auto st = links_->process(); !st) log->error("link monitor: {}", st.error().str());
        startPendingBridges();
    });
    loop_.addDeadlineProvider([this] { return nextDeadline(); });
    loop_.setTimerHandler([this](TimePoint now) { onTimer(now); });
    loop_.setAfterRound([this] { afterRound(); });
    control_ = std::make_unique<Control>(*this, loop_);
    control_->startFrontends(opts_);
    // Sockets and the bus connection are made: from here on only CAP_NET_ADMIN and
    // CAP_NET_RAW (privileges.cc says why). Before the first bridge starts, so that
    // bridges found now and those that appear later run with the same set.
    if (!limitCapabilities(opts_.keepCapabilities)) return 1;

    if (auto st = links_->resync(); !st) {
        log->error("link dump: {}", st.error().str());
        return 1;
    }
    startPendingBridges();
    for (const auto& name : opts_.bridges)
        if (std::none_of(bridges_.begin(), bridges_.end(),
                         [&](const auto& b) { return b.second->name == name; }))
            log->warn("bridge '{}' does not exist (yet): waiting for it", name);
    afterRound();
    log->info("mcsnoopd {} running", MCS_VERSION);
    if (auto wd = watchdogInterval()) {
        // The watchdog ping rides on the deadline machinery: a stuck loop stops it.
        nextWatchdog_ = EventLoop::now();
        watchdogEvery_ = *wd;
    }
    notify("READY=1\nSTATUS=snooping");
    loop_.run();
    notify("STOPPING=1");
    shutdown();
    return exitCode_;
}

// Levels from the file apply unless the command line set them (it wins).
void Daemon::applyLogLevels() {
    if (!opts_.logLevelGiven) setLogLevel("all", conf::to_string(config_.global.logLevel));
    for (const auto& [sub, lvl] : config_.global.logLevels) setLogLevel(conf::to_string(sub), conf::to_string(lvl));
    for (const auto& [sub, lvl] : opts_.subsystemLevels) setLogLevel(sub, lvl);
}

std::vector<std::string> Daemon::reload() {
    auto log = logger("config");
    std::vector<std::string> problems;
    if (!opts_.configFile) {
        log->info("reload: no configuration file, nothing to do");
        return problems;
    }
    auto c = conf::loadConfigFile(*opts_.configFile);
    if (!c) {
        for (const auto& d : c.error()) {
            log->error("{}", d.str());
            problems.push_back(d.str());
        }
        log->error("reload refused: the running configuration stays");
        return problems;
    }
    auto d = conf::diff(config_, *c);
    config_ = std::move(*c);
    if (control_) control_->configReloaded();
    applyLogLevels();
    if (d.empty()) {
        log->info("reload: no change");
        return problems;
    }
    log->info("reload: {}", conf::to_string(d));
    auto now = EventLoop::now();
    for (auto& [ifi, br] : bridges_) br->agent->reloadSettings(now);
    // Bridges that became wanted or unwanted.
    if (links_) {
        for (const auto& [ifi, info] : links_->bridges())
            if (wanted(info.name) && !bridges_.count(ifi)) {
                addBridge(info);
                for (const auto& [pi, port] : links_->ports())
                    if (port.bridge.value == ifi && bridges_.count(ifi)) addPort(*bridges_[ifi], port);
            }
        for (auto it = bridges_.begin(); it != bridges_.end();) {
            auto next = std::next(it);
            if (!wanted(it->second->name)) removeBridge(IfIndex{it->first});
            it = next;
        }
    }
    return problems;
}

void Daemon::onLinkEvent(const bridge::LinkEvent& ev) {
    using T = bridge::LinkEventType;
    logger("netlink")->debug("{}", ev.str());
    int bi = ev.bridge.ifindex.value;
    auto it = bridges_.find(bi);
    auto now = EventLoop::now();
    switch (ev.type) {
        case T::BridgeAdded:
        case T::BridgeUp:
            // A dump reports a bridge before its ports: starting it here would reconcile
            // and install the suppression table with no port known, and the kernel would
            // learn (and we miss) reports of the ports until their PortAdded events.
            if (it == bridges_.end() && ev.bridge.up && wanted(ev.bridge.name))
                pendingBridges_.insert(bi);
            return;
        case T::BridgeRemoved:
        case T::BridgeDown:
            pendingBridges_.erase(bi);
            if (it != bridges_.end()) removeBridge(ev.bridge.ifindex);
            return;
        case T::BridgeOptionsChanged:
            if (it != bridges_.end()) it->second->onBridgeOptions(ev.bridge, now);
            return;
        default:
            break;
    }
    if (it == bridges_.end() || !ev.port) return;
    auto& br = *it->second;
    switch (ev.type) {
        case T::PortAdded:
            addPort(br, *ev.port);
            break;
        case T::PortRemoved:
            removePort(br, ev.port->ifindex);
            break;
        case T::PortUp:
        case T::PortDown:
        case T::PortStpState:
            br.agent->portStatus(ev.port->ifindex, portStatus(*ev.port), now);
            if (ev.type == T::PortUp) br.openPortSocket(*ev.port, loop_);
            break;
        case T::PortOptionsChanged:
            // Someone else changed mcast_router / mcast_flood: put ours back.
            br.appliedPorts.erase(ev.port->ifindex);
            break;
        case T::PortVlansChanged:
            br.vlans.setPort(ev.port->ifindex, ev.port->name, ev.port->vlans);
            br.vlans.updateAgent(*br.agent, now);
            break;
        default:
            break;
    }
}

void Daemon::addBridge(const bridge::BridgeInfo& info) {
    auto log = logger("daemon");
    auto now = EventLoop::now();
    if (!features_) {
        auto f = bridge::probeKernelFeatures(*cmd_, info.ifindex);
        if (!f) {
            log->error("bridge '{}': probing kernel MDB features failed: {}", info.name,
                       f.error().str());
            return;
        }
        features_ = *f;
        logger("mdb")->info("kernel MDB features: {}", features_->str());
        bridge::WriterOptions wo;
        if (opts_.hashMaxCeiling) wo.hashMaxCeiling = *opts_.hashMaxCeiling;
        auto w = bridge::MdbWriter::open(*features_, wo);
        if (!w) {
            log->error("MDB writer: {}", w.error().str());
            return;
        }
        writer_.emplace(std::move(*w));
    }
    auto br = std::make_unique<BridgeRuntime>(info, opts_, *cmd_, *writer_, *features_,
                                              [this, name = info.name](VlanId vid) {
                                                  auto s = settingsFor(name, vid);
                                                  if (control_) control_->adjust(name, vid, s);
                                                  return s;
                                              });
    if (control_) control_->attach(*br);
    std::vector<bridge::PortInfo> ports;
    for (const auto& [pi, port] : links_->ports())
        if (port.bridge == info.ifindex) ports.push_back(port);
    if (!br->start(loop_, now, ports)) return;
    log->info("bridge '{}' ({}): snooping", info.name, info.ifindex.value);
    bridges_[info.ifindex.value] = std::move(br);
}

void Daemon::startPendingBridges() {
    for (int bi : std::exchange(pendingBridges_, {})) {
        auto b = links_->bridges().find(bi);
        if (b == links_->bridges().end() || !b->second.up || !wanted(b->second.name) ||
            bridges_.count(bi))
            continue;
        addBridge(b->second);
        // ports already enslaved come as PortAdded only once: take them now
        if (bridges_.count(bi)) {
            for (const auto& [pi, port] : links_->ports())
                if (port.bridge.value == bi) addPort(*bridges_[bi], port);
            // The grace period is for hosts to answer a query we can hear: it starts
            // once every port is read, not when the reconcile began.
            bridges_[bi]->startGraceNow(EventLoop::now());
        }
    }
}

void Daemon::removeBridge(IfIndex ifindex) {
    auto it = bridges_.find(ifindex.value);
    if (it == bridges_.end()) return;
    logger("daemon")->info("bridge '{}' ({}): gone, state dropped", it->second->name, ifindex.value);
    it->second->stop(loop_, /*bridgeGone=*/true, /*flush=*/false);
    writer_->forget(ifindex);
    bridges_.erase(it);
}

void Daemon::addPort(BridgeRuntime& br, const bridge::PortInfo& port) {
    br.agent->portAdded(port.ifindex, port.name, portStatus(port), EventLoop::now());
    br.vlans.setPort(port.ifindex, port.name, port.vlans);
    br.vlans.updateAgent(*br.agent, EventLoop::now());
    br.openPortSocket(port, loop_);
}

void Daemon::removePort(BridgeRuntime& br, IfIndex port) {
    br.closePortSocket(port, loop_);
    br.agent->portRemoved(port, EventLoop::now());
    br.vlans.removePort(port);
    br.vlans.updateAgent(*br.agent, EventLoop::now());
}

void Daemon::onTimer(TimePoint now) {
    if (watchdogEvery_ && now >= nextWatchdog_) {
        notify("WATCHDOG=1");
        nextWatchdog_ = now + *watchdogEvery_;
    }
    for (auto& [ifi, br] : bridges_) br->agent->onTimer(now);
    if (now >= nextAddressPoll_) {
        nextAddressPoll_ = now + kAddressPoll;
        for (auto& [ifi, br] : bridges_) br->refreshAddresses(now);
    }
}

std::optional<TimePoint> Daemon::nextDeadline() const {
    std::optional<TimePoint> best = nextAddressPoll_;
    if (watchdogEvery_ && nextWatchdog_ < *best) best = nextWatchdog_;
    for (const auto& [ifi, br] : bridges_) {
        for (auto t : {br->agent->nextDeadline(), br->retryAt(), br->graceUntil()})
            if (t && (!best || *t < *best)) best = t;
    }
    return best;
}

void Daemon::afterRound() {
    // D-Bus requests first: what they change reaches the kernel in the sync below.
    if (control_) control_->afterRound();
    auto now = EventLoop::now();
    for (auto& [ifi, br] : bridges_) br->sync(now);
}

void Daemon::shutdown() {
    control_.reset();
    for (auto& [ifi, br] : bridges_) br->stop(loop_, false, opts_.flushOnExit);
    bridges_.clear();
    logger("daemon")->info("stopped");
}

}  // namespace mcs::daemon
