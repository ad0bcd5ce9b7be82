#include "agent/daemon/bridge_runtime.h"

#include <malloc.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>

#include "agent/daemon/logging.h"
#include "bridge/mdb_reader.h"
#include "bridge/port_config.h"
#include "bridge/uapi_compat.h"

namespace mcs::daemon {

namespace {

constexpr Duration kRetryDelay = seconds(1);
constexpr Duration kRoomRetryDelay = seconds(2);   // adds refused for lack of room
// Frames read per readiness callback: a busy port must not starve the others.
constexpr int kFramesPerWakeup = 64;
// Failed MDB operations logged one by one per sync; the rest are summed up.
constexpr size_t kFailuresLogged = 8;
// A sync or a startup reconcile that handled more entries than this hands the heap's
// free pages back afterwards: its transient copies (the desired MdbSnapshot, the delta,
// the dump) take ~130+ B per entry, ~30+ MiB for a full comparison at 256k, and glibc
// keeps freed heap pages mapped, so without this the peak stays in the RSS for good.
constexpr size_t kTrimAfterEntries = 4096;
// Changed groups compared and applied at a time (see syncMdb).
constexpr size_t kSyncSliceGroups = 4096;
// Groups remembered for an incremental retry; beyond, a retry compares everything.
constexpr size_t kMaxRetryGroups = 65536;

void trimHeapAfter(size_t entries) {
    if (entries > kTrimAfterEntries) malloc_trim(0);
}

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
    // engine (suppression), so the mode changes nothing else. Kernels with (S,G)
    // entries but no source lists (5.10-6.2) need it too: the core expresses
    // INCLUDE{S} as (S,G) entries there, which v2 mode never looks up.
    if (features_.sourceLists || features_.sgEntries) {
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
    for (const auto& p : ports) {
        portNames_[p.ifindex] = p.name;
        // A restart must not cut a router port off every group until the router's
        // next query or hello marks it again: it stays one through the grace period.
        if (p.attrs.mcastRouter == bridge::RouterMode::Permanent) adoptedRouters_.insert(p.ifindex);
    }
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

    // nft and the sockets above take a while on a slow machine (~0.4 s in the 6.1
    // guest): the queriers' startup queries are spaced from when they really start.
    now = EventLoop::now();
    addresses_ = bridge::readAddresses(name);
    agent->setAddresses(addresses_.ipv4, addresses_.ipv6LinkLocal, now);
    // VLAN 0 alone, or one snooping domain per VLAN of the ports (vlans.h).
    vlans.setBridgeOptions(info.mcast);
    for (const auto& p : ports) vlans.setPort(p.ifindex, p.name, p.vlans);
    vlans.updateAgent(*agent, now);

    // The dump, the record and the snapshot of the reconcile are gone by now.
    trimHeapAfter(reconcile(now));
    return true;
}

size_t BridgeRuntime::reconcile(TimePoint now) {
    // Startup reconcile (kernel-bridge.md §3.5): ours stay until relearned or the
    // grace period ends; so do kernel-learned port entries (members that joined while
    // we were away: deleting them now would cut them off until they report again; a
    // relearned one is replaced by ours, see sync()); an administrator's entries are
    // left alone.
    // Timed for the log line (benchmark: reconcile time after a restart).
    const auto reconcileStart = std::chrono::steady_clock::now();
    size_t dumped = 0;
    auto loaded = record_.load();
    std::set<MdbKey> recordKeys;
    if (loaded) recordKeys = std::move(loaded->keys);
    auto mdb = bridge::readMdb(cmd_, ifindex);
    if (!mdb) {
        logger("daemon")->error("bridge '{}': MDB dump: {}", name, mdb.error().str());
    } else {
        dumped = mdb->entries.size();
        const auto* rec = features_.rtprot ? nullptr : &recordKeys;
        {
            const MdbSnapshot ours = bridge::ownedSnapshot(mdb->entries, bridge::kMcsRtProt, rec);
            writer_.adopt(ifindex, ours);
            applied.adopt(ours);
        }
        size_t admin = 0;
        for (const auto& e : mdb->entries) {
            auto origin = bridge::classifyEntry(e, bridge::kMcsRtProt, rec);
            // STAR_EXCL copies are the kernel's bookkeeping for a (*,G) EXCLUDE (ours
            // too): they go with it and must not be removed on their own.
            if (origin == bridge::EntryOrigin::Kernel && !(e.flags & bridge::uapi::kMdbFlagsStarExcl))
                kernelLearned_.insert(e.key);
            else if (origin == bridge::EntryOrigin::Admin)
                ++admin;
        }
        graceLength_ = Duration::zero();
        if (const auto vids = agent->vlans(); !vids.empty()) {
            const auto t = agent->snooper(vids.front())->timers(Family::V4);
            graceLength_ = t.queryInterval + t.queryResponseInterval;
        }
        graceUntil_ = now + graceLength_;
        logger("mdb")->info(
            "bridge '{}': startup reconcile: {} entries of ours and {} kernel-learned kept for {} s, "
            "{} of others left alone ({:.1f} ms)",
            name, applied.adoptedCount(), kernelLearned_.size(),
            std::chrono::duration_cast<seconds>(graceUntil_ - now).count(), admin,
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - reconcileStart)
                .count());
    }
    return dumped;
}

void BridgeRuntime::startGraceNow(TimePoint now) {
    if (graceUntil().has_value()) graceUntil_ = std::max(graceUntil_, now + graceLength_);
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
        // Every key we installed, not just the adopted ones: without MDBE_ATTR_RTPROT
        // (< 6.3) the keys are all that tells our entries from an administrator's, and
        // host entries (the bridge itself as member) are told apart by key on any kernel.
        std::set<MdbKey> ours;
        applied.forEach([&](const MdbKey& k, const MdbAttrs&) { ours.insert(k); });
        auto n = writer_.removeAll(ifindex, &ours);
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
        // ENODEV: the port was deleted after the event (or dump) that announced it;
        // the link monitor reports its removal next. Not an error of ours.
        logger("daemon")->log(s.error().code == ENODEV ? spdlog::level::debug : spdlog::level::err,
                              "bridge '{}' port '{}': packet socket: {}", name, port.name, s.error().str());
        return;
    }
    IfIndex pi = port.ifindex;
    int fd = s->fd();
    portSockets_.emplace(pi, std::move(*s));
    loop.addFd(fd, EPOLLIN, [this, pi](uint32_t) { readPort(pi); });
    // Ports found at start() are in the table already: running nft once per port
    // there made a large bridge's startup take seconds (longer than the grace
    // period on a slow machine).
    auto known = portNames_.find(pi);
    const bool inTable = known != portNames_.end() && known->second == port.name;
    portNames_[pi] = port.name;
    if (!inTable) installSuppression();
}

void BridgeRuntime::closePortSocket(IfIndex port, EventLoop& loop) {
    auto it = portSockets_.find(port);
    if (it == portSockets_.end()) return;
    loop.removeFd(it->second.fd());
    closedSocketDrops_ += it->second.stats().rxKernelDrops;
    portSockets_.erase(it);
    appliedPorts.erase(port);
    portNames_.erase(port);
    installSuppression();
}

void BridgeRuntime::readPort(IfIndex port) {
    auto it = portSockets_.find(port);
    if (it == portSockets_.end()) return;
    auto now = EventLoop::now();
    // Kernel drops (receive queue full) are read whenever a wakeup's budget runs out
    // (a backlog), and once a second otherwise: one getsockopt each.
    if (now >= nextStatsPoll_) {
        nextStatsPoll_ = now + seconds(1);
        for (auto& [p, sock] : portSockets_) sock.pollKernelStats();
    }
    // At most kFramesPerWakeup frames per wakeup: epoll is level-triggered, so a port
    // with a backlog (a storm) is read again in the next round, after every other
    // ready port had its turn (no port starves the others).
    for (int i = 0; i < kFramesPerWakeup; ++i) {
        auto rx = it->second.receive();
        if (!rx) {
            // A packet socket reports ENETDOWN once when its port goes down: expected
            // (the link monitor reports the port down), and the socket works again
            // when the port comes up. ENXIO/ENODEV: the port was deleted; the link
            // monitor reports its removal next.
            const int e = rx.error().code;
            const bool expected = e == ENETDOWN || e == ENXIO || e == ENODEV;
            logger("daemon")->log(expected ? spdlog::level::debug : spdlog::level::warn,
                                  "bridge '{}' port {}: receive: {}", name, port.value, rx.error().str());
            return;
        }
        if (!*rx) return;
        // On a VLAN-filtering bridge: the frame's VLAN (untagged: the port's PVID), or
        // nothing if the bridge itself drops it.
        const auto in = vlans.ingress(port, (*rx)->vid, (*rx)->data);
        if (in.accept) agent->onFrame(port, in.vid, (*rx)->data, now);
    }
    it->second.pollKernelStats();
}

uint64_t BridgeRuntime::socketDrops(IfIndex port) const {
    auto it = portSockets_.find(port);
    return it == portSockets_.end() ? 0 : it->second.stats().rxKernelDrops;
}

uint64_t BridgeRuntime::socketDropsTotal() const {
    uint64_t n = closedSocketDrops_;
    for (const auto& [p, sock] : portSockets_) n += sock.stats().rxKernelDrops;
    return n;
}

void BridgeRuntime::onBridgeOptions(const bridge::BridgeInfo& bi, TimePoint now) {
    auto log = logger("daemon");
    if (!bi.mcast.snooping && info.mcast.snooping)
        log->error("bridge '{}': mcast_snooping went off: the kernel floods all multicast and "
                   "ignores the MDB (hash_max {} exceeded, or an administrator)",
                   name, bi.mcast.hashMax);
    if (bi.mac != info.mac) agent->setMac(bi.mac);
    info = bi;
    vlans.setBridgeOptions(bi.mcast);
    vlans.updateAgent(*agent, now);
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
    // A port socket bypasses the bridge's egress policy: tag as the port carries the VLAN.
    wire::Frame untagged;
    if (const auto e = vlans.egress(port, frame); e == BridgeVlans::Egress::Drop) {
        return;
    } else if (e == BridgeVlans::Egress::Untag) {
        untagged = wire::retag(frame, std::nullopt);
        frame = untagged;
    }
    if (auto st = it->second.send(frame); !st) {
        ++txErrors;
        logger("daemon")->debug("bridge '{}' port {}: send: {}", name, port.value, st.error().str());
    }
}

void BridgeRuntime::sendViaBridge(std::span<const uint8_t> frame) {
    if (!bridgeSocket_) return;
    // The bridge device sends only in VLANs it is a member of: elsewhere the frame goes
    // out of each port of the VLAN (the kernel then sees no querier there). Keep-alives
    // are for the kernel alone and must never reach hosts.
    if (const auto vid = BridgeVlans::frameVlan(frame); vid && !vlans.bridgeSendsIn(*vid)) {
        if (frame.size() >= 12 && MacAddr::fromBytes(frame.data() + 6) == kKeepaliveMac) return;
        for (auto p : vlans.portsOf(*vid)) sendOnPort(p, frame);
        return;
    }
    if (auto st = bridgeSocket_->send(frame); !st) {
        ++txErrors;
        logger("daemon")->debug("bridge '{}': send: {}", name, st.error().str());
    }
}

void BridgeRuntime::sync(TimePoint now) {
    bool retryDue = retryAt_ && now >= *retryAt_;
    bool graceOver = (applied.adoptedCount() || !kernelLearned_.empty() || !adoptedRouters_.empty()) &&
                     now >= graceUntil_;
    uint64_t gen = agent->mdbGeneration();
    const bool filterChanged = vlans.filterGeneration() != syncedFilterGeneration_;
    if (gen != syncedGeneration_ || retryDue || graceOver || filterChanged) {
        // The desired snapshot of a full comparison is gone once syncMdb returns.
        trimHeapAfter(syncMdb(now, retryDue, graceOver, filterChanged));
        syncedGeneration_ = gen;
        syncedFilterGeneration_ = vlans.filterGeneration();
    }

    for (auto pf : agent->desiredPorts()) {
        if (adoptedRouters_.count(pf.port)) pf.mcastRouter = true;
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
    // Per-VLAN kernel contexts and port-VLAN router modes (VLAN-filtering bridges).
    if (!vlans.sync(cmd_, *agent, features_, now)) retryAt_ = now + kRetryDelay;
    if (recordDirty_ && !features_.rtprot) saveRecord();
}

size_t BridgeRuntime::syncMdb(TimePoint now, bool retryDue, bool graceOver, bool filterChanged) {
    auto log = logger("mdb");
    // Usually only the groups a report or timer touched are compared with what is
    // applied (O(changed) per event, not O(MDB)), plus those whose operations failed
    // when their retry is due; the end of the grace period, a VLAN/port change or too
    // many failed groups compare everything.
    const bool retryEverything = retryDue && retryAll_;
    auto update = agent->desiredMdbUpdate(caps_, retryEverything || graceOver || filterChanged ||
                                                     syncedGeneration_ == ~0ull, false);
    if (retryDue) {
        retryAt_.reset();
        if (!update.full) {
            for (const auto& vg : update.groups) retryGroups_.insert(vg);
            update.groups.assign(retryGroups_.begin(), retryGroups_.end());   // sorted, unique
        }
        retryGroups_.clear();
        retryAll_ = false;
    }
    if (!update.full) {
        // Slice by slice: the transient entries, delta and plan of one wake-up stay
        // small however many groups it changed (a storm of 170-record reports on 8
        // ports changes ~87k groups per wake-up).
        size_t handled = 0;
        for (size_t i = 0; i < update.groups.size(); i += kSyncSliceGroups) {
            const size_t end = std::min(update.groups.size(), i + kSyncSliceGroups);
            const std::vector<std::pair<VlanId, IpAddr>> slice(update.groups.begin() + static_cast<std::ptrdiff_t>(i),
                                                               update.groups.begin() + static_cast<std::ptrdiff_t>(end));
            MdbSnapshot desired;
            for (const auto& [vid, g] : slice) agent->appendMdbEntries(vid, g, caps_, desired);
            vlans.filterMdb(desired);
            handled += applyDesired(desired, &slice, now);
        }
        return handled;
    }
    retryGroups_.clear();   // a full comparison retries them too
    retryAll_ = false;
    MdbSnapshot& desired = update.entries;
    vlans.filterMdb(desired);
    if (graceOver) {
        // Adopted entries not relearned go with this comparison (they are not desired).
        size_t stale = 0;
        applied.sweepAdopted([&](const MdbKey& k, const MdbAttrs&) {
            stale += !desired.count(k);
            return false;
        });
        // Kernel-learned entries not replaced by ours (not relearned) go now. Read
        // back first: some expired, and an (S,G) key may now be one the kernel
        // derived from a source list of ours. Without MDBE_ATTR_RTPROT only our keys
        // tell ours apart, and only those among the kernel-learned ones matter here.
        MdbDelta kernelLeft;
        if (!kernelLearned_.empty()) {
            std::set<MdbKey> ours;
            if (!features_.rtprot)
                for (const auto& k : kernelLearned_)
                    if (applied.contains(k)) ours.insert(ours.end(), k);
            if (auto mdb = bridge::readMdb(cmd_, ifindex)) {
                for (const auto& e : mdb->entries)
                    if (kernelLearned_.count(e.key) && !(e.flags & bridge::uapi::kMdbFlagsStarExcl) &&
                        bridge::classifyEntry(e, bridge::kMcsRtProt, features_.rtprot ? nullptr : &ours) ==
                            bridge::EntryOrigin::Kernel)
                        kernelLeft.remove.push_back(e.key);
            } else {
                log->warn("bridge '{}': MDB dump: {}", name, mdb.error().str());
            }
        }
        if (!kernelLeft.empty()) writer_.apply(ifindex, kernelLeft);
        log->info("bridge '{}': startup grace over, {} entries of ours and {} kernel-learned "
                  "not relearned are removed", name, stale, kernelLeft.remove.size());
        kernelLearned_.clear();
        adoptedRouters_.clear();
    }
    return applyDesired(desired, nullptr, now);
}

size_t BridgeRuntime::applyDesired(MdbSnapshot& desired, const std::vector<std::pair<VlanId, IpAddr>>* groups,
                                   TimePoint now) {
    auto log = logger("mdb");
    // Adopted entries stay until relearned (then the agent owns them) or the grace
    // period ends; only those in the compared part matter here.
    auto keepAdopted = [&](const MdbKey& k, const MdbAttrs& a) {
        if (desired.count(k)) return false;
        desired.emplace(k, a);
        return true;
    };
    if (!groups) {
        applied.sweepAdopted(keepAdopted);
    } else {
        for (const auto& [vid, g] : *groups) applied.sweepAdopted(vid, g, keepAdopted);
    }
    const MdbDelta delta = deltaTo(applied, desired, groups);
    const size_t handled = groups ? desired.size() : std::max(desired.size(), applied.size());
    if (delta.empty()) return handled;

    // Kernel-learned entries kept by the startup reconcile make way for ours
    // (adding the same key would fail with EEXIST).
    MdbDelta makeWay;
    for (const auto& [k, a] : delta.add)
        if (kernelLearned_.erase(k)) makeWay.remove.push_back(k);
    if (!makeWay.empty()) writer_.apply(ifindex, makeWay);
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
    // Book what the kernel took. A failed operation leaves the kernel as it was: a
    // failed remove or change keeps its old entry; any other failed key (an add, or
    // an operation the writer planned around the delta) is not known to be there.
    std::set<MdbKey> failed;
    for (const auto& f : res.failed) failed.insert(f.key);
    std::set<MdbKey> keptOld;
    for (const auto& [k, a] : delta.add)
        if (!failed.count(k)) applied.assign(k, a);
    for (const auto& [k, a] : delta.change) {
        if (!failed.count(k))
            applied.assign(k, a);
        else
            keptOld.insert(k);
    }
    for (const auto& k : delta.remove) {
        if (!failed.count(k))
            applied.erase(k);
        else
            keptOld.insert(k);
    }
    for (const auto& k : failed)
        if (!keptOld.count(k)) applied.erase(k);
    size_t n = 0;
    for (const auto& f : res.failed) {
        // Adds refused for room (mcast_hash_max at its ceiling) are summed up
        // by the writer, rate-limited: not one line per entry per retry.
        if (f.error == ENOSPC) continue;
        if (n++ < kFailuresLogged)
            log->warn("bridge '{}' vid {} port {}: {} {}: {}", name, f.key.vid.value,
                      f.key.port.value, bridge::to_string(f.op), f.key.group.str(), f.message);
    }
    if (!res.failed.empty()) {
        mdbErrors += res.failed.size();
        if (n > kFailuresLogged)
            log->warn("bridge '{}': {} more MDB operations failed", name, n - kFailuresLogged);
        // No room (ENOSPC) frees up only when members leave: retry less often.
        const bool onlyRoom = std::all_of(res.failed.begin(), res.failed.end(),
                                          [](const auto& f) { return f.error == ENOSPC; });
        retryAt_ = now + (onlyRoom ? kRoomRetryDelay : kRetryDelay);
        for (const auto& f : res.failed) {
            if (retryAll_) break;
            retryGroups_.emplace(f.key.vid, f.key.group);
            if (retryGroups_.size() > kMaxRetryGroups) {
                retryAll_ = true;
                retryGroups_.clear();
            }
        }
    }
    if (res.snoopingDisabled)
        log->error("bridge '{}': the kernel's mcast_snooping is off: MDB not in use", name);
    if (res.hashMaxRaisedTo)
        log->info("bridge '{}': mcast_hash_max raised to {}", name, *res.hashMaxRaisedTo);
    log->debug("bridge '{}': MDB +{} ~{} -{} ({} failed)", name, delta.add.size(),
               delta.change.size(), delta.remove.size(), res.failed.size());
    recordDirty_ = true;
    return handled;
}

void BridgeRuntime::saveRecord() {
    auto each = [this](const bridge::OwnedRecord::KeyFn& f) {
        applied.forEachOrdered([&](const MdbKey& k, const MdbAttrs&) { f(k); });
    };
    if (auto st = record_.save(each); !st)
        logger("mdb")->warn("bridge '{}': saving {}: {}", name, record_.path().string(),
                            st.error().str());
    recordDirty_ = false;
}

}  // namespace mcs::daemon
