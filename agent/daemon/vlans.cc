#include "agent/daemon/vlans.h"

#include <algorithm>

#include "agent/daemon/logging.h"
#include "bridge/vlan_config.h"

namespace mcs::daemon {

namespace {

// The bridge device's own VLANs change without an event we see: re-read this often.
constexpr Duration kSelfReadInterval = seconds(10);

// VID of an 802.1Q tag still in the frame (packet sockets normally hand it over in
// PACKET_AUXDATA instead), or nullopt.
std::optional<VlanId> inFrameTag(std::span<const uint8_t> frame) {
    if (frame.size() < 18 || frame[12] != 0x81 || frame[13] != 0x00) return std::nullopt;
    return VlanId{static_cast<uint16_t>(((frame[14] << 8) | frame[15]) & 0x0fff)};
}

}  // namespace

std::optional<VlanId> BridgeVlans::frameVlan(std::span<const uint8_t> frame) { return inFrameTag(frame); }

BridgeVlans::BridgeVlans(std::string bridgeName, IfIndex bridge)
    : name_(std::move(bridgeName)), ifindex_(bridge) {}

void BridgeVlans::setBridgeOptions(const bridge::BridgeMcastOptions& o) {
    if (o.vlanFiltering != filtering_)
        logger("daemon")->info("bridge '{}': vlan_filtering {}: snooping {}", name_, o.vlanFiltering ? "on" : "off",
                               o.vlanFiltering ? "per VLAN" : "VLAN 0 only");
    if (kernelVlanSnooping_ && !o.vlanSnooping) {
        // Switched off behind our back (or with vlan_filtering): ask again once, and
        // set the per-VLAN state anew when it comes back.
        vlanSnoopingRequested_ = false;
        contextsSet_.clear();
        routersSet_.clear();
    }
    filtering_ = o.vlanFiltering;
    kernelVlanSnooping_ = o.vlanSnooping;
    dirty_ = true;
    ++filterGeneration_;
}

void BridgeVlans::setPort(IfIndex p, const std::string& name, const std::vector<bridge::PortVlan>& vlans) {
    PortVlans pv;
    pv.name = name;
    for (const auto& v : vlans) {
        pv.vids[v.vid] = v.untagged;
        if (v.pvid) pv.pvid = v.vid;
    }
    ports_[p] = std::move(pv);
    dirty_ = true;
    ++filterGeneration_;
}

void BridgeVlans::removePort(IfIndex p) {
    ports_.erase(p);
    std::erase_if(routersSet_, [&](const auto& kv) { return kv.first.first == p; });
    dirty_ = true;
    ++filterGeneration_;
}

const BridgeVlans::PortVlans* BridgeVlans::port(IfIndex p) const {
    auto it = ports_.find(p);
    return it == ports_.end() ? nullptr : &it->second;
}

std::vector<VlanId> BridgeVlans::snooped() const {
    if (!filtering_) return {VlanId{0}};
    std::set<VlanId> all;
    for (const auto& [p, pv] : ports_)
        for (const auto& [vid, untagged] : pv.vids) all.insert(vid);
    return {all.begin(), all.end()};
}

void BridgeVlans::updateAgent(BridgeAgent& agent, TimePoint now) {
    auto want = snooped();
    if (agentSet_ && want == agentVlans_) return;
    if (filtering_) {
        std::string list;
        for (auto v : want) list += (list.empty() ? "" : ",") + std::to_string(v.value);
        logger("daemon")->info("bridge '{}': snooping VLANs {}", name_, list.empty() ? "(none)" : list);
    }
    agent.setVlans(want, now);
    agentVlans_ = std::move(want);
    agentSet_ = true;
    dirty_ = true;
    std::erase_if(contextsSet_, [&](VlanId v) {
        return std::find(agentVlans_.begin(), agentVlans_.end(), v) == agentVlans_.end();
    });
}

BridgeVlans::Ingress BridgeVlans::ingress(IfIndex p, std::optional<VlanId> tag,
                                          std::span<const uint8_t> frame) const {
    if (!filtering_) return {true, tag};
    // BPDUs (01:80:c2:00:00:0x, IEEE 802.1Q 8.6.3) belong to no VLAN: the bridge's STP
    // takes them on any port, and so does our topology-change handling.
    static constexpr uint8_t kReserved[5] = {0x01, 0x80, 0xc2, 0x00, 0x00};
    if (frame.size() >= 6 && std::equal(kReserved, kReserved + 5, frame.begin()) && frame[5] <= 0x0f)
        return {true, std::nullopt};
    if (!tag || tag->value == 0) {
        if (auto t = inFrameTag(frame); t && t->value != 0) tag = t;
    }
    const PortVlans* pv = port(p);
    if (!pv) return {false, std::nullopt};
    // Untagged and priority-tagged frames belong to the port's PVID (802.1Q 6.9).
    VlanId vid = tag && tag->value != 0 ? *tag : pv->pvid.value_or(VlanId{0});
    if (vid.value == 0 || !pv->vids.count(vid)) return {false, std::nullopt};
    return {true, vid};
}

BridgeVlans::Egress BridgeVlans::egress(IfIndex p, std::span<const uint8_t> frame) const {
    if (!filtering_) return Egress::AsIs;
    auto tag = inFrameTag(frame);
    if (!tag) return Egress::AsIs;
    const PortVlans* pv = port(p);
    if (!pv) return Egress::Drop;
    auto it = pv->vids.find(*tag);
    if (it == pv->vids.end()) return Egress::Drop;
    return it->second ? Egress::Untag : Egress::AsIs;
}

std::vector<IfIndex> BridgeVlans::portsOf(VlanId vid) const {
    std::vector<IfIndex> out;
    for (const auto& [p, pv] : ports_)
        if (pv.vids.count(vid)) out.push_back(p);
    return out;
}

bool BridgeVlans::bridgeSendsIn(VlanId vid) const {
    if (!filtering_ || !bridgeSelf_) return true;
    return bridgeSelf_->count(vid) > 0;
}

void BridgeVlans::filterMdb(MdbSnapshot& desired) const {
    if (!filtering_) return;
    std::erase_if(desired, [&](const auto& kv) {
        const MdbKey& k = kv.first;
        if (k.port == ifindex_) return false;
        const PortVlans* pv = port(k.port);
        return !pv || !pv->vids.count(k.vid);
    });
}

void BridgeVlans::readBridgeSelf(bridge::NlSocket& cmd, TimePoint now) {
    nextSelfRead_ = now + kSelfReadInterval;
    auto r = bridge::readDeviceVlans(cmd, ifindex_);
    if (!r) {
        logger("netlink")->debug("bridge '{}': reading its own VLANs: {}", name_, r.error().str());
        return;
    }
    std::set<VlanId> self;
    for (const auto& v : *r) self.insert(v.vid);
    bridgeSelf_ = std::move(self);
    for (auto vid : agentVlans_) {
        if (bridgeSelf_->count(vid) || warnedNoSelf_.count(vid)) continue;
        warnedNoSelf_.insert(vid);
        logger("daemon")->warn(
            "bridge '{}' vid {}: the bridge device is not a member of the VLAN, so queries go out "
            "of each port instead and the kernel does not learn that a querier exists there: it "
            "floods the VLAN's multicast (`bridge vlan add dev {} vid {} self` fixes it)",
            name_, vid.value, name_, vid.value);
    }
}

bool BridgeVlans::sync(bridge::NlSocket& cmd, const BridgeAgent& agent, const bridge::KernelFeatures& f,
                       TimePoint now) {
    (void)f;
    if (!filtering_) return true;
    bool ok = true;
    auto log = logger("daemon");
    if (!kernelVlanSnooping_ && !vlanSnoopingRequested_) {
        // Without it the kernel keeps one multicast context for all VLANs: one set of
        // router ports, one querier state (kernel-bridge.md §3.7).
        vlanSnoopingRequested_ = true;
        if (auto st = bridge::setVlanSnooping(cmd, ifindex_, true); !st) {
            log->error("bridge '{}': cannot turn mcast_vlan_snooping on, router ports and querier "
                       "state stay bridge-wide: {}", name_, st.error().str());
        } else {
            log->info("bridge '{}': mcast_vlan_snooping turned on (per-VLAN multicast contexts)", name_);
            kernelVlanSnooping_ = true;  // the link monitor confirms it shortly
        }
    }
    if (now >= nextSelfRead_) readBridgeSelf(cmd, now);
    if (!kernelVlanSnooping_) return ok;

    // A VLAN's context starts at IGMPv2/MLDv1 whatever the bridge-level setting. In
    // that mode the kernel looks up (*,G) only and ignores our (S,G) entries
    // (kernel-bridge.md §1.1); v3/MLDv2 mode changes nothing else for us, since the
    // reports never reach the kernel's engine and its own querier stays off.
    for (auto vid : agentVlans_) {
        if (contextsSet_.count(vid)) continue;
        bridge::VlanGlobalOptions o;
        o.vid = vid;
        o.igmpVersion = 3;
        o.mldVersion = 2;
        if (auto st = bridge::setVlanGlobalOptions(cmd, ifindex_, o); !st) {
            ok = false;
            continue;
        }
        contextsSet_.insert(vid);
    }

    const uint64_t gen = agent.mdbGeneration();
    if (!dirty_ && gen == syncedGeneration_) return ok;
    // Router ports per port-VLAN: 2 where the VLAN's snooper wants a router port
    // (learned, static, or topology-change flooding), else 0 so the kernel does not
    // learn router ports of its own from queries it sees.
    std::set<std::pair<IfIndex, VlanId>> current;
    for (auto vid : agentVlans_) {
        const auto* sn = agent.snooper(vid);
        const auto* st = agent.settings(vid);
        if (!sn || (st && !st->snooping)) continue;
        for (const auto& pf : sn->desiredPorts()) {
            const PortVlans* pv = port(pf.port);
            if (!pv || !pv->vids.count(vid)) continue;
            auto key = std::make_pair(pf.port, vid);
            current.insert(key);
            auto it = routersSet_.find(key);
            if (it != routersSet_.end() && it->second == pf.mcastRouter) continue;
            auto mode = pf.mcastRouter ? bridge::RouterMode::Permanent : bridge::RouterMode::Disabled;
            if (auto r = bridge::setPortVlanRouter(cmd, pf.port, vid, mode); !r) {
                ok = false;
                continue;
            }
            routersSet_[key] = pf.mcastRouter;
        }
    }
    std::erase_if(routersSet_, [&](const auto& kv) { return !current.count(kv.first); });
    syncedGeneration_ = gen;
    dirty_ = !ok;
    return ok;
}

}  // namespace mcs::daemon
