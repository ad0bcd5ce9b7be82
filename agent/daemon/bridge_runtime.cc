#include "agent/daemon/bridge_runtime.h"

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>

#include "agent/daemon/logging.h"
#include "bridge/mdb_reader.h"
#include "bridge/port_config.h"

namespace mcs::daemon {

namespace {

constexpr Duration kRetryDelay = seconds(1);
// Frames read per readiness callback: a busy port must not starve the others.
constexpr int kFramesPerWakeup = 64;
// Failed MDB operations logged one by one per sync; the rest are summed up.
constexpr size_t kFailuresLogged = 8;

}  // namespace

BridgeRuntime::BridgeRuntime(const bridge::BridgeInfo& bi, const Options& opts,
                             bridge::NlSocket& cmd, bridge::MdbWriter& writer,
                             const bridge::KernelFeatures& features,
                             BridgeAgent::SettingsFn settings)
    : name(bi.name),
      ifindex(bi.ifindex),
      info(bi),
      opts_(opts),
      cmd_(cmd),
      writer_(writer),
      features_(features),
      record_(bridge::OwnedRecord::pathFor(opts.runtimeDir, bi.name)) {
    caps_.srcList = features.sourceLists;
    caps_.sourceSpecific = features.sgEntries;
    agent = std::make_unique<BridgeAgent>(name, ifindex, bi.mac, std::move(settings), *this,
                                          wire::DecodeOptions{.strict = opts.strict});
}

BridgeRuntime::~BridgeRuntime() = default;

bool BridgeRuntime::start(EventLoop& loop, TimePoint now, const std::vector<bridge::PortInfo>& ports) {
    auto log = logger("daemon");
    // The MDB is only used with snooping on. The bridge device itself must not turn
    // into a router port because of the queries we send through it (kernel-bridge.md
    // §4.2): that would copy every group to the host.
    bridge::BridgeOptionsChange bo;
    if (!info.mcast.snooping) {
        log->warn("bridge '{}': mcast_snooping was off, turning it on", name);
        bo.snooping = true;
    }
    if (info.mcast.router != bridge::RouterMode::Disabled) bo.router = bridge::RouterMode::Disabled;
    // Source filtering of our (*,G) INCLUDE/EXCLUDE entries only takes effect in the
    // kernel's IGMPv3/MLDv2 mode: otherwise br_multicast_flood() forwards every source
    // to (*,G) INCLUDE ports and ignores (S,G) entries, and dumps carry no filter mode
    // or source list (kernel-bridge.md §1.1 item 19). Reports never reach the kernel's
    // engine (suppression), so the mode changes nothing else.
    if (features_.sourceLists) {
        if (info.mcast.igmpVersion != 3) bo.igmpVersion = 3;
        if (info.mcast.mldVersion != 2) bo.mldVersion = 2;
    }
    if (!bo.empty())
        if (auto st = bridge::setBridgeOptions(cmd_, ifindex, bo); !st)
            log->error("bridge '{}': setting multicast options: {}", name, st.error().str());
    if (info.mcast.querier)
        log->warn("bridge '{}': the kernel's own querier (mcast_querier 1) is on as well", name);

    // Every current port is in the table before the reconcile below removes what the
    // kernel learned, so nothing is relearned behind our back in between.
    for (const auto& p : ports) portNames_[p.ifindex] = p.name;
    std::vector<std::string> names;
    for (const auto& [i, n] : portNames_) names.push_back(n);
    if (auto st = bridge::installSuppression(name, names, kKeepaliveMac); !st) {
        log->error("bridge '{}': cannot keep the kernel from learning memberships: {}", name,
                   st.error().str());
        return false;
    }
    suppressed_ = true;

    auto bs = bridge::PacketSocket::open(ifindex);
    if (!bs) {
        log->error("bridge '{}': packet socket: {}", name, bs.error().str());
        return false;
    }
    bridgeSocket_.emplace(std::move(*bs));
    // We only send on the bridge device; what it receives is read and discarded so the
    // socket buffer never fills.
    loop.addFd(bridgeSocket_->fd(), EPOLLIN, [this](uint32_t) {
        for (int i = 0; i < kFramesPerWakeup; ++i) {
            auto rx = bridgeSocket_->receive();
            if (!rx || !*rx) return;
        }
    });

    addresses_ = bridge::readAddresses(name);
    agent->setAddresses(addresses_.ipv4, addresses_.ipv6LinkLocal, now);
    agent->setVlans({VlanId{0}}, now);

    // Startup reconcile (kernel-bridge.md §3.5): ours stay until relearned or the
    // grace period ends; kernel-learned port entries go at once (they bypass policy);
    // an administrator's entries are left alone.
    auto loaded = record_.load();
    std::set<MdbKey> recordKeys;
    if (loaded) recordKeys = std::move(loaded->keys);
    auto mdb = bridge::readMdb(cmd_, ifindex);
    if (!mdb) {
        log->error("bridge '{}': MDB dump: {}", name, mdb.error().str());
    } else {
        const auto* rec = features_.rtprot ? nullptr : &recordKeys;
        applied = bridge::ownedSnapshot(mdb->entries, bridge::kMcsRtProt, rec);
        writer_.adopt(ifindex, applied);
        for (const auto& [k, a] : applied) adopted_.insert(k);
        MdbDelta kernelLearned;
        size_t admin = 0;
        for (const auto& e : mdb->entries) {
            auto origin = bridge::classifyEntry(e, bridge::kMcsRtProt, rec);
            if (origin == bridge::EntryOrigin::Kernel)
                kernelLearned.remove.push_back(e.key);
            else if (origin == bridge::EntryOrigin::Admin)
                ++admin;
        }
        if (!kernelLearned.empty()) writer_.apply(ifindex, kernelLearned);
        const auto t = agent->snooper(VlanId{0})->timers(Family::V4);
        graceUntil_ = now + t.queryInterval + t.queryResponseInterval;
        logger("mdb")->info(
            "bridge '{}': startup reconcile: {} entries of ours kept for {} s, {} kernel-learned "
            "removed, {} of others left alone",
            name, adopted_.size(),
            std::chrono::duration_cast<seconds>(graceUntil_ - now).count(),
            kernelLearned.remove.size(), admin);
    }
    return true;
}

void BridgeRuntime::installSuppression() {
    std::vector<std::string> ports;
    for (const auto& [i, n] : portNames_) ports.push_back(n);
    if (auto st = bridge::installSuppression(name, ports, kKeepaliveMac); !st)
        logger("daemon")->error("bridge '{}': updating the suppression table: {}", name,
                                st.error().str());
}

void BridgeRuntime::stop(EventLoop& loop, bool bridgeGone, bool flush) {
    auto log = logger("daemon");
    for (auto& [port, sock] : portSockets_) loop.removeFd(sock.fd());
    portSockets_.clear();
    if (bridgeSocket_) loop.removeFd(bridgeSocket_->fd());
    bridgeSocket_.reset();
    if (!bridgeGone && flush) {
        auto n = writer_.removeAll(ifindex, &adopted_);
        if (!n)
            log->error("bridge '{}': flushing our MDB entries: {}", name, n.error().str());
        else
            log->info("bridge '{}': {} MDB entries of ours removed", name, *n);
        applied.clear();
        (void)record_.remove();
    } else if (!bridgeGone) {
        saveRecord();
        log->info("bridge '{}': {} MDB entries of ours left in place", name, applied.size());
    }
    if (suppressed_) {
        if (auto st = bridge::removeSuppression(name); !st)
            log->error("bridge '{}': removing the suppression table: {}", name, st.error().str());
        suppressed_ = false;
    }
    if (bridgeGone) (void)record_.remove();
}

void BridgeRuntime::openPortSocket(const bridge::PortInfo& port, EventLoop& loop) {
    if (portSockets_.count(port.ifindex)) return;
    auto s = bridge::PacketSocket::open(port.ifindex);
    if (!s) {
        logger("daemon")->error("bridge '{}' port '{}': packet socket: {}", name, port.name,
                                s.error().str());
        return;
    }
    IfIndex pi = port.ifindex;
    int fd = s->fd();
    portSockets_.emplace(pi, std::move(*s));
    loop.addFd(fd, EPOLLIN, [this, pi](uint32_t) { readPort(pi); });
    portNames_[pi] = port.name;
    installSuppression();
}

void BridgeRuntime::closePortSocket(IfIndex port, EventLoop& loop) {
    auto it = portSockets_.find(port);
    if (it == portSockets_.end()) return;
    loop.removeFd(it->second.fd());
    portSockets_.erase(it);
    appliedPorts.erase(port);
    portNames_.erase(port);
    installSuppression();
}

void BridgeRuntime::readPort(IfIndex port) {
    auto it = portSockets_.find(port);
    if (it == portSockets_.end()) return;
    auto now = EventLoop::now();
    for (int i = 0; i < kFramesPerWakeup; ++i) {
        auto rx = it->second.receive();
        if (!rx) {
            logger("daemon")->warn("bridge '{}' port {}: receive: {}", name, port.value,
                                   rx.error().str());
            return;
        }
        if (!*rx) return;
        agent->onFrame(port, (*rx)->vid, (*rx)->data, now);
    }
}

void BridgeRuntime::onBridgeOptions(const bridge::BridgeInfo& bi, TimePoint now) {
    auto log = logger("daemon");
    if (!bi.mcast.snooping && info.mcast.snooping)
        log->error("bridge '{}': mcast_snooping went off: the kernel floods all multicast and "
                   "ignores the MDB (hash_max {} exceeded, or an administrator)",
                   name, bi.mcast.hashMax);
    if (bi.mac != info.mac) agent->setMac(bi.mac);
    info = bi;
    (void)now;
}

void BridgeRuntime::refreshAddresses(TimePoint now) {
    auto a = bridge::readAddresses(name);
    if (a == addresses_) return;
    addresses_ = a;
    agent->setAddresses(a.ipv4, a.ipv6LinkLocal, now);
}

void BridgeRuntime::sendOnPort(IfIndex port, std::span<const uint8_t> frame) {
    auto it = portSockets_.find(port);
    if (it == portSockets_.end()) return;
    if (auto st = it->second.send(frame); !st) {
        ++txErrors;
        logger("daemon")->debug("bridge '{}' port {}: send: {}", name, port.value, st.error().str());
    }
}

void BridgeRuntime::sendViaBridge(std::span<const uint8_t> frame) {
    if (!bridgeSocket_) return;
    if (auto st = bridgeSocket_->send(frame); !st) {
        ++txErrors;
        logger("daemon")->debug("bridge '{}': send: {}", name, st.error().str());
    }
}

void BridgeRuntime::sync(TimePoint now) {
    auto log = logger("mdb");
    bool retryDue = retryAt_ && now >= *retryAt_;
    bool graceOver = !adopted_.empty() && now >= graceUntil_;
    uint64_t gen = agent->mdbGeneration();
    if (gen != syncedGeneration_ || retryDue || graceOver) {
        retryAt_.reset();
        MdbSnapshot desired = agent->desiredMdb(caps_);
        if (graceOver) {
            size_t stale = 0;
            for (const auto& k : adopted_) stale += !desired.count(k);
            log->info("bridge '{}': startup grace over, {} entries not relearned are removed", name,
                      stale);
            adopted_.clear();
        }
        for (auto it = adopted_.begin(); it != adopted_.end();) {
            if (desired.count(*it)) {
                it = adopted_.erase(it);  // relearned: the agent owns it now
            } else {
                if (auto a = applied.find(*it); a != applied.end()) desired.emplace(*it, a->second);
                ++it;
            }
        }
        MdbDelta delta = diff(applied, desired);
        if (!delta.empty()) {
            MdbSnapshot before;
            for (const auto& k : delta.remove) before.emplace(k, applied.at(k));
            for (const auto& [k, a] : delta.change) before.emplace(k, applied.at(k));
            auto res = writer_.apply(ifindex, delta);
            // An entry the kernel learned in the short window before a new port was in
            // the suppression table blocks our add ("group is already joined by port"):
            // replace it with ours.
            MdbDelta takeOver;
            for (const auto& f : res.failed)
                if (f.op == bridge::MdbOp::Add && f.error == EEXIST) takeOver.remove.push_back(f.key);
            if (!takeOver.empty()) {
                writer_.apply(ifindex, takeOver);
                MdbDelta again;
                for (const auto& k : takeOver.remove) again.add.emplace_back(k, desired.at(k));
                auto res2 = writer_.apply(ifindex, again);
                std::erase_if(res.failed, [&](const bridge::FailedEntry& f) {
                    return f.op == bridge::MdbOp::Add && f.error == EEXIST;
                });
                res.failed.insert(res.failed.end(), res2.failed.begin(), res2.failed.end());
                log->info("bridge '{}': {} kernel-learned entries replaced by ours", name,
                          takeOver.remove.size() - res2.failed.size());
            }
            for (const auto& [k, a] : delta.add) applied[k] = a;
            for (const auto& [k, a] : delta.change) applied[k] = a;
            for (const auto& k : delta.remove) applied.erase(k);
            size_t n = 0;
            for (const auto& f : res.failed) {
                // Failed: the kernel keeps what it had; retry later.
                if (auto b = before.find(f.key); b != before.end())
                    applied[f.key] = b->second;
                else
                    applied.erase(f.key);
                if (n++ < kFailuresLogged)
                    log->warn("bridge '{}' vid {} port {}: {} {}: {}", name, f.key.vid.value,
                              f.key.port.value, bridge::to_string(f.op), f.key.group.str(), f.message);
            }
            if (!res.failed.empty()) {
                mdbErrors += res.failed.size();
                if (res.failed.size() > kFailuresLogged)
                    log->warn("bridge '{}': {} more MDB operations failed", name,
                              res.failed.size() - kFailuresLogged);
                retryAt_ = now + kRetryDelay;
            }
            if (res.snoopingDisabled)
                log->error("bridge '{}': the kernel's mcast_snooping is off: MDB not in use", name);
            if (res.hashMaxRaisedTo)
                log->info("bridge '{}': mcast_hash_max raised to {}", name, *res.hashMaxRaisedTo);
            log->debug("bridge '{}': MDB +{} ~{} -{} ({} failed)", name, delta.add.size(),
                       delta.change.size(), delta.remove.size(), res.failed.size());
            recordDirty_ = true;
        }
        syncedGeneration_ = gen;
    }

    for (const auto& pf : agent->desiredPorts()) {
        auto it = appliedPorts.find(pf.port);
        if (it != appliedPorts.end() && it->second == pf) continue;
        if (!portSockets_.count(pf.port)) continue;  // not (yet) ours
        bridge::PortOptionsChange pc;
        pc.mcastRouter = pf.mcastRouter ? bridge::RouterMode::Permanent : bridge::RouterMode::Disabled;
        pc.mcastFlood = pf.floodUnregistered;
        if (auto st = bridge::setPortOptions(cmd_, pf.port, pc); !st) {
            logger("netlink")->warn("bridge '{}' port {}: mcast_router/mcast_flood: {}", name,
                                    pf.port.value, st.error().str());
            retryAt_ = now + kRetryDelay;
            continue;
        }
        appliedPorts[pf.port] = pf;
    }
    if (recordDirty_ && !features_.rtprot) saveRecord();
}

void BridgeRuntime::saveRecord() {
    std::set<MdbKey> keys;
    for (const auto& [k, a] : applied) keys.insert(k);
    if (auto st = record_.save(keys); !st)
        logger("mdb")->warn("bridge '{}': saving {}: {}", name, record_.path().string(),
                            st.error().str());
    recordDirty_ = false;
}

}  // namespace mcs::daemon
