#include "agent/daemon/control.h"

#include <algorithm>

#include "agent/daemon/bridge_runtime.h"
#include "agent/daemon/daemon.h"
#include "agent/daemon/logging.h"
#include "agent/daemon/options.h"
#include "querier/config.h"

#ifdef MCS_WITH_DBUS
#include "dbus/service.h"
#endif

namespace mcs::daemon {

namespace {

ControlError err(ControlErrorKind k, std::string msg) { return ControlError{k, std::move(msg)}; }

std::string describeScope(const Scope& s) {
    return "bridge '" + s.bridge + "'" + (s.vid ? " vid " + std::to_string(s.vid->value) : "");
}

std::string staticGroupText(const core::StaticGroup& g) {
    return (g.source ? "(" + g.source->str() + ", " + g.group.str() + ")" : g.group.str()) +
           " on port '" + g.port + "'";
}

// The overlay itself: `o`'s set fields replace the configured ones. A VLAN-wide
// setting also replaces the per-port settings of the configuration, so that the
// operator's runtime change is what runs everywhere in the scope.
void overlay(const Overrides& o, VlanSettings& s) {
    auto& c = s.snooper;
    if (o.snooping) s.snooping = *o.snooping;
    if (o.immediateLeave) {
        c.vlan.immediateLeave = *o.immediateLeave;
        for (auto& [name, p] : c.ports) p.immediateLeave.reset();
    }
    if (o.filter) {
        c.vlan.filter = *o.filter;
        for (auto& [name, p] : c.ports) p.filter.reset();
    }
    if (o.maxGroups) {
        c.vlan.maxGroupsPerPort = *o.maxGroups;
        for (auto& [name, p] : c.ports) p.maxGroups.reset();
    }
    if (!o.staticGroups.empty()) {
        for (const auto& g : o.staticGroups)
            if (std::find(c.staticGroups.begin(), c.staticGroups.end(), g) == c.staticGroups.end())
                c.staticGroups.push_back(g);
        std::sort(c.staticGroups.begin(), c.staticGroups.end());
    }
    for (const auto& port : o.mrouterPorts) c.ports[port].mrouter = core::MrouterMode::Static;

    const auto& q = o.querier;
    for (auto* qc : {&s.querier4, &s.querier6}) {
        if (q.enabled) qc->enabled = *q.enabled;
        if (q.queryInterval) qc->queryInterval = *q.queryInterval;
        if (q.queryResponseInterval) qc->queryResponseInterval = *q.queryResponseInterval;
        if (q.lastMemberQueryInterval) qc->lastMemberQueryInterval = *q.lastMemberQueryInterval;
        if (q.robustness) qc->robustness = *q.robustness;
    }
    if (q.address4) s.querier4.address = *q.address4;
    if (q.address6) s.querier6.address = *q.address6;
    if (q.igmpVersion) s.querier4.version = *q.igmpVersion;
    if (q.mldVersion) s.querier6.version = *q.mldVersion;
    // The snooping core's protocol timers follow the querier's, as in config_map.cc.
    for (auto* t : {&c.igmp, &c.mld}) {
        if (q.robustness) t->robustness = static_cast<uint8_t>(std::min<uint32_t>(*q.robustness, 255));
        if (q.queryInterval) t->queryInterval = *q.queryInterval;
        if (q.queryResponseInterval) t->queryResponseInterval = *q.queryResponseInterval;
        if (q.lastMemberQueryInterval) t->lastMemberQueryInterval = *q.lastMemberQueryInterval;
    }
}

const core::Snooper* anySnooper(const BridgeRuntime& br, const Scope& s) {
    if (s.vid) return br.agent->snooper(*s.vid);
    auto vids = br.agent->vlans();
    return vids.empty() ? nullptr : br.agent->snooper(vids.front());
}

}  // namespace

// ---------------------------------------------------------------- overrides

bool Overrides::empty() const { return names().empty(); }

std::vector<std::string> Overrides::names() const {
    std::vector<std::string> n;
    if (snooping) n.emplace_back("snooping");
    if (immediateLeave) n.emplace_back("immediate-leave");
    if (filter) n.emplace_back("filter");
    if (maxGroups) n.emplace_back("max-groups");
    if (!querier.empty()) n.emplace_back("querier");
    if (!staticGroups.empty()) n.emplace_back("static-groups");
    if (!mrouterPorts.empty()) n.emplace_back("mrouter-ports");
    return n;
}

// ---------------------------------------------------------------- Control

Control::Control(Daemon& daemon, EventLoop& loop) : daemon_(daemon), loop_(loop) {}

Control::~Control() = default;

void Control::startFrontends(const Options& opts) {
#ifdef MCS_WITH_DBUS
    if (opts.dbus) {
        if (auto svc = dbus::startService(*this, loop_, opts.busAddress)) frontends_.push_back(std::move(svc));
    } else {
        logger("dbus")->info("D-Bus API disabled (--no-dbus)");
    }
#else
    if (opts.dbus) logger("daemon")->info("built without the D-Bus API (MCS_DBUS=OFF)");
#endif
}

void Control::adjust(const std::string& bridge, VlanId vid, VlanSettings& s) const {
    auto it = overrides_.find(bridge);
    if (it == overrides_.end()) return;
    overlay(it->second.all, s);
    if (auto v = it->second.vlans.find(vid); v != it->second.vlans.end()) overlay(v->second, s);
}

void Control::configReloaded() {
    reloadSeen_ = true;
    ++epoch_;
    if (keepOverrides_ || overrides_.empty()) return;
    logger("config")->info("reload: runtime overrides dropped");
    overrides_.clear();
    auto now = EventLoop::now();
    for (const auto& [ifi, br] : daemon_.bridges()) br->agent->reloadSettings(now);
}

void Control::afterRound() {
    for (auto& f : frontends_) f->afterRound();
}

void Control::attach(BridgeRuntime& br) {
    br.agent->setEventObserver([this, ifi = br.ifindex](VlanId vid, const AgentEvent& ev) {
        for (auto& f : frontends_) f->onAgentEvent(ifi, vid, ev);
    });
}

BridgeRuntime* Control::bridge(std::string_view name) const {
    for (const auto& [ifi, br] : daemon_.bridges())
        if (br->name == name) return br.get();
    return nullptr;
}

Status Control::checkScope(const Scope& s) const {
    const BridgeRuntime* br = bridge(s.bridge);
    if (!br) return err(ControlErrorKind::NoSuchBridge, "bridge '" + s.bridge + "' is not snooped by mcsnoopd");
    if (s.vid && !br->agent->snooper(*s.vid))
        return err(ControlErrorKind::NoSuchVlan,
                   "bridge '" + s.bridge + "' has no VLAN " + std::to_string(s.vid->value));
    return std::nullopt;
}

const Overrides* Control::overrides(const Scope& s) const {
    auto it = overrides_.find(s.bridge);
    if (it == overrides_.end()) return nullptr;
    if (!s.vid) return &it->second.all;
    auto v = it->second.vlans.find(*s.vid);
    return v == it->second.vlans.end() ? nullptr : &v->second;
}

Overrides& Control::mutableOverrides(const Scope& s) {
    auto& b = overrides_[s.bridge];
    return s.vid ? b.vlans[*s.vid] : b.all;
}

void Control::applied(const Scope& s) {
    ++epoch_;
    // Empty override records are dropped so that Overrides properties stay exact.
    if (auto it = overrides_.find(s.bridge); it != overrides_.end()) {
        for (auto v = it->second.vlans.begin(); v != it->second.vlans.end();)
            v = v->second.empty() ? it->second.vlans.erase(v) : std::next(v);
        if (it->second.all.empty() && it->second.vlans.empty()) overrides_.erase(it);
    }
    if (BridgeRuntime* br = bridge(s.bridge)) br->agent->reloadSettings(EventLoop::now());
}

Status Control::portExists(const BridgeRuntime& br, const Scope& s, std::string_view port) const {
    const core::Snooper* sn = anySnooper(br, s);
    if (sn)
        for (const auto& p : sn->ports())
            if (p.name == port) return std::nullopt;
    return err(ControlErrorKind::NoSuchPort,
               "'" + std::string(port) + "' is not a port of bridge '" + s.bridge + "'");
}

size_t Control::runtimeStaticGroups(const std::string& bridge) const {
    auto it = overrides_.find(bridge);
    if (it == overrides_.end()) return 0;
    size_t n = it->second.all.staticGroups.size();
    for (const auto& [vid, o] : it->second.vlans) n += o.staticGroups.size();
    return n;
}

size_t Control::runtimeMrouterPorts(const std::string& bridge) const {
    auto it = overrides_.find(bridge);
    if (it == overrides_.end()) return 0;
    size_t n = it->second.all.mrouterPorts.size();
    for (const auto& [vid, o] : it->second.vlans) n += o.mrouterPorts.size();
    return n;
}

Status Control::setSnooping(const Scope& s, bool on) {
    if (auto e = checkScope(s)) return e;
    mutableOverrides(s).snooping = on;
    logger("daemon")->info("{}: snooping {} (runtime override)", describeScope(s), on ? "on" : "off");
    applied(s);
    return std::nullopt;
}

Status Control::setImmediateLeave(const Scope& s, bool on) {
    if (auto e = checkScope(s)) return e;
    mutableOverrides(s).immediateLeave = on;
    logger("daemon")->info("{}: immediate leave {} (runtime override)", describeScope(s), on ? "on" : "off");
    applied(s);
    return std::nullopt;
}

Status Control::setFilter(const Scope& s, const std::vector<FilterRule>& rules) {
    if (auto e = checkScope(s)) return e;
    if (rules.size() > kMaxFilterRules)
        return err(ControlErrorKind::LimitReached,
                   std::to_string(rules.size()) + " filter rules, at most " + std::to_string(kMaxFilterRules));
    core::GroupFilter f;
    for (const auto& r : rules) {
        bool allow = false;
        auto range = parseFilterRule(r, allow);
        if (!range) return range.error();
        (allow ? f.allow : f.deny).push_back(*range);
    }
    mutableOverrides(s).filter = f;
    logger("daemon")->info("{}: filter set, {} rules (runtime override)", describeScope(s), rules.size());
    applied(s);
    return std::nullopt;
}

Status Control::setMaxGroups(const Scope& s, uint32_t limit, std::string_view action) {
    if (auto e = checkScope(s)) return e;
    auto a = core::maxGroupsActionFromString(action);
    if (!a)
        return err(ControlErrorKind::InvalidArgs,
                   "max-groups action '" + std::string(action) + "' must be 'deny' or 'replace'");
    mutableOverrides(s).maxGroups = core::MaxGroups{limit, *a};
    logger("daemon")->info("{}: max-groups {} {} (runtime override)", describeScope(s), limit, action);
    applied(s);
    return std::nullopt;
}

Status Control::setQuerier(const Scope& s, const SettingMap& settings) {
    if (auto e = checkScope(s)) return e;
    auto parsed = parseQuerierSettings(settings);
    if (!parsed) return parsed.error();
    // Validate the result in every VLAN of the scope before anything changes: the
    // running settings with the new values laid over them (a VLAN's own overrides
    // still win over the bridge's).
    BridgeRuntime* br = bridge(s.bridge);
    Overrides candidate;
    candidate.querier = *parsed;
    for (auto vid : br->agent->vlans()) {
        if (s.vid && *s.vid != vid) continue;
        VlanSettings vs = *br->agent->settings(vid);
        overlay(candidate, vs);
        if (!s.vid)
            if (const Overrides* own = overrides(Scope{s.bridge, vid})) overlay(*own, vs);
        for (auto [f, qc] : {std::pair{Family::V4, &vs.querier4}, std::pair{Family::V6, &vs.querier6}})
            if (auto e = querier::validate(*qc, f))
                return err(ControlErrorKind::InvalidArgs,
                           "vid " + std::to_string(vid.value) + " " + std::string(to_string(f)) +
                               " querier: " + std::string(querier::to_string(*e)));
    }
    mutableOverrides(s).querier.mergeFrom(*parsed);
    logger("daemon")->info("{}: querier settings changed (runtime override)", describeScope(s));
    applied(s);
    return std::nullopt;
}

Status Control::addStaticGroup(const Scope& s, std::string_view group, std::string_view source,
                               std::string_view port) {
    if (auto e = checkScope(s)) return e;
    auto sg = parseStaticGroup(group, source, port);
    if (!sg) return sg.error();
    if (auto e = portExists(*bridge(s.bridge), s, port)) return e;
    auto& o = mutableOverrides(s);
    if (o.staticGroups.count(*sg)) return std::nullopt;
    if (runtimeStaticGroups(s.bridge) >= kMaxRuntimeStaticGroups)
        return err(ControlErrorKind::LimitReached, "bridge '" + s.bridge + "' has " +
                                                       std::to_string(kMaxRuntimeStaticGroups) +
                                                       " runtime static groups already");
    o.staticGroups.insert(*sg);
    logger("daemon")->info("{}: static group {} added (runtime override)", describeScope(s), staticGroupText(*sg));
    applied(s);
    return std::nullopt;
}

Status Control::removeStaticGroup(const Scope& s, std::string_view group, std::string_view source,
                                  std::string_view port) {
    if (auto e = checkScope(s)) return e;
    auto sg = parseStaticGroup(group, source, port);
    if (!sg) return sg.error();
    auto& o = mutableOverrides(s);
    if (o.staticGroups.erase(*sg)) {
        logger("daemon")->info("{}: static group {} removed", describeScope(s), staticGroupText(*sg));
        applied(s);
        return std::nullopt;
    }
    auto bo = overrides_.find(s.bridge);
    if (s.vid && bo->second.all.staticGroups.count(*sg))
        return err(ControlErrorKind::NotPermitted,
                   staticGroupText(*sg) + " was added for the whole bridge: remove it there");
    if (!s.vid)
        for (const auto& [vid, vo] : bo->second.vlans)
            if (vo.staticGroups.count(*sg))
                return err(ControlErrorKind::NotPermitted, staticGroupText(*sg) + " was added for VLAN " +
                                                               std::to_string(vid.value) + ": remove it there");
    applied(s);  // drops the empty record mutableOverrides() may have made
    const BridgeRuntime* br = bridge(s.bridge);
    for (auto vid : br->agent->vlans()) {
        if (s.vid && *s.vid != vid) continue;
        const auto& cfg = br->agent->snooper(vid)->config().staticGroups;
        if (std::find(cfg.begin(), cfg.end(), *sg) != cfg.end())
            return err(ControlErrorKind::NotPermitted,
                       staticGroupText(*sg) + " comes from the configuration file: change it there and Reload");
    }
    return err(ControlErrorKind::NoSuchEntry, "no static group " + staticGroupText(*sg) + " in " + describeScope(s));
}

Status Control::addMrouterPort(const Scope& s, std::string_view port) {
    if (auto e = checkScope(s)) return e;
    if (auto e = portExists(*bridge(s.bridge), s, port)) return e;
    auto& o = mutableOverrides(s);
    if (o.mrouterPorts.count(std::string(port))) return std::nullopt;
    if (runtimeMrouterPorts(s.bridge) >= kMaxRuntimeMrouterPorts)
        return err(ControlErrorKind::LimitReached, "bridge '" + s.bridge + "' has " +
                                                       std::to_string(kMaxRuntimeMrouterPorts) +
                                                       " runtime mrouter ports already");
    o.mrouterPorts.insert(std::string(port));
    logger("daemon")->info("{}: port '{}' is a static mrouter port (runtime override)", describeScope(s), port);
    applied(s);
    return std::nullopt;
}

Status Control::removeMrouterPort(const Scope& s, std::string_view port) {
    if (auto e = checkScope(s)) return e;
    const std::string name(port);
    auto& o = mutableOverrides(s);
    if (o.mrouterPorts.erase(name)) {
        logger("daemon")->info("{}: port '{}' no longer a static mrouter port", describeScope(s), port);
        applied(s);
        return std::nullopt;
    }
    auto bo = overrides_.find(s.bridge);
    if (s.vid && bo->second.all.mrouterPorts.count(name))
        return err(ControlErrorKind::NotPermitted,
                   "mrouter port '" + name + "' was added for the whole bridge: remove it there");
    if (!s.vid)
        for (const auto& [vid, vo] : bo->second.vlans)
            if (vo.mrouterPorts.count(name))
                return err(ControlErrorKind::NotPermitted, "mrouter port '" + name + "' was added for VLAN " +
                                                               std::to_string(vid.value) + ": remove it there");
    applied(s);
    const BridgeRuntime* br = bridge(s.bridge);
    for (auto vid : br->agent->vlans()) {
        if (s.vid && *s.vid != vid) continue;
        const auto& ports = br->agent->snooper(vid)->config().ports;
        if (auto p = ports.find(name); p != ports.end() && p->second.mrouter == core::MrouterMode::Static)
            return err(ControlErrorKind::NotPermitted,
                       "mrouter port '" + name + "' comes from the configuration file: change it there and Reload");
    }
    return err(ControlErrorKind::NoSuchEntry, "port '" + name + "' is no runtime mrouter port of " + describeScope(s));
}

Status Control::flushGroups(const Scope& s) {
    if (auto e = checkScope(s)) return e;
    bridge(s.bridge)->agent->flushGroups(s.vid, EventLoop::now());
    return std::nullopt;
}

Status Control::resetOverrides(const Scope& s) {
    if (auto e = checkScope(s)) return e;
    auto it = overrides_.find(s.bridge);
    if (it != overrides_.end()) {
        if (s.vid)
            it->second.vlans.erase(*s.vid);
        else
            it->second.all = Overrides{};
        logger("daemon")->info("{}: runtime overrides dropped", describeScope(s));
    }
    applied(s);
    return std::nullopt;
}

Status Control::topologyChanged(std::string_view bridgeName, const std::vector<uint16_t>& vids) {
    Scope s{std::string(bridgeName), std::nullopt};
    if (auto e = checkScope(s)) return e;
    std::vector<VlanId> list;
    for (auto v : vids) {
        Scope vs{s.bridge, VlanId{v}};
        if (auto e = checkScope(vs)) return e;
        list.push_back(VlanId{v});
    }
    BridgeRuntime* br = bridge(s.bridge);
    auto now = EventLoop::now();
    if (list.empty())
        br->agent->onTopologyChange(now);
    else
        br->agent->onTopologyChange(list, now);
    return std::nullopt;
}

Status Control::reload(bool keepOverrides) {
    keepOverrides_ = keepOverrides;
    reloadSeen_ = false;
    auto problems = daemon_.reload();
    keepOverrides_ = false;
    if (!problems.empty()) {
        std::string msg = "the configuration file has errors; nothing changed:";
        for (const auto& p : problems) msg += "\n" + p;
        return err(ControlErrorKind::ReloadFailed, msg);
    }
    // Without a configuration file the daemon loads nothing: the overrides still go.
    if (!reloadSeen_ && !keepOverrides && !overrides_.empty()) configReloaded();
    return std::nullopt;
}

}  // namespace mcs::daemon
