#include "dbus/service.h"

#include <sys/epoll.h>

#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "agent/daemon/bridge_runtime.h"
#include "agent/daemon/daemon.h"
#include "agent/daemon/event_loop.h"
#include "agent/daemon/logging.h"
#include "dbus/objects.h"

namespace mcs::dbus {

namespace {

using daemon::AgentEvent;

// Requests handled per round: a flood of calls must not starve the packet sockets
// (the rest waits for the next round; sd-bus then reports a zero timeout).
constexpr int kRequestsPerRound = 64;
// Agent events kept between two rounds; beyond that signals are dropped (counted, and
// the properties still tell the final state).
constexpr size_t kMaxPendingEvents = 4096;

uint32_t epollEvents(short pollEvents) {
    uint32_t e = 0;
    if (pollEvents & POLLIN) e |= EPOLLIN;
    if (pollEvents & POLLOUT) e |= EPOLLOUT;
    return e;
}

struct PendingSignal {
    int bridge;
    mcs::VlanId vid;
    AgentEvent event;
    std::string port;   // resolved when queued: a removed port has no name later
};

class Service final : public daemon::Frontend {
public:
    Service(daemon::Control& control, daemon::EventLoop& loop, std::unique_ptr<sdbus::IConnection> conn)
        : control_(control), loop_(loop), conn_(std::move(conn)) {
        manager_ = std::make_unique<ManagerObject>(*conn_, control_);
        // Objects first, name last: once the name is visible, calls can be answered.
        conn_->requestName(kBusName);
        auto pd = conn_->getEventLoopPollData();
        fd_ = pd.fd;
        events_ = pd.events;
        loop_.addFd(fd_, epollEvents(events_), [this](uint32_t) { process(); });
        loop_.setExtraTimeoutProvider([this] { return pollTimeout(); });
    }

    ~Service() override {
        stop();
        loop_.setExtraTimeoutProvider(nullptr);
    }

    void afterRound() override {
        if (!conn_) return;
        process();
        if (!conn_) return;
        try {
            addObjects();
            emitSignals();
            refreshProperties();
            removeObjects();
        } catch (const std::exception& e) {
            lost(e.what());
        }
    }

    void onAgentEvent(IfIndex bridge, mcs::VlanId vid, const AgentEvent& ev) override {
        if (!conn_) return;
        if (pending_.size() >= kMaxPendingEvents) {
            ++dropped_;
            return;
        }
        pending_.push_back(PendingSignal{bridge.value, vid, ev, portOf(bridge, vid, ev)});
    }

private:
    struct VlanEntry {
        std::unique_ptr<VlanObject> obj;
        bool dirty = false;
    };
    struct BridgeEntry {
        std::string name;
        std::unique_ptr<BridgeObject> obj;
        std::map<mcs::VlanId, VlanEntry> vlans;
        std::map<int, std::string> portNames;   // last known, for events of removed ports
    };

    void process() {
        if (!conn_) return;
        try {
            for (int i = 0; i < kRequestsPerRound; ++i)
                if (!conn_->processPendingRequest()) break;
        } catch (const std::exception& e) {
            lost(e.what());
        }
    }

    int pollTimeout() {
        if (!conn_) return -1;
        try {
            auto pd = conn_->getEventLoopPollData();
            if (pd.events != events_) {
                events_ = pd.events;
                loop_.modifyFd(fd_, epollEvents(events_));
            }
            return pd.getPollTimeout();
        } catch (const std::exception& e) {
            lost(e.what());
            return -1;
        }
    }

    // The bus went away (dbus-daemon restarted or died). We do not reconnect: the
    // daemon keeps snooping, and a restart brings the API back.
    void lost(const std::string& why) {
        daemon::logger("dbus")->error("D-Bus connection lost ({}): the D-Bus API is off until mcsnoopd restarts",
                                      why);
        stop();
    }

    void stop() {
        if (!conn_) return;
        // The timeout provider stays (it may be what is running now) and answers -1.
        loop_.removeFd(fd_);
        pending_.clear();
        bridges_.clear();
        manager_.reset();
        conn_.reset();
    }

    std::string portOf(IfIndex bridge, mcs::VlanId vid, const AgentEvent& ev) const {
        IfIndex port{};
        if (const auto* ce = std::get_if<core::Event>(&ev)) {
            if (const auto* j = std::get_if<core::GroupJoined>(ce)) port = j->port;
            if (const auto* l = std::get_if<core::GroupLeft>(ce)) port = l->port;
            if (const auto* m = std::get_if<core::MrouterPortChanged>(ce)) port = m->port;
        }
        if (!port.valid()) return {};
        const auto& all = control_.daemon().bridges();
        if (auto it = all.find(bridge.value); it != all.end())
            if (const core::Snooper* sn = it->second->agent->snooper(vid)) {
                auto name = sn->portName(port);
                if (!name.empty()) return std::string(name);
            }
        if (auto b = bridges_.find(bridge.value); b != bridges_.end())
            if (auto p = b->second.portNames.find(port.value); p != b->second.portNames.end()) return p->second;
        return "#" + std::to_string(port.value);
    }

    void addObjects() {
        for (const auto& [ifi, br] : control_.daemon().bridges()) {
            auto& e = bridges_[ifi];
            if (!e.obj) {
                e.name = br->name;
                e.obj = std::make_unique<BridgeObject>(*conn_, control_, br->name, br->ifindex);
                e.obj->emitInterfacesAddedSignal();
            }
            for (auto vid : br->agent->vlans()) {
                auto& v = e.vlans[vid];
                if (v.obj) continue;
                v.obj = std::make_unique<VlanObject>(*conn_, control_, br->name, vid);
                v.obj->emitInterfacesAddedSignal();
            }
        }
    }

    VlanObject* vlanObject(int bridge, mcs::VlanId vid) {
        auto b = bridges_.find(bridge);
        if (b == bridges_.end()) return nullptr;
        auto v = b->second.vlans.find(vid);
        if (v == b->second.vlans.end()) return nullptr;
        v->second.dirty = true;
        return v->second.obj.get();
    }

    void emitSignals() {
        if (dropped_) {
            daemon::logger("dbus")->warn("{} events came faster than one round can signal: their signals were dropped",
                                         dropped_);
            dropped_ = 0;
        }
        // Querier events collapse into one QuerierChanged per (bridge, VLAN, family)
        // carrying the state at the end of the round.
        std::set<std::tuple<int, uint16_t, Family>> queriers;
        for (const auto& p : pending_) {
            VlanObject* obj = vlanObject(p.bridge, p.vid);
            if (!obj) continue;
            const std::string& br = bridges_[p.bridge].name;
            if (const auto* qe = std::get_if<daemon::QuerierEvent>(&p.event)) {
                if (!std::holds_alternative<querier::VersionMismatch>(qe->event))
                    queriers.emplace(p.bridge, p.vid.value, qe->family);
                continue;
            }
            std::visit(
                [&](const auto& e) {
                    using T = std::decay_t<decltype(e)>;
                    if constexpr (std::is_same_v<T, core::GroupJoined>)
                        obj->emitGroupJoined(br, p.vid.value, e.group.str(), p.port,
                                             std::string(core::to_string(e.origin)));
                    else if constexpr (std::is_same_v<T, core::GroupLeft>)
                        obj->emitGroupLeft(br, p.vid.value, e.group.str(), p.port,
                                           std::string(core::to_string(e.reason)));
                    else if constexpr (std::is_same_v<T, core::MrouterPortChanged>)
                        obj->emitMrouterPortChanged(br, p.vid.value, p.port, std::string(to_string(e.family)), e.on,
                                                    std::string(core::to_string(e.origin)));
                },
                std::get<core::Event>(p.event));
        }
        pending_.clear();
        for (const auto& [bi, vid, family] : queriers) {
            VlanObject* obj = vlanObject(bi, mcs::VlanId{vid});
            const auto& all = control_.daemon().bridges();
            auto it = all.find(bi);
            if (!obj || it == all.end()) continue;
            auto d = daemon::querierDetail(*it->second, mcs::VlanId{vid}, family, daemon::EventLoop::now());
            if (!d) continue;
            obj->emitQuerierChanged(it->second->name, vid, std::string(to_string(family)), d->summary.state,
                                    d->summary.elected, d->summary.electedIsSelf, d->summary.version);
        }
    }

    void refreshProperties() {
        const bool all = control_.epoch() != epoch_;
        epoch_ = control_.epoch();
        for (auto& [ifi, e] : bridges_) {
            e.obj->refresh();
            e.portNames.clear();
            for (const auto& p : e.obj->last().ports) e.portNames[p.ifindex] = p.name;
            for (auto& [vid, v] : e.vlans) {
                if (!v.dirty && !all) continue;
                v.dirty = false;
                v.obj->refresh();
            }
        }
    }

    void removeObjects() {
        const auto& live = control_.daemon().bridges();
        for (auto b = bridges_.begin(); b != bridges_.end();) {
            auto it = live.find(b->first);
            const daemon::BridgeRuntime* br = it == live.end() ? nullptr : it->second.get();
            for (auto v = b->second.vlans.begin(); v != b->second.vlans.end();) {
                if (br && br->agent->snooper(v->first)) {
                    ++v;
                    continue;
                }
                v->second.obj->emitInterfacesRemovedSignal();
                v = b->second.vlans.erase(v);
            }
            if (br && br->name == b->second.name) {
                ++b;
                continue;
            }
            for (auto& [vid, v] : b->second.vlans) v.obj->emitInterfacesRemovedSignal();
            b->second.vlans.clear();
            b->second.obj->emitInterfacesRemovedSignal();
            b = bridges_.erase(b);
        }
    }

    daemon::Control& control_;
    daemon::EventLoop& loop_;
    std::unique_ptr<sdbus::IConnection> conn_;
    std::unique_ptr<ManagerObject> manager_;
    std::map<int, BridgeEntry> bridges_;
    std::vector<PendingSignal> pending_;
    size_t dropped_ = 0;
    uint64_t epoch_ = ~0ull;
    int fd_ = -1;
    short events_ = 0;
};

}  // namespace

std::unique_ptr<daemon::Frontend> startService(daemon::Control& control, daemon::EventLoop& loop,
                                               const std::optional<std::string>& busAddress) {
    auto log = daemon::logger("dbus");
    std::string where = busAddress ? "bus " + *busAddress : "the system bus";
    try {
        auto conn = busAddress ? sdbus::createSessionBusConnectionWithAddress(*busAddress)
                               : sdbus::createSystemBusConnection();
        auto svc = std::make_unique<Service>(control, loop, std::move(conn));
        log->info("D-Bus API on {} as {}", where, kBusName);
        return svc;
    } catch (const std::exception& e) {
        log->warn("D-Bus API not available on {} ({}): running without it", where, e.what());
        return nullptr;
    }
}

}  // namespace mcs::dbus
