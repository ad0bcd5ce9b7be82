// The daemon's control API, used by the D-Bus adaptor (dbus/): runtime overrides of
// the configured settings, static groups and mrouter ports, flush, topology change
// and reload, with the validation and the named errors. The adaptor only converts
// D-Bus values; every rule lives here, so it is testable without a bus.
//
// Overrides are an overlay on the configuration, kept by bridge name: a bridge scope
// (every VLAN, also later ones) and VLAN scopes, the VLAN winning. They end with
// Reload/SIGHUP (unless kept), with ResetOverrides and with the process: the
// configuration file stays the only persistent source (docs/dbus.md, "Persistence").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/base/enum_table.h"
#include "agent/base/result.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/config.h"
#include "agent/daemon/bridge_agent.h"
#include "agent/daemon/control_args.h"
#include "agent/wire/message.h"

namespace mcs::daemon {

class Daemon;
class EventLoop;
struct BridgeRuntime;
struct Options;

struct Overrides {
    std::optional<bool> snooping;
    std::optional<bool> immediateLeave;
    std::optional<core::GroupFilter> filter;
    std::optional<core::MaxGroups> maxGroups;
    QuerierOverrides querier;
    std::set<core::StaticGroup> staticGroups;   // added at runtime
    std::set<std::string> mrouterPorts;         // made static mrouter ports at runtime
    bool empty() const;
    // Names of what is overridden ("snooping", "immediate-leave", "filter",
    // "max-groups", "querier", "static-groups", "mrouter-ports").
    std::vector<std::string> names() const;
};

// Something presenting the control API (the D-Bus service).
class Frontend {
public:
    virtual ~Frontend() = default;
    // Once per event-loop round, before the kernel sync.
    virtual void afterRound() = 0;
    virtual void onAgentEvent(IfIndex bridge, VlanId vid, const AgentEvent& ev) = 0;
};

class Control {
public:
    Control(Daemon& daemon, EventLoop& loop);
    ~Control();
    Control(const Control&) = delete;
    Control& operator=(const Control&) = delete;

    // Starts the D-Bus service when built with it and opts.dbus; failures are logged
    // once and the daemon goes on without it.
    void startFrontends(const Options& opts);

    // ---- hooks called by the Daemon ----
    // Lays the overrides of (bridge, vid) over the configured settings.
    void adjust(const std::string& bridge, VlanId vid, VlanSettings& s) const;
    // The configuration file was (re)loaded: overrides go unless a Reload asked to keep them.
    void configReloaded();
    void afterRound();
    // A new bridge runtime, before it starts: its events go to the frontends.
    void attach(BridgeRuntime& br);

    // ---- operations ----
    Status setSnooping(const Scope& s, bool on);
    Status setImmediateLeave(const Scope& s, bool on);
    Status setFilter(const Scope& s, const std::vector<FilterRule>& rules);
    Status setMaxGroups(const Scope& s, uint32_t limit, std::string_view action);
    Status setQuerier(const Scope& s, const SettingMap& settings);
    Status addStaticGroup(const Scope& s, std::string_view group, std::string_view source,
                          std::string_view port);
    Status removeStaticGroup(const Scope& s, std::string_view group, std::string_view source,
                             std::string_view port);
    Status addMrouterPort(const Scope& s, std::string_view port);
    Status removeMrouterPort(const Scope& s, std::string_view port);
    Status flushGroups(const Scope& s);
    Status resetOverrides(const Scope& s);
    Status topologyChanged(std::string_view bridge, const std::vector<uint16_t>& vids);
    Status reload(bool keepOverrides);

    // ---- reads ----
    // nullptr: no bridge/VLAN of that name or id is snooped.
    BridgeRuntime* bridge(std::string_view name) const;
    Status checkScope(const Scope& s) const;
    const Overrides* overrides(const Scope& s) const;
    // Bumps whenever overrides or the configuration change (property refresh).
    uint64_t epoch() const { return epoch_; }
    const Daemon& daemon() const { return daemon_; }
    static std::string filterRuleAction(bool allow) { return allow ? "allow" : "deny"; }

private:
    struct BridgeOverrides {
        Overrides all;
        std::map<VlanId, Overrides> vlans;
    };
    Overrides& mutableOverrides(const Scope& s);
    // Re-applies settings to the bridge(s) of the scope after a change.
    void applied(const Scope& s);
    Status portExists(const BridgeRuntime& br, const Scope& s, std::string_view port) const;
    size_t runtimeStaticGroups(const std::string& bridge) const;
    size_t runtimeMrouterPorts(const std::string& bridge) const;

    Daemon& daemon_;
    EventLoop& loop_;
    std::map<std::string, BridgeOverrides, std::less<>> overrides_;
    std::vector<std::unique_ptr<Frontend>> frontends_;
    bool keepOverrides_ = false;
    bool reloadSeen_ = false;
    uint64_t epoch_ = 0;
};

}  // namespace mcs::daemon
