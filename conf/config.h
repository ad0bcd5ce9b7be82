// mcsnoopd configuration as plain data: TOML text in, validated structs out.
//
// What the operator wrote is kept as written (std::optional = "not set here"), so a
// setting can be inherited along global -> bridge -> vlan -> port; resolveVlan() and
// resolvePort() produce the fully resolved policy the daemon maps onto the core's own
// config types. Every default and range lives once, in conf/keys.h.
//
// No toml++ type appears here: parsing is an implementation detail of conf/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/base/result.h"
#include "agent/base/time.h"
#include "agent/base/types.h"

namespace mcs::conf {

// Where a section or value was written, for diagnostics that come later (pending ports,
// netlink refusals). Line and column are 1-based; 0 means "no position" (e.g. the file
// could not be read).
struct SourceLoc {
    std::string file;
    uint32_t line = 0;
    uint32_t column = 0;

    std::string str() const;  // "file:line:col", or "file" without a position
    // Locations never take part in equality: moving a section or adding a comment is not
    // a configuration change, and diff() must not report one.
    friend bool operator==(const SourceLoc&, const SourceLoc&) { return true; }
};

// One finding of the parser. str() gives `file:line:col: message [range]`, with the
// bracket only when the key has a valid range or value set.
struct Diagnostic {
    SourceLoc loc;
    std::string message;
    std::string range;  // e.g. "1, 31744" or "deny, replace"; empty when not applicable
    std::string str() const;
};

enum class LogLevel : uint8_t { Trace, Debug, Info, Warn, Error, Critical, Off };
enum class Subsystem : uint8_t { Igmp, Mld, Querier, Mdb, Netlink, Dbus, Config, Core };
// None exists so a port (or VLAN) can switch off a filter it would otherwise inherit.
enum class FilterMode : uint8_t { None, Allow, Deny };
// Cisco `ip igmp max-groups action deny|replace`: refuse the new group, or evict one.
enum class MaxGroupsAction : uint8_t { Deny, Replace };
// Per-port multicast-router role: learn it (auto), always (static), or never.
enum class MrouterMode : uint8_t { Auto, Static, Never };

std::string_view to_string(LogLevel);
std::string_view to_string(Subsystem);
std::string_view to_string(FilterMode);
std::string_view to_string(MaxGroupsAction);
std::string_view to_string(MrouterMode);

// An address prefix with no host bits set (parsing refuses "239.1.1.1/16").
struct Prefix {
    IpAddr addr;
    uint8_t length = 0;

    Family family() const { return addr.family(); }
    bool contains(const IpAddr& a) const;
    std::string str() const;  // "239.255.0.0/16"
    bool operator==(const Prefix&) const = default;
};

// Which address families are snooped (and queried). Both by default.
struct Families {
    bool ipv4 = true;
    bool ipv6 = true;
    bool operator==(const Families&) const = default;
};

// Where multicast-router ports are learned from (RFC 4541 §2.1.1: queries, PIM hellos,
// RFC 4286 MRD advertisements).
struct MrouterLearn {
    bool query = true;
    bool pim = true;
    bool mrd = true;
    bool operator==(const MrouterLearn&) const = default;
};

struct FilterEntry {
    Prefix group;                  // multicast prefix
    std::optional<Prefix> source;  // unicast source prefix; nullopt = any source
    bool operator==(const FilterEntry&) const = default;
};

// A filter only applies to the address families that appear in its entries: an
// IPv4-only allow list does not deny MLD (solicited-node joins must keep working).
struct Filter {
    FilterMode mode = FilterMode::None;
    std::vector<FilterEntry> entries;
    SourceLoc loc;
    bool operator==(const Filter&) const = default;
};

// Is a join of (source, group) permitted? source = nullopt for a (*,G) join; an entry
// with a source only matches joins naming a source inside it.
bool permits(const Filter& f, const IpAddr& group, const std::optional<IpAddr>& source);

// Per-port group limit (groups one port may join in one VLAN).
struct MaxGroups {
    uint32_t limit = 0;
    MaxGroupsAction action = MaxGroupsAction::Deny;
    bool operator==(const MaxGroups&) const = default;
};

struct StaticGroup {
    IpAddr group;
    std::optional<IpAddr> source;  // (S,G) entry when set
    // Written only at bridge level. nullopt: VLAN 0 on a bridge without VLAN filtering,
    // every VLAN of the ports otherwise (like `bridge mdb add` without vid).
    std::optional<VlanId> vlan;
    std::vector<std::string> ports;
    SourceLoc loc;
    bool operator==(const StaticGroup&) const = default;
};

// Resource limits, resolved ([global.limits] with defaults filled in).
struct Limits {
    uint32_t maxGroupsPerVlan = 0;
    uint32_t maxSourcesPerGroup = 0;
    uint32_t maxHostsPerGroupPort = 0;
    uint32_t maxRecordsPerReport = 0;
    uint32_t reportRateLimit = 0;  // packets/s per port, 0 = unlimited
    bool operator==(const Limits&) const = default;
};

struct LimitOverrides {
    std::optional<uint32_t> maxGroupsPerVlan;
    std::optional<uint32_t> maxSourcesPerGroup;
    std::optional<uint32_t> maxHostsPerGroupPort;
    std::optional<uint32_t> maxRecordsPerReport;
    std::optional<uint32_t> reportRateLimit;
    bool operator==(const LimitOverrides&) const = default;
};

// Query timing is here even when the querier is off: snooping derives the group
// membership interval from it (RFC 3376 §8.4, RFC 3810 §9.4).
struct QuerierSettings {
    std::optional<bool> enabled;
    std::optional<IpAddr> address;   // IPv4; 0.0.0.0 = proxy mode (never wins elections)
    std::optional<IpAddr> address6;  // IPv6 link-local
    std::optional<Duration> interval;
    std::optional<Duration> responseInterval;
    std::optional<Duration> lastMemberInterval;
    std::optional<uint32_t> lastMemberCount;
    std::optional<uint32_t> robustness;
    std::optional<Duration> startupQueryInterval;
    std::optional<uint32_t> startupQueryCount;
    bool operator==(const QuerierSettings&) const = default;
};

struct TcnSettings {
    std::optional<uint32_t> floodQueryCount;
    std::optional<bool> solicit;
    std::optional<bool> solicitWhenRoot;
    bool operator==(const TcnSettings&) const = default;
};

struct MrouterSettings {
    std::optional<MrouterLearn> learnFrom;
    std::optional<Duration> timeout;
    bool operator==(const MrouterSettings&) const = default;
};

// The keys shared by [[bridge]] and [[bridge.vlan]].
struct SnoopingSettings {
    std::optional<bool> snooping;
    std::optional<Families> families;
    std::optional<uint8_t> igmpVersion;
    std::optional<uint8_t> mldVersion;
    std::optional<bool> immediateLeave;
    std::optional<bool> floodUnregistered;
    std::optional<bool> floodReports;
    // Replaces (not extends) the bridge-level list in a VLAN that sets it.
    std::optional<std::vector<std::string>> staticMrouterPorts;
    // Entries, not a setting: VLAN entries add to the bridge-level ones.
    std::vector<StaticGroup> staticGroups;
    std::optional<Filter> filter;
    std::optional<MaxGroups> maxGroups;
    TcnSettings tcn;
    MrouterSettings mrouter;
    QuerierSettings querier;
    LimitOverrides limits;
    bool operator==(const SnoopingSettings&) const = default;
};

struct VlanConfig {
    VlanId id;
    SnoopingSettings settings;
    SourceLoc loc;
    bool operator==(const VlanConfig&) const = default;
};

struct PortConfig {
    std::string name;
    std::optional<bool> immediateLeave;
    std::optional<bool> floodReports;
    std::optional<bool> floodUnregistered;
    std::optional<bool> tcnFlood;
    std::optional<MrouterMode> mrouter;
    std::optional<MaxGroups> maxGroups;
    std::optional<Filter> filter;
    std::optional<uint32_t> reportRateLimit;
    SourceLoc loc;
    bool operator==(const PortConfig&) const = default;
};

struct BridgeConfig {
    std::string name;
    SnoopingSettings settings;
    std::vector<VlanConfig> vlans;  // unique ids, in file order
    std::vector<PortConfig> ports;  // unique names, in file order
    // Copy of [global.limits], so that resolving needs the bridge alone.
    Limits globalLimits;
    SourceLoc loc;

    const VlanConfig* findVlan(VlanId id) const;
    const PortConfig* findPort(std::string_view port) const;
    bool operator==(const BridgeConfig&) const = default;
};

struct GlobalConfig {
    std::string runtimeDir;
    LogLevel logLevel = LogLevel::Info;
    // Only the subsystems given in `log = { ... }`; the others use logLevel.
    std::vector<std::pair<Subsystem, LogLevel>> logLevels;
    bool dbus = true;
    bool strictValidation = false;
    Limits limits;
    SourceLoc loc;

    LogLevel levelOf(Subsystem s) const;
    bool operator==(const GlobalConfig&) const = default;
};

struct Config {
    GlobalConfig global;                // defaults filled in when [global] is absent
    std::vector<BridgeConfig> bridges;  // unique names, in file order

    const BridgeConfig* findBridge(std::string_view name) const;
    bool operator==(const Config&) const = default;
};

// Parses and validates; on failure returns every problem found (sorted by position),
// not just the first.
Result<Config, std::vector<Diagnostic>> parseConfig(std::string_view text,
                                                    std::string_view fileName);
Result<Config, std::vector<Diagnostic>> loadConfigFile(const std::string& path);

// Default configuration (what an empty file gives).
Config defaultConfig();

// ---- Resolution: global -> bridge -> vlan -> port, defaults from conf/keys.h ----

struct QuerierPolicy {
    bool enabled = false;
    std::optional<IpAddr> address;   // nullopt: use the bridge's own address
    std::optional<IpAddr> address6;  // nullopt: use the bridge's link-local address
    Duration interval{};
    Duration responseInterval{};
    Duration lastMemberInterval{};
    uint32_t lastMemberCount = 0;
    uint32_t robustness = 0;
    Duration startupQueryInterval{};
    uint32_t startupQueryCount = 0;

    bool proxy() const { return address && address->isUnspecified(); }
    bool operator==(const QuerierPolicy&) const = default;
};

struct TcnPolicy {
    uint32_t floodQueryCount = 0;  // 0 = do not flood on topology change
    bool solicit = false;
    bool solicitWhenRoot = false;
    bool operator==(const TcnPolicy&) const = default;
};

struct MrouterPolicy {
    MrouterLearn learnFrom;
    Duration timeout{};
    bool operator==(const MrouterPolicy&) const = default;
};

struct VlanPolicy {
    std::string bridge;
    VlanId vlan;
    bool snooping = true;
    Families families;
    uint8_t igmpVersion = 0;
    uint8_t mldVersion = 0;
    bool immediateLeave = false;
    bool floodUnregistered = false;
    bool floodReports = false;
    std::vector<std::string> staticMrouterPorts;
    // Entries that apply to this VLAN; vlan is set from the [[bridge.vlan]] section for
    // VLAN-level entries, nullopt for bridge-level entries without a vlan.
    std::vector<StaticGroup> staticGroups;
    Filter filter;                       // mode None = no filtering
    std::optional<MaxGroups> maxGroups;  // per-port default; nullopt = no per-port limit
    TcnPolicy tcn;
    MrouterPolicy mrouter;
    QuerierPolicy querier;
    Limits limits;
    SourceLoc loc;  // the [[bridge.vlan]] section, else the [[bridge]]
    bool operator==(const VlanPolicy&) const = default;
};

struct PortPolicy {
    std::string bridge;
    std::string port;
    VlanId vlan;
    bool immediateLeave = false;
    bool floodUnregistered = false;
    bool floodReports = false;
    bool tcnFlood = true;
    MrouterMode mrouter = MrouterMode::Auto;
    std::optional<MaxGroups> maxGroups;
    Filter filter;
    uint32_t reportRateLimit = 0;
    SourceLoc loc;  // the [[bridge.port]] section, else the VLAN's
    bool operator==(const PortPolicy&) const = default;
};

// vid 0 is the bridge level (a bridge without VLAN filtering); any other id gets the
// bridge level overridden by its [[bridge.vlan]] section, if there is one.
VlanPolicy resolveVlan(const BridgeConfig& bridge, VlanId vid);
// A port without a [[bridge.port]] section gets the VLAN's values.
PortPolicy resolvePort(const BridgeConfig& bridge, VlanId vid, std::string_view port);

// ---- Reload: what changed ----

struct BridgeDiff {
    std::string name;
    // Bridge-level keys (or inherited global limits) changed: re-resolve every VLAN and port.
    bool settingsChanged = false;
    std::vector<VlanId> vlansAdded, vlansRemoved, vlansChanged;       // sections
    std::vector<std::string> portsAdded, portsRemoved, portsChanged;  // sections
    // VLAN 0 and every id configured in either version whose resolveVlan() differs.
    std::vector<VlanId> effectiveVlansChanged;
    bool empty() const;
};

struct ConfigDiff {
    bool globalChanged = false;
    std::vector<std::string> bridgesAdded, bridgesRemoved;
    std::vector<BridgeDiff> bridgesChanged;
    bool empty() const;
};

ConfigDiff diff(const Config& old, const Config& neu);
std::string to_string(const ConfigDiff& d);  // one line per change, for the log

// ---- Rendering ----

enum class RenderMode : uint8_t {
    Canonical,  // what was set, in canonical TOML; parses back to an equal Config
    Effective,  // Canonical plus every default and the resolved policy of each VLAN/port
                // as comments (`--check-config -v`)
};
std::string render(const Config& c, RenderMode mode = RenderMode::Effective);

}  // namespace mcs::conf
