#include "agent/daemon/bridge_agent.h"

#include <algorithm>

#include "agent/daemon/logging.h"
#include "agent/wire/build.h"

namespace mcs::daemon {

namespace {

// Draining core and querier outputs can feed back (a querier state change makes the
// core emit requests); a bound keeps a bug from looping forever.
constexpr int kMaxDrainRounds = 8;

// Group(-and-source)-specific queries go out in the querier's operating version, not
// in the (group, port) compatibility mode: older hosts read newer queries (RFC 2236
// §2.5: "MUST ignore anything past the first 8 octets"; MLDv1 hosts likewise take an
// MLDv2 query as an MLDv1 one), the router's compatibility modes change only how it
// reads reports (RFC 9776 §7.3.2, RFC 9777 §8.3.2), and an older-version query would
// push every newer host on the port into its older-version-querier mode for minutes
// (RFC 9776 §7.2.1). IGMPv1 has no specific queries.
std::optional<wire::ProtoVersion> specificQueryVersion(wire::ProtoVersion operating) {
    if (operating == wire::ProtoVersion::IgmpV1) return std::nullopt;
    return operating;
}

std::string describe(const querier::Event& ev) {
    auto who = [](const std::optional<querier::ElectedQuerier>& q) {
        return q ? q->address.str() + (q->self ? " (us)" : "") : std::string("none");
    };
    if (const auto* c = std::get_if<querier::QuerierChanged>(&ev))
        return "elected querier " + who(c->from) + " -> " + who(c->to);
    if (const auto* c = std::get_if<querier::VersionChanged>(&ev))
        return "query version " + std::string(wire::to_string(c->from)) + " -> " +
               std::string(wire::to_string(c->to)) +
               (c->olderQuerier ? " (older querier " + c->olderQuerier->str() + ")" : "");
    if (const auto* c = std::get_if<querier::VersionMismatch>(&ev))
        return "querier " + c->from.str() + " sends " + std::string(wire::to_string(c->heard)) +
               " queries, configured " + std::string(wire::to_string(c->configured));
    return "state change";
}

}  // namespace

struct BridgeAgent::Vlan {
    VlanId vid;
    VlanSettings settings;
    std::unique_ptr<core::Snooper> snooper;
    std::unique_ptr<querier::Querier> q4, q6;
    TimePoint nextKeepalive4{}, nextKeepalive6{};

    querier::Querier& q(Family f) { return f == Family::V4 ? *q4 : *q6; }
};

BridgeAgent::BridgeAgent(std::string name, IfIndex ifindex, MacAddr mac, SettingsFn settings,
                         FrameSink& sink, wire::DecodeOptions decode)
    : name_(std::move(name)),
      ifindex_(ifindex),
      mac_(mac),
      settings_(std::move(settings)),
      sink_(sink),
      decode_(decode) {}

BridgeAgent::~BridgeAgent() = default;

wire::L2 BridgeAgent::l2For(VlanId vid, bool marker) const {
    wire::L2 l2;
    l2.src = marker ? kKeepaliveMac : mac_;
    if (vid.value != 0) l2.tag = vid;
    return l2;
}

void BridgeAgent::setMac(MacAddr mac) {
    mac_ = mac;
    for (auto& [vid, v] : vlans_) {
        v->q4->setL2(l2For(vid));
        v->q6->setL2(l2For(vid));
    }
}

void BridgeAgent::setAddresses(std::optional<IpAddr> v4, std::optional<IpAddr> v6, TimePoint now) {
    if (v4 == addr4_ && v6 == addr6_) return;
    addr4_ = v4;
    addr6_ = v6;
    for (auto& [vid, v] : vlans_) {
        v->q4->setOwnAddress(addr4_, now);
        v->q6->setOwnAddress(addr6_, now);
        drain(*v, now);
    }
}

void BridgeAgent::createVlan(VlanId vid, TimePoint now) {
    auto v = std::make_unique<Vlan>();
    v->vid = vid;
    v->settings = settings_(vid);
    v->snooper = std::make_unique<core::Snooper>(name_, ifindex_, vid, v->settings.snooper);
    v->q4 = std::make_unique<querier::Querier>(querier::Identity{ifindex_, vid, Family::V4},
                                               l2For(vid), v->settings.querier4, now);
    v->q6 = std::make_unique<querier::Querier>(querier::Identity{ifindex_, vid, Family::V6},
                                               l2For(vid), v->settings.querier6, now);
    v->q4->setOwnAddress(addr4_, now);
    v->q6->setOwnAddress(addr6_, now);
    for (const auto& [port, info] : ports_) v->snooper->portAdded(port, info.first, now, info.second);
    v->nextKeepalive4 = v->nextKeepalive6 = now;
    auto& ref = *v;
    vlans_[vid] = std::move(v);
    ++generationBase_;
    logger("core")->info("bridge '{}' vid {}: snooping {}", name_, vid.value,
                         ref.settings.snooping ? "on" : "off");
    drain(ref, now);
}

void BridgeAgent::setVlans(const std::vector<VlanId>& vids, TimePoint now) {
    for (auto it = vlans_.begin(); it != vlans_.end();) {
        if (std::find(vids.begin(), vids.end(), it->first) == vids.end()) {
            logger("core")->info("bridge '{}' vid {}: removed", name_, it->first.value);
            it = vlans_.erase(it);
            ++generationBase_;
        } else {
            ++it;
        }
    }
    for (auto vid : vids)
        if (!vlans_.count(vid)) createVlan(vid, now);
}

void BridgeAgent::portAdded(IfIndex port, const std::string& name, core::PortStatus status,
                            TimePoint now) {
    ports_[port] = {name, status};
    for (auto& [vid, v] : vlans_) {
        v->snooper->portAdded(port, name, now, status);
        drain(*v, now);
    }
}

void BridgeAgent::portRemoved(IfIndex port, TimePoint now) {
    if (!ports_.count(port)) return;
    for (auto& [vid, v] : vlans_) {
        v->snooper->portRemoved(port, now);
        drain(*v, now);  // while the name is still known, for the log
    }
    ports_.erase(port);
    rateLimiter_.portRemoved(port);
}

uint32_t BridgeAgent::reportRateLimit(IfIndex port) const {
    auto pit = ports_.find(port);
    if (pit == ports_.end() || vlans_.empty()) return 0;
    return vlans_.begin()->second->settings.reportRateLimitOf(pit->second.first);
}

std::string BridgeAgent::portLabel(IfIndex port) const {
    auto it = ports_.find(port);
    return it != ports_.end() ? it->second.first : std::to_string(port.value);
}

void BridgeAgent::portStatus(IfIndex port, core::PortStatus status, TimePoint now) {
    auto it = ports_.find(port);
    if (it == ports_.end()) return;
    auto old = it->second.second;
    it->second.second = status;
    for (auto& [vid, v] : vlans_) {
        if (old.up != status.up) {
            if (status.up)
                v->snooper->portUp(port, now);
            else
                v->snooper->portDown(port, now);
        }
        if (old.stp != status.stp) v->snooper->portStpState(port, status.stp, now);
        drain(*v, now);
    }
}

void BridgeAgent::reloadSettings(TimePoint now) {
    for (auto& [vid, v] : vlans_) {
        auto s = settings_(vid);
        if (s == v->settings) continue;
        v->settings = s;
        v->snooper->setConfig(s.snooper, now);
        if (auto err = v->q4->setConfig(s.querier4, now))
            logger("querier")->error("bridge '{}' vid {} ipv4: querier settings refused: {}", name_,
                                     vid.value, querier::to_string(*err));
        if (auto err = v->q6->setConfig(s.querier6, now))
            logger("querier")->error("bridge '{}' vid {} ipv6: querier settings refused: {}", name_,
                                     vid.value, querier::to_string(*err));
        ++generationBase_;
        drain(*v, now);
    }
}

BridgeAgent::Vlan* BridgeAgent::vlanFor(IfIndex, std::optional<VlanId> vid) {
    // Without VLAN filtering there is only VLAN 0 and tags are payload to the bridge.
    if (vlans_.size() == 1 && vlans_.begin()->first.value == 0) return vlans_.begin()->second.get();
    auto it = vlans_.find(vid.value_or(VlanId{0}));
    return it == vlans_.end() ? nullptr : it->second.get();
}

void BridgeAgent::onFrame(IfIndex port, std::optional<VlanId> vid, std::span<const uint8_t> frame,
                          TimePoint now) {
    ++counters_.framesReceived;
    auto decoded = wire::decodeFrame(frame, decode_);
    if (!decoded) {
        counters_.drops.count(decoded.error());
        auto it = ports_.find(port);
        logger("core")->debug("bridge '{}' port '{}': frame dropped: {}", name_,
                              it == ports_.end() ? std::string("?") : it->second.first,
                              wire::to_string(decoded.error()));
        return;
    }
    const auto& d = *decoded;
    if (!vid && d.tagVid) vid = d.tagVid;
    if (const auto* bpdu = std::get_if<wire::Bpdu>(&d.msg)) {
        if (bpdu->topologyChange) onTopologyChange(now);
        return;
    }
    Vlan* v = vlanFor(port, vid);
    if (!v) {
        ++counters_.unknownVlan;
        return;
    }
    if (!v->settings.snooping) return;
    // Reports and leaves are what a host (or a flood of crafted frames) can send at
    // any rate and what makes us allocate and program the kernel: each port gets its
    // own budget (rate_limit.h). Queries, PIM and MRD are not limited here.
    if (std::holds_alternative<wire::Report>(d.msg) || std::holds_alternative<wire::Leave>(d.msg)) {
        auto pit = ports_.find(port);
        const uint32_t rate = pit == ports_.end() ? v->settings.reportRateLimit
                                                  : v->settings.reportRateLimitOf(pit->second.first);
        const auto rl = rateLimiter_.admit(port, rate, now);
        if (!rl.admit) {
            ++counters_.reportRateLimited;
            if (rl.warnDrops)
                logger("core")->warn("bridge '{}' port '{}': {} membership reports/leaves over the "
                                     "report-rate-limit of {}/s dropped ({} in all)",
                                     name_, portLabel(port), *rl.warnDrops, rate,
                                     rateLimiter_.dropped(port));
            return;
        }
    }
    if (const auto* q = std::get_if<wire::Query>(&d.msg))
        v->q(familyOf(q->version)).onQueryReceived(d.src, *q, now);
    auto verdict = v->snooper->onMessage(port, d, now);
    if (verdict.action == core::RxAction::Forward && !verdict.ports.empty()) {
        auto out = wire::retag(frame, v->vid.value ? std::optional<VlanId>(v->vid) : std::nullopt);
        for (auto p : verdict.ports) {
            sink_.sendOnPort(p, out);
            ++counters_.framesForwarded;
        }
    }
    drain(*v, now);
}

void BridgeAgent::onTopologyChange(TimePoint now) {
    logger("core")->info("bridge '{}': STP topology change", name_);
    for (auto& [vid, v] : vlans_) {
        if (!v->settings.snooping) continue;
        v->snooper->onTopologyChange(now);
        v->q4->onTopologyChange(now);
        v->q6->onTopologyChange(now);
        drain(*v, now);
    }
}

void BridgeAgent::onTimer(TimePoint now) {
    for (auto& [vid, v] : vlans_) {
        if (!v->settings.snooping) continue;
        v->snooper->onTimer(now);
        v->q4->onTimer(now);
        v->q6->onTimer(now);
        sendKeepalives(*v, now);
        drain(*v, now);
    }
}

void BridgeAgent::onTopologyChange(const std::vector<VlanId>& vids, TimePoint now) {
    for (auto vid : vids) {
        auto it = vlans_.find(vid);
        if (it == vlans_.end() || !it->second->settings.snooping) continue;
        auto& v = *it->second;
        logger("core")->info("bridge '{}' vid {}: topology change reported", name_, vid.value);
        v.snooper->onTopologyChange(now);
        v.q4->onTopologyChange(now);
        v.q6->onTopologyChange(now);
        drain(v, now);
    }
}

// The core has no flush call: a filter denying every group removes all learned
// memberships (Snooper::setConfig -> applyFilter; GroupLeft says "filtered") while
// static ones stay (filters never apply to them); the real settings go back at once.
void BridgeAgent::flushGroups(std::optional<VlanId> only, TimePoint now) {
    core::GroupFilter denyAll;
    denyAll.deny = {core::GroupRange{IpAddr::unspecified(Family::V4), 0, std::nullopt},
                    core::GroupRange{IpAddr::unspecified(Family::V6), 0, std::nullopt}};
    for (auto& [vid, v] : vlans_) {
        if (only && *only != vid) continue;
        const core::SnooperConfig cfg = v->snooper->config();
        core::SnooperConfig flush = cfg;
        flush.vlan.filter = denyAll;
        for (auto& [port, pp] : flush.ports) pp.filter = denyAll;
        logger("core")->info("bridge '{}' vid {}: learned groups flushed", name_, vid.value);
        v->snooper->setConfig(std::move(flush), now);
        v->snooper->setConfig(cfg, now);
        drain(*v, now);
    }
}

std::optional<TimePoint> BridgeAgent::nextDeadline() const {
    std::optional<TimePoint> best;
    auto take = [&](std::optional<TimePoint> t) {
        if (t && (!best || *t < *best)) best = t;
    };
    for (const auto& [vid, v] : vlans_) {
        if (!v->settings.snooping) continue;
        take(v->snooper->nextDeadline());
        take(v->q4->nextDeadline());
        take(v->q6->nextDeadline());
        if (v->settings.keepalive) {
            take(v->nextKeepalive4);
            take(v->nextKeepalive6);
        }
    }
    return best;
}

// Querier-exists gating (kernel-bridge.md §4.4 item 2): the kernel forwards by the
// MDB only while it knows a querier. When neither our querier nor one on the wire
// is active for a family, a general query from the keep-alive MAC goes through the
// bridge device: br_dev_xmit snoops it as "other querier present" (for
// mcast_querier_interval, 255 s by default) and our nftables table drops it at
// bridge output, so no host sees it. A short Max Resp (100 ms) shortens the
// kernel's flood delay after the first query.
void BridgeAgent::sendKeepalives(Vlan& v, TimePoint now) {
    if (!v.settings.keepalive) return;
    for (Family f : {Family::V4, Family::V6}) {
        auto& next = f == Family::V4 ? v.nextKeepalive4 : v.nextKeepalive6;
        if (now < next) continue;
        next = now + kKeepaliveInterval;
        bool ourQuerier = v.q(f).state() == querier::QuerierState::Querier;
        if (ourQuerier || v.snooper->querier(f)) continue;
        wire::QuerySpec q;
        q.maxRespMs = 100;
        if (f == Family::V4) {
            q.version = wire::ProtoVersion::IgmpV2;
            q.src = IpAddr::unspecified(Family::V4);
        } else {
            // MLD queries must come from a link-local address (RFC 9777 §5.1.14);
            // the kernel checks it too.
            if (!addr6_) continue;
            q.version = wire::ProtoVersion::MldV1;
            q.src = *addr6_;
        }
        q.group = IpAddr::unspecified(f);
        sink_.sendViaBridge(wire::buildQuery(l2For(v.vid, true), q));
        ++counters_.keepaliveQueries;
        ++counters_.framesSent;
    }
}

void BridgeAgent::drain(Vlan& v, TimePoint now) {
    auto log = logger("core");
    for (int round = 0; round < kMaxDrainRounds; ++round) {
        bool any = false;
        for (auto& out : v.snooper->takeOutbound()) {
            any = true;
            std::visit(
                [&](const auto& m) {
                    using T = std::decay_t<decltype(m)>;
                    wire::Frame frame;
                    if constexpr (std::is_same_v<T, core::QuerySolicitation>) {
                        auto src = m.family == Family::V4
                                       ? addr4_.value_or(IpAddr::unspecified(Family::V4))
                                       : addr6_.value_or(IpAddr::unspecified(Family::V6));
                        frame = wire::buildQuerySolicitation(l2For(v.vid), src);
                    } else if constexpr (std::is_same_v<T, core::GeneralQueryRequest>) {
                        // Without a port it is the core's answer to a topology change,
                        // which onTopologyChange() already gave the queriers (proxy mode
                        // included): telling them again counted every change twice. With
                        // a port, that port starts forwarding: a general query out of it
                        // alone (RFC 4541 §2.1.1) finds its members without flooding the
                        // VLAN or counting a topology change.
                        if (!out.port) return;
                        auto spec = v.q(m.family).generalQuerySpec();
                        if (!spec) return;
                        frame = wire::buildQuery(l2For(v.vid), *spec);
                    } else if constexpr (std::is_same_v<T, core::GroupQueryRequest>) {
                        auto& q = v.q(m.family);
                        auto src = q.sourceAddress();
                        if (!src) return;
                        auto version = specificQueryVersion(q.operatingVersion());
                        if (!version) return;
                        wire::QuerySpec spec;
                        spec.version = *version;
                        spec.src = *src;
                        spec.group = m.group;
                        if (spec.version == wire::ProtoVersion::IgmpV3 ||
                            spec.version == wire::ProtoVersion::MldV2)
                            spec.sources = m.sources;
                        else if (!m.sources.empty())
                            return;  // v2/MLDv1 cannot ask for sources
                        spec.suppressRouterSide = m.suppressRouterSide;
                        spec.maxRespMs = static_cast<uint32_t>(m.maxResp.count());
                        auto t = q.timing();
                        spec.qrv = static_cast<uint8_t>(std::min<uint32_t>(t.robustness, 7));
                        spec.qqiSec = static_cast<uint32_t>(
                            std::chrono::duration_cast<seconds>(t.queryInterval).count());
                        frame = wire::buildQuery(l2For(v.vid), spec);
                    } else if constexpr (std::is_same_v<T, core::MrdSolicitation>) {
                        auto src = m.family == Family::V4
                                       ? addr4_.value_or(IpAddr::unspecified(Family::V4))
                                       : addr6_.value_or(IpAddr::unspecified(Family::V6));
                        if (m.family == Family::V6 && !addr6_) return;
                        frame = wire::buildMrdSolicitation(l2For(v.vid), src);
                    }
                    if (out.port)
                        sink_.sendOnPort(*out.port, frame);
                    else
                        sink_.sendViaBridge(frame);
                    ++counters_.framesSent;
                },
                out.msg);
        }
        for (auto* q : {v.q4.get(), v.q6.get()}) {
            Family f = q->identity().family;
            for (auto& out : q->takeOutbound()) {
                any = true;
                sink_.sendViaBridge(out.frame);
                ++counters_.framesSent;
                if (out.kind == querier::QueryKind::General) v.snooper->ownGeneralQuerySent(f, now);
            }
            for (auto& ev : q->takeEvents()) {
                any = true;
                if (const auto* sc = std::get_if<querier::StateChanged>(&ev)) {
                    bool active = sc->to == querier::QuerierState::Querier;
                    logger("querier")->info("bridge '{}' vid {} {}: querier state {} -> {}", name_,
                                            v.vid.value, to_string(f), querier::to_string(sc->from),
                                            querier::to_string(sc->to));
                    if (active != v.snooper->ownQuerierActive(f))
                        v.snooper->setOwnQuerierActive(f, active, now);
                } else {
                    logger("querier")->info("bridge '{}' vid {} {}: {}", name_, v.vid.value,
                                            to_string(f), describe(ev));
                }
                if (observer_) observer_(v.vid, QuerierEvent{f, ev});
            }
        }
        for (auto& ev : v.snooper->takeEvents()) {
            any = true;
            std::visit(
                [&](const auto& e) {
                    using T = std::decay_t<decltype(e)>;
                    if constexpr (std::is_same_v<T, core::GroupJoined>) {
                        log->info("bridge '{}' vid {} port '{}': group {} joined ({})", name_,
                                  e.vid.value, portLabel(e.port), e.group.str(),
                                  core::to_string(e.origin));
                    } else if constexpr (std::is_same_v<T, core::GroupLeft>) {
                        log->info("bridge '{}' vid {} port '{}': group {} left ({})", name_,
                                  e.vid.value, portLabel(e.port), e.group.str(),
                                  core::to_string(e.reason));
                    } else if constexpr (std::is_same_v<T, core::MrouterPortChanged>) {
                        log->info("bridge '{}' vid {} port '{}': {} mrouter port {} ({})", name_,
                                  v.vid.value, portLabel(e.port), to_string(e.family),
                                  e.on ? "on" : "off", core::to_string(e.origin));
                    } else if constexpr (std::is_same_v<T, core::FloodStarted>) {
                        log->info("bridge '{}' vid {}: topology-change flooding started", name_,
                                  e.vid.value);
                    } else if constexpr (std::is_same_v<T, core::FloodEnded>) {
                        log->info("bridge '{}' vid {}: topology-change flooding ended ({})", name_,
                                  e.vid.value, core::to_string(e.reason));
                    }
                },
                ev);
            if (observer_) observer_(v.vid, ev);
        }
        if (!any) return;
    }
}

MdbSnapshot BridgeAgent::desiredMdb(const core::KernelCaps& caps) const {
    MdbSnapshot out;
    for (const auto& [vid, v] : vlans_) {
        if (!v->settings.snooping) continue;
        out.merge(v->snooper->desiredMdb(caps));
    }
    return out;
}

BridgeAgent::MdbUpdate BridgeAgent::desiredMdbUpdate(const core::KernelCaps& caps, bool forceFull,
                                                     bool withEntries) {
    MdbUpdate out;
    // VLANs coming and going or changing settings (snooping on/off), or entries to be
    // expressed differently (caps), change whole VLANs at once: everything then.
    out.full = forceFull || updateBase_ != generationBase_ || updateCaps_ != caps;
    updateBase_ = generationBase_;
    updateCaps_ = caps;
    std::vector<std::pair<const Vlan*, core::Snooper::MdbChanges>> changes;
    for (const auto& [vid, v] : vlans_) {
        auto c = v->snooper->takeMdbChanges();
        out.full |= c.full && v->settings.snooping;
        changes.emplace_back(v.get(), std::move(c));
    }
    if (out.full) {
        out.entries = desiredMdb(caps);
        return out;
    }
    for (auto& [v, c] : changes) {
        if (!v->settings.snooping) continue;
        for (const auto& g : c.groups) {
            out.groups.emplace_back(v->vid, g);
            if (withEntries) v->snooper->appendMdbEntries(g, caps, out.entries);
        }
    }
    return out;
}

void BridgeAgent::appendMdbEntries(VlanId vid, const IpAddr& group, const core::KernelCaps& caps,
                                   MdbSnapshot& out) const {
    auto it = vlans_.find(vid);
    if (it == vlans_.end() || !it->second->settings.snooping) return;
    it->second->snooper->appendMdbEntries(group, caps, out);
}

uint64_t BridgeAgent::mdbGeneration() const {
    uint64_t g = generationBase_ << 32;
    for (const auto& [vid, v] : vlans_) g += v->snooper->mdbGeneration() + v->snooper->portsGeneration();
    return g;
}

std::vector<core::PortForwarding> BridgeAgent::desiredPorts() const {
    std::map<IfIndex, core::PortForwarding> merged;
    for (const auto& [vid, v] : vlans_) {
        if (!v->settings.snooping) continue;
        for (const auto& pf : v->snooper->desiredPorts()) {
            auto [it, fresh] = merged.try_emplace(pf.port, pf);
            if (!fresh) {
                it->second.mcastRouter |= pf.mcastRouter;
                it->second.floodUnregistered |= pf.floodUnregistered;
            }
        }
    }
    std::vector<core::PortForwarding> out;
    for (auto& [p, pf] : merged) out.push_back(pf);
    return out;
}

const core::Snooper* BridgeAgent::snooper(VlanId vid) const {
    auto it = vlans_.find(vid);
    return it == vlans_.end() ? nullptr : it->second->snooper.get();
}

const querier::Querier* BridgeAgent::querier(VlanId vid, Family f) const {
    auto it = vlans_.find(vid);
    if (it == vlans_.end()) return nullptr;
    return f == Family::V4 ? it->second->q4.get() : it->second->q6.get();
}

const VlanSettings* BridgeAgent::settings(VlanId vid) const {
    auto it = vlans_.find(vid);
    return it == vlans_.end() ? nullptr : &it->second->settings;
}

std::vector<VlanId> BridgeAgent::vlans() const {
    std::vector<VlanId> out;
    for (const auto& [vid, v] : vlans_) out.push_back(vid);
    return out;
}

}  // namespace mcs::daemon
