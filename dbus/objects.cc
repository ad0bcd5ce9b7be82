#include "dbus/objects.h"

#include "agent/daemon/bridge_runtime.h"
#include "agent/daemon/daemon.h"
#include "agent/daemon/event_loop.h"
#include "agent/daemon/privileges.h"
#include "dbus/errors.h"
#include "version.h"

namespace mcs::dbus {

using daemon::Control;
using daemon::ControlErrorKind;

namespace {

daemon::SettingMap settingsFrom(const std::map<std::string, sdbus::Variant>& in) {
    daemon::SettingMap out;
    for (const auto& [key, v] : in) {
        if (v.containsValueOfType<bool>())
            out.emplace(key, v.get<bool>());
        else if (v.containsValueOfType<uint32_t>())
            out.emplace(key, v.get<uint32_t>());
        else if (v.containsValueOfType<std::string>())
            out.emplace(key, v.get<std::string>());
        else
            raise({ControlErrorKind::InvalidArgs, "querier setting " + key + " has the unsupported type '" +
                                                      v.peekValueType() + "' (use b, u or s)"});
    }
    return out;
}

using QuerierTuple = sdbus::Struct<std::string, std::string, std::string, bool, std::string>;

QuerierTuple querierTuple(const daemon::QuerierSummary& q) {
    return {q.state, q.inactiveReason, q.elected, q.electedIsSelf, q.version};
}

std::map<std::string, uint64_t> counterMap(const std::vector<std::pair<std::string, uint64_t>>& list) {
    return {list.begin(), list.end()};
}

}  // namespace

// ---------------------------------------------------------------- access

void requirePrivileged(const sdbus::IObject& obj) {
    const sdbus::Message* m = obj.getCurrentlyProcessedMessage();
    if (!m) raise({ControlErrorKind::AccessDenied, "no caller to check"});
    // A method call always has a member (the interface may be left out).
    const std::string method = m->getMemberName();
    uid_t uid = 0;
    try {
        // The sender's uid as the bus daemon knows it (GetConnectionCredentials), not
        // anything the message carries.
        uid = m->getCredsUid();
    } catch (const sdbus::Error& e) {
        raise({ControlErrorKind::AccessDenied, method + ": the caller's identity is unknown (" + e.getMessage() + ")"});
    }
    check(daemon::checkPrivilegedCaller(uid, method));
}

// ---------------------------------------------------------------- ScopeMethods

void ScopeMethods::setSnooping(bool on) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.setSnooping(scope_, on));
    });
}

void ScopeMethods::setImmediateLeave(bool on) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.setImmediateLeave(scope_, on));
    });
}

void ScopeMethods::setFilter(const std::vector<FilterRuleTuple>& rules) {
    guarded([&] {
        requirePrivileged(object_);
        std::vector<daemon::FilterRule> list;
        for (const auto& r : rules) list.push_back({std::get<0>(r), std::get<1>(r), std::get<2>(r), std::get<3>(r)});
        check(control_.setFilter(scope_, list));
    });
}

void ScopeMethods::setMaxGroups(uint32_t limit, const std::string& action) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.setMaxGroups(scope_, limit, action));
    });
}

void ScopeMethods::setQuerier(const std::map<std::string, sdbus::Variant>& settings) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.setQuerier(scope_, settingsFrom(settings)));
    });
}

void ScopeMethods::addStaticGroup(const std::string& group, const std::string& source, const std::string& port) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.addStaticGroup(scope_, group, source, port));
    });
}

void ScopeMethods::removeStaticGroup(const std::string& group, const std::string& source, const std::string& port) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.removeStaticGroup(scope_, group, source, port));
    });
}

void ScopeMethods::addMrouterPort(const std::string& port) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.addMrouterPort(scope_, port));
    });
}

void ScopeMethods::removeMrouterPort(const std::string& port) {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.removeMrouterPort(scope_, port));
    });
}

void ScopeMethods::flushGroups() {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.flushGroups(scope_));
    });
}

void ScopeMethods::resetOverrides() {
    guarded([&] {
        requirePrivileged(object_);
        check(control_.resetOverrides(scope_));
    });
}

// ---------------------------------------------------------------- ManagerObject

ManagerObject::ManagerObject(sdbus::IConnection& conn, Control& control)
    : AdaptorInterfaces(conn, "/org/mcsnoopd"), control_(control) {
    registerAdaptor();
}

ManagerObject::~ManagerObject() { unregisterAdaptor(); }

std::vector<sdbus::Struct<int32_t, std::string, sdbus::ObjectPath>> ManagerObject::ListBridges() {
    return guarded([&] {
        std::vector<sdbus::Struct<int32_t, std::string, sdbus::ObjectPath>> out;
        for (const auto& [ifi, br] : control_.daemon().bridges())
            out.emplace_back(ifi, br->name, sdbus::ObjectPath(daemon::bridgePath(br->name)));
        return out;
    });
}

sdbus::ObjectPath ManagerObject::GetBridgeByName(const std::string& name) {
    return guarded([&] {
        check(control_.checkScope(daemon::Scope{name, std::nullopt}));
        return sdbus::ObjectPath(daemon::bridgePath(name));
    });
}

sdbus::ObjectPath ManagerObject::GetVlan(const std::string& bridge, const uint16_t& vid) {
    return guarded([&] {
        check(control_.checkScope(daemon::Scope{bridge, mcs::VlanId{vid}}));
        return sdbus::ObjectPath(daemon::vlanPath(bridge, mcs::VlanId{vid}));
    });
}

std::string ManagerObject::Describe() {
    return guarded([&] { return daemon::describeDaemon(control_, daemon::EventLoop::now()).dump(); });
}

void ManagerObject::Reload(const bool& keep_overrides) {
    guarded([&] {
        requirePrivileged(getObject());
        check(control_.reload(keep_overrides));
    });
}

void ManagerObject::TopologyChanged(const std::string& bridge, const std::vector<uint16_t>& vlans) {
    guarded([&] {
        requirePrivileged(getObject());
        check(control_.topologyChanged(bridge, vlans));
    });
}

std::string ManagerObject::Version() { return MCS_VERSION; }

// ---------------------------------------------------------------- BridgeObject

BridgeObject::BridgeObject(sdbus::IConnection& conn, Control& control, std::string name, mcs::IfIndex ifindex)
    : AdaptorInterfaces(conn, daemon::bridgePath(name)),
      control_(control),
      name_(std::move(name)),
      ifindex_(ifindex),
      ops_(control, daemon::Scope{name_, std::nullopt}, getObject()) {
    last_ = current();
    registerAdaptor();
}

BridgeObject::~BridgeObject() { unregisterAdaptor(); }

daemon::BridgeRuntime& BridgeObject::runtime() const {
    daemon::BridgeRuntime* br = control_.bridge(name_);
    if (!br) raise({ControlErrorKind::NoSuchBridge, "bridge '" + name_ + "' is gone"});
    return *br;
}

daemon::BridgeProperties BridgeObject::current() const {
    const daemon::BridgeRuntime* br = control_.bridge(name_);
    return br ? daemon::bridgeProperties(control_, *br) : daemon::BridgeProperties{};
}

void BridgeObject::refresh() {
    auto now = current();
    std::vector<std::string> changed;
    if (now.vlans != last_.vlans) changed.emplace_back("Vlans");
    if (now.ports != last_.ports) changed.emplace_back("Ports");
    if (now.overrides != last_.overrides) changed.emplace_back("Overrides");
    last_ = std::move(now);
    if (!changed.empty()) emitPropertiesChangedSignal(org::mcsnoopd::Bridge1_adaptor::INTERFACE_NAME, changed);
}

std::string BridgeObject::Describe() {
    return guarded([&] {
        return daemon::document(daemon::describeBridge(control_, runtime(), daemon::EventLoop::now())).dump();
    });
}

std::vector<uint16_t> BridgeObject::Vlans() {
    return guarded([&] { return current().vlans; });
}

std::vector<sdbus::Struct<int32_t, std::string, bool, std::string>> BridgeObject::Ports() {
    return guarded([&] {
        std::vector<sdbus::Struct<int32_t, std::string, bool, std::string>> out;
        for (const auto& p : current().ports) out.emplace_back(p.ifindex, p.name, p.up, p.stp);
        return out;
    });
}

std::vector<std::string> BridgeObject::Overrides() {
    return guarded([&] { return current().overrides; });
}

std::map<std::string, uint64_t> BridgeObject::Counters() {
    return guarded([&] {
        const daemon::BridgeRuntime* br = control_.bridge(name_);
        return br ? counterMap(daemon::bridgeCounters(*br)) : std::map<std::string, uint64_t>{};
    });
}

// ---------------------------------------------------------------- VlanObject

VlanObject::VlanObject(sdbus::IConnection& conn, Control& control, std::string bridge, mcs::VlanId vid)
    : AdaptorInterfaces(conn, daemon::vlanPath(bridge, vid)),
      control_(control),
      bridge_(std::move(bridge)),
      vid_(vid),
      ops_(control, daemon::Scope{bridge_, vid}, getObject()) {
    last_ = current();
    registerAdaptor();
}

VlanObject::~VlanObject() { unregisterAdaptor(); }

const daemon::BridgeRuntime* VlanObject::runtime() const {
    const daemon::BridgeRuntime* br = control_.bridge(bridge_);
    return br && br->agent->snooper(vid_) ? br : nullptr;
}

daemon::VlanProperties VlanObject::current() const {
    const daemon::BridgeRuntime* br = runtime();
    return br ? daemon::vlanProperties(control_, *br, vid_) : daemon::VlanProperties{};
}

void VlanObject::refresh() {
    auto now = current();
    std::vector<std::string> changed;
    if (now.snooping != last_.snooping) changed.emplace_back("Snooping");
    if (now.immediateLeave != last_.immediateLeave) changed.emplace_back("ImmediateLeave");
    if (now.maxGroups != last_.maxGroups || now.maxGroupsAction != last_.maxGroupsAction)
        changed.emplace_back("MaxGroups");
    if (now.filter != last_.filter) changed.emplace_back("Filter");
    if (now.staticGroups != last_.staticGroups) changed.emplace_back("StaticGroups");
    if (now.staticMrouterPorts != last_.staticMrouterPorts) changed.emplace_back("StaticMrouterPorts");
    if (now.groupCount != last_.groupCount) changed.emplace_back("GroupCount");
    if (now.mrouterPorts != last_.mrouterPorts) changed.emplace_back("MrouterPorts");
    if (now.igmpQuerier != last_.igmpQuerier) changed.emplace_back("IgmpQuerier");
    if (now.mldQuerier != last_.mldQuerier) changed.emplace_back("MldQuerier");
    if (now.overrides != last_.overrides) changed.emplace_back("Overrides");
    last_ = std::move(now);
    if (!changed.empty()) emitPropertiesChangedSignal(org::mcsnoopd::Vlan1_adaptor::INTERFACE_NAME, changed);
}

std::string VlanObject::Describe() {
    return guarded([&] {
        const daemon::BridgeRuntime* br = runtime();
        if (!br) raise({ControlErrorKind::NoSuchVlan, "VLAN " + std::to_string(vid_.value) + " is gone"});
        return daemon::document(daemon::describeVlan(control_, *br, vid_, daemon::EventLoop::now())).dump();
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, uint64_t, std::string,
                          std::vector<sdbus::Struct<std::string, uint64_t, bool>>>>
VlanObject::GetGroups() {
    return guarded([&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::string, uint64_t, std::string,
                                  std::vector<sdbus::Struct<std::string, uint64_t, bool>>>>
            out;
        const daemon::BridgeRuntime* br = runtime();
        if (!br) return out;
        for (const auto& r : daemon::groupRows(*br, vid_, daemon::EventLoop::now())) {
            std::vector<sdbus::Struct<std::string, uint64_t, bool>> sources;
            for (const auto& s : r.sources) sources.emplace_back(s.address, s.timerMs, s.isStatic);
            out.emplace_back(r.group, r.port, r.origin, r.mode, r.timerMs, r.compat, std::move(sources));
        }
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string, uint64_t>> VlanObject::GetMrouterPorts() {
    return guarded([&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string, uint64_t>> out;
        if (const daemon::BridgeRuntime* br = runtime())
            for (const auto& r : daemon::mrouterRows(*br, vid_, daemon::EventLoop::now()))
                out.emplace_back(r.port, r.family, r.origin, r.timerMs);
        return out;
    });
}

std::map<std::string, sdbus::Variant> VlanObject::GetQuerier(const std::string& family) {
    return guarded([&] {
        Family f;
        if (family == "ipv4")
            f = Family::V4;
        else if (family == "ipv6")
            f = Family::V6;
        else
            raise({ControlErrorKind::InvalidArgs, "family '" + family + "' must be 'ipv4' or 'ipv6'"});
        const daemon::BridgeRuntime* br = runtime();
        auto d = br ? daemon::querierDetail(*br, vid_, f, daemon::EventLoop::now()) : std::nullopt;
        if (!d) raise({ControlErrorKind::NoSuchVlan, "VLAN " + std::to_string(vid_.value) + " is gone"});
        std::map<std::string, sdbus::Variant> m;
        m["State"] = d->summary.state;
        m["InactiveReason"] = d->summary.inactiveReason;
        m["ElectedAddress"] = d->summary.elected;
        m["ElectedIsSelf"] = d->summary.electedIsSelf;
        m["ElectedVersion"] = d->electedVersion;
        m["OperatingVersion"] = d->summary.version;
        m["ConfiguredVersion"] = d->configuredVersion;
        m["SourceAddress"] = d->sourceAddress;
        m["NextGeneralQueryMs"] = d->nextGeneralQueryMs;
        m["OtherQuerierPresentMs"] = d->otherQuerierPresentMs;
        m["StartupQueriesLeft"] = d->startupQueriesLeft;
        m["RobustnessVariable"] = d->robustness;
        m["QueryIntervalMs"] = d->queryIntervalMs;
        m["QueryResponseIntervalMs"] = d->queryResponseIntervalMs;
        m["LastMemberQueryIntervalMs"] = d->lastMemberQueryIntervalMs;
        m["LastMemberQueryCount"] = d->lastMemberQueryCount;
        m["Counters"] = counterMap(d->counters);
        return m;
    });
}

bool VlanObject::Snooping() {
    return guarded([&] { return current().snooping; });
}

bool VlanObject::ImmediateLeave() {
    return guarded([&] { return current().immediateLeave; });
}

sdbus::Struct<uint32_t, std::string> VlanObject::MaxGroups() {
    return guarded([&] {
        auto p = current();
        return sdbus::Struct<uint32_t, std::string>(p.maxGroups, p.maxGroupsAction);
    });
}

std::vector<FilterRuleTuple> VlanObject::Filter() {
    return guarded([&] {
        std::vector<FilterRuleTuple> out;
        for (const auto& r : current().filter) out.emplace_back(r.action, r.prefix, r.length, r.source);
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> VlanObject::StaticGroups() {
    return guarded([&] {
        std::vector<sdbus::Struct<std::string, std::string, std::string, std::string>> out;
        for (const auto& r : current().staticGroups) out.emplace_back(r.group, r.source, r.port, r.origin);
        return out;
    });
}

std::vector<sdbus::Struct<std::string, std::string>> VlanObject::StaticMrouterPorts() {
    return guarded([&] {
        std::vector<sdbus::Struct<std::string, std::string>> out;
        for (const auto& [port, origin] : current().staticMrouterPorts) out.emplace_back(port, origin);
        return out;
    });
}

uint32_t VlanObject::GroupCount() {
    return guarded([&] { return current().groupCount; });
}

std::vector<sdbus::Struct<std::string, std::string>> VlanObject::MrouterPorts() {
    return guarded([&] {
        std::vector<sdbus::Struct<std::string, std::string>> out;
        for (const auto& [port, family] : current().mrouterPorts) out.emplace_back(port, family);
        return out;
    });
}

QuerierTuple VlanObject::IgmpQuerier() {
    return guarded([&] { return querierTuple(current().igmpQuerier); });
}

QuerierTuple VlanObject::MldQuerier() {
    return guarded([&] { return querierTuple(current().mldQuerier); });
}

std::vector<std::string> VlanObject::Overrides() {
    return guarded([&] { return current().overrides; });
}

std::map<std::string, uint64_t> VlanObject::Counters() {
    return guarded([&] {
        const daemon::BridgeRuntime* br = runtime();
        return br ? counterMap(daemon::vlanCounters(*br, vid_)) : std::map<std::string, uint64_t>{};
    });
}

}  // namespace mcs::dbus
