// Every configuration key, its type, default and valid range, defined once. The parser
// takes its ranges and messages from here, resolve.cc its defaults, and the key reference
// in packaging/man/mcsnoopd.conf.5 is generated from it (tests keep the two in step).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mcs::conf {

// The TOML table a key lives in. Sub-tables (querier, tcn, ...) are shared by the
// [[bridge]] and [[bridge.vlan]] levels.
enum class Table : uint8_t {
    Root,         // the top level of the file
    Global,       // [global]
    Log,          // [global] log = { subsystem = level }
    Limits,       // [global.limits], and limits = {...} in [[bridge]] / [[bridge.vlan]]
    Bridge,       // [[bridge]]; keys with perVlan are also valid in [[bridge.vlan]]
    Vlan,         // [[bridge.vlan]] keys of its own
    Port,         // [[bridge.port]]
    Querier,      // querier = {...} / [bridge.querier]
    Tcn,          // tcn = {...}
    Mrouter,      // mrouter = {...}
    MaxGroups,    // max-groups = {...}
    Filter,       // filter = {...}
    FilterEntry,  // filter.groups entries written as { prefix = ..., source = ... }
    StaticGroup,  // static-groups entries
};

enum class Kind : uint8_t {
    Bool,
    Int,
    Duration,  // seconds, integer or decimal; min/max/def in milliseconds
    String,
    Enum,      // one of `values`
    EnumList,  // array of distinct `values`
    Address,   // IP address string
    Prefix,    // address prefix string ("239.0.0.0/8"); a bare address is a /32 or /128
    NameList,  // array of interface names
    Table,
    TableList,   // [[...]] or an array of inline tables
    PrefixList,  // array of prefix strings or FilterEntry tables
};

struct KeySpec {
    Table table;
    std::string_view key;
    Kind kind;
    int64_t min = 0;  // Int, Duration (ms)
    int64_t max = 0;
    int64_t def = 0;  // Int, Duration (ms), Bool (0/1); ignored when defText says otherwise
    std::string_view defText =
        {};                      // when the default is not `def`: "robustness", "none", "required"
    std::string_view unit = {};  // "s", "packets/s"
    std::string_view values = {};  // Enum, EnumList: "deny, replace"
    bool perVlan = false;          // Table::Bridge key also accepted in [[bridge.vlan]]
    std::string_view doc = {};

    bool hasRange() const { return kind == Kind::Int || kind == Kind::Duration; }
    bool required() const { return defText == "required"; }
};

inline constexpr int64_t kSec = 1000;

// clang-format off
inline constexpr std::array kKeys = {
    // ---- top level ----
    KeySpec{Table::Root, "global", Kind::Table, 0, 0, 0, "", "", "", false,
            "Daemon-wide settings."},
    KeySpec{Table::Root, "bridge", Kind::TableList, 0, 0, 0, "none", "", "", false,
            "One [[bridge]] section per snooped bridge. Bridges not listed are left alone."},

    // ---- [global] ----
    KeySpec{Table::Global, "runtime-dir", Kind::String, 0, 0, 0, "/run/mcsnoopd", "", "", false,
            "Directory for the control socket and state files (an absolute path)."},
    KeySpec{Table::Global, "log-level", Kind::Enum, 0, 0, 0, "info", "",
            "trace, debug, info, warn, error, critical, off", false,
            "Log level of every subsystem not named in log."},
    KeySpec{Table::Global, "log", Kind::Table, 0, 0, 0, "none", "", "", false,
            "Per-subsystem log levels, e.g. log = { igmp = \"debug\", mdb = \"info\" }."},
    KeySpec{Table::Global, "dbus", Kind::Bool, 0, 0, 1, "", "", "", false,
            "Serve the D-Bus API (ignored when built without D-Bus)."},
    KeySpec{Table::Global, "strict-validation", Kind::Bool, 0, 0, 0, "", "", "", false,
            "Decoder strict mode: also drop (and count) packets that break a SHOULD of the "
            "RFCs, such as a missing Router Alert option or a TTL other than 1."},
    KeySpec{Table::Global, "limits", Kind::Table, 0, 0, 0, "", "", "", false,
            "Resource limits (see limits below). [[bridge]] and [[bridge.vlan]] may override them."},

    // ---- log = { ... } ----
    KeySpec{Table::Log, "igmp", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "IGMP packet handling."},
    KeySpec{Table::Log, "mld", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "MLD packet handling."},
    KeySpec{Table::Log, "querier", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "Querier election and queries sent."},
    KeySpec{Table::Log, "mdb", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "Group table and kernel MDB changes."},
    KeySpec{Table::Log, "netlink", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "rtnetlink traffic with the kernel."},
    KeySpec{Table::Log, "dbus", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "D-Bus calls."},
    KeySpec{Table::Log, "config", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "Configuration loading and reloads."},
    KeySpec{Table::Log, "core", Kind::Enum, 0, 0, 0, "log-level", "", "trace, debug, info, warn, error, critical, off", false,
            "Snooping core events."},

    // ---- limits ----
    KeySpec{Table::Limits, "max-groups-per-vlan", Kind::Int, 1, 1000000, 4096, "", "", "", false,
            "Groups tracked per bridge VLAN; reports for further groups are dropped and counted. "
            "Also the VLAN's budget of hosts tracked for immediate leave (at least 16384)."},
    KeySpec{Table::Limits, "max-sources-per-group", Kind::Int, 1, 65535, 256, "", "", "", false,
            "Sources tracked per group (IGMPv3/MLDv2); further sources are dropped and counted."},
    KeySpec{Table::Limits, "max-hosts-per-group-port", Kind::Int, 1, 65535, 512, "", "", "", false,
            "Hosts tracked per group and port (explicit tracking for immediate leave)."},
    KeySpec{Table::Limits, "max-records-per-report", Kind::Int, 1, 65535, 1024, "", "", "", false,
            "Group records processed per IGMPv3/MLDv2 report; the rest are dropped and counted."},
    KeySpec{Table::Limits, "report-rate-limit", Kind::Int, 0, 1000000, 1000, "", "packets/s", "", false,
            "IGMP/MLD membership reports and leaves processed per port and second (all VLANs of "
            "the port together; queries, PIM and MRD are not limited), with one second's worth "
            "of burst. Reports over it are dropped and counted per port (counter "
            "report-rate-limited.PORT; a warning at most every 10 s per port). 0 = unlimited."},

    // ---- [[bridge]] (perVlan: also in [[bridge.vlan]]) ----
    KeySpec{Table::Bridge, "name", Kind::String, 0, 0, 0, "required", "", "", false,
            "Bridge interface name."},
    KeySpec{Table::Bridge, "snooping", Kind::Bool, 0, 0, 1, "", "", "", true,
            "Snoop IGMP/MLD and program the MDB. When false, multicast is flooded."},
    KeySpec{Table::Bridge, "families", Kind::EnumList, 0, 0, 0, "[\"ipv4\", \"ipv6\"]", "", "ipv4, ipv6", true,
            "Address families snooped and queried (IGMP for ipv4, MLD for ipv6)."},
    KeySpec{Table::Bridge, "igmp-version", Kind::Int, 1, 3, 3, "", "", "", true,
            "IGMP version of the querier and of compatibility mode. Snooping understands "
            "IGMPv1 to v3 regardless."},
    KeySpec{Table::Bridge, "mld-version", Kind::Int, 1, 2, 2, "", "", "", true,
            "MLD version of the querier and of compatibility mode. Snooping understands "
            "MLDv1 and v2 regardless."},
    KeySpec{Table::Bridge, "immediate-leave", Kind::Bool, 0, 0, 0, "", "", "", true,
            "Remove a port from a group on the last leave without a group-specific query "
            "(fast leave). Only safe with one host per port, or with host tracking."},
    KeySpec{Table::Bridge, "flood-unregistered", Kind::Bool, 0, 0, 1, "", "", "", true,
            "Flood multicast for groups nobody joined; when false, it goes to mrouter ports only."},
    KeySpec{Table::Bridge, "flood-reports", Kind::Bool, 0, 0, 0, "", "", "", true,
            "Forward membership reports to every port instead of to mrouter ports only "
            "(RFC 4541 2.1.1); mostly set per port."},
    KeySpec{Table::Bridge, "static-mrouter-ports", Kind::NameList, 0, 0, 0, "[]", "", "", true,
            "Ports that are always multicast-router ports. A [[bridge.vlan]] list replaces the "
            "bridge-level list."},
    KeySpec{Table::Bridge, "static-groups", Kind::TableList, 0, 0, 0, "[]", "", "", true,
            "Permanent memberships: { group = \"239.1.1.1\", ports = [\"eth2\"] }, optionally "
            "with source and (at bridge level) vlan. VLAN entries add to bridge entries."},
    KeySpec{Table::Bridge, "filter", Kind::Table, 0, 0, 0, "none", "", "", true,
            "Group filter: { mode = \"allow\" | \"deny\" | \"none\", groups = [...] }."},
    KeySpec{Table::Bridge, "max-groups", Kind::Table, 0, 0, 0, "none", "", "", true,
            "Per-port group limit inherited by every port: { limit = N, action = \"deny\" | \"replace\" }."},
    KeySpec{Table::Bridge, "tcn", Kind::Table, 0, 0, 0, "", "", "", true,
            "Behaviour on a spanning-tree topology change."},
    KeySpec{Table::Bridge, "mrouter", Kind::Table, 0, 0, 0, "", "", "", true,
            "Multicast-router port discovery."},
    KeySpec{Table::Bridge, "querier", Kind::Table, 0, 0, 0, "", "", "", true,
            "Querier and query timing; a [[bridge.vlan]] querier table overrides key by key."},
    KeySpec{Table::Bridge, "limits", Kind::Table, 0, 0, 0, "[global.limits]", "", "", true,
            "Overrides of [global.limits], key by key."},
    KeySpec{Table::Bridge, "vlan", Kind::TableList, 0, 0, 0, "none", "", "", false,
            "Per-VLAN overrides, one [[bridge.vlan]] section per VLAN."},
    KeySpec{Table::Bridge, "port", Kind::TableList, 0, 0, 0, "none", "", "", false,
            "Per-port overrides, one [[bridge.port]] section per port."},

    // ---- [[bridge.vlan]] ----
    KeySpec{Table::Vlan, "id", Kind::Int, 1, 4094, 0, "required", "", "", false,
            "VLAN id. Every [[bridge]] key except name, vlan and port may be overridden here."},

    // ---- [[bridge.port]] ----
    KeySpec{Table::Port, "name", Kind::String, 0, 0, 0, "required", "", "", false,
            "Port (bridge member) interface name."},
    KeySpec{Table::Port, "immediate-leave", Kind::Bool, 0, 0, 0, "inherited", "", "", false,
            "Overrides immediate-leave for this port."},
    KeySpec{Table::Port, "flood-reports", Kind::Bool, 0, 0, 0, "inherited", "", "", false,
            "Overrides flood-reports for this port (e.g. towards a tunnel or another snooping switch)."},
    KeySpec{Table::Port, "flood-unregistered", Kind::Bool, 0, 0, 0, "inherited", "", "", false,
            "Overrides flood-unregistered for this port."},
    KeySpec{Table::Port, "tcn-flood", Kind::Bool, 0, 0, 1, "", "", "", false,
            "Flood this port on a topology change (see tcn)."},
    KeySpec{Table::Port, "mrouter", Kind::Enum, 0, 0, 0, "auto", "", "auto, static, never", false,
            "Router role: learned (auto), always (static) or never. When unset, a port listed in "
            "static-mrouter-ports is static."},
    KeySpec{Table::Port, "max-groups", Kind::Table, 0, 0, 0, "inherited", "", "", false,
            "Overrides max-groups for this port."},
    KeySpec{Table::Port, "filter", Kind::Table, 0, 0, 0, "inherited", "", "", false,
            "Overrides filter for this port (mode = \"none\" switches an inherited filter off)."},
    KeySpec{Table::Port, "report-rate-limit", Kind::Int, 0, 1000000, 0, "inherited", "packets/s", "", false,
            "Overrides limits.report-rate-limit for this port (e.g. higher on a downlink to "
            "another switch that aggregates many hosts); 0 = unlimited."},

    // ---- querier ----
    KeySpec{Table::Querier, "enabled", Kind::Bool, 0, 0, 0, "", "", "", false,
            "Take part in querier election and send queries (RFC 3376 6.6.2, RFC 3810 7.6.2)."},
    KeySpec{Table::Querier, "address", Kind::Address, 0, 0, 0, "the bridge's IPv4 address", "", "", false,
            "IPv4 source of queries; \"0.0.0.0\" is proxy mode (never wins an election)."},
    KeySpec{Table::Querier, "address6", Kind::Address, 0, 0, 0, "the bridge's link-local address", "", "", false,
            "IPv6 source of queries; must be link-local (RFC 3810 5.1.14)."},
    KeySpec{Table::Querier, "interval", Kind::Duration, 1 * kSec, 31744 * kSec, 125 * kSec, "", "s", "", false,
            "Query interval (RFC 3376 8.2, RFC 3810 9.2)."},
    KeySpec{Table::Querier, "response-interval", Kind::Duration, 100, 3174400, 10 * kSec, "", "s", "", false,
            "Query response interval, less than interval (RFC 3376 8.3). At most 25.5 with "
            "igmp-version = 2 and 65.535 with mld-version = 1."},
    KeySpec{Table::Querier, "last-member-interval", Kind::Duration, 100, 25500, 1 * kSec, "", "s", "", false,
            "Last member query interval (RFC 3376 8.8, RFC 3810 9.8)."},
    KeySpec{Table::Querier, "last-member-count", Kind::Int, 1, 7, 0, "robustness", "", "", false,
            "Last member query count (RFC 3376 8.9)."},
    KeySpec{Table::Querier, "robustness", Kind::Int, 1, 7, 2, "", "", "", false,
            "Robustness variable (RFC 3376 8.1); 7 is the most a query can carry."},
    KeySpec{Table::Querier, "startup-query-interval", Kind::Duration, 100, 31744 * kSec, 0, "interval / 4", "s", "", false,
            "Interval of the startup query burst (RFC 3376 8.6)."},
    KeySpec{Table::Querier, "startup-query-count", Kind::Int, 1, 7, 0, "robustness", "", "", false,
            "Queries in the startup burst (RFC 3376 8.7)."},

    // ---- tcn ----
    KeySpec{Table::Tcn, "flood-query-count", Kind::Int, 0, 10, 2, "", "", "", false,
            "After a topology change, flood multicast until this many general queries were "
            "seen; 0 = do not flood."},
    KeySpec{Table::Tcn, "solicit", Kind::Bool, 0, 0, 0, "", "", "", false,
            "Send a global leave (query solicitation) on every topology change."},
    KeySpec{Table::Tcn, "solicit-when-root", Kind::Bool, 0, 0, 1, "", "", "", false,
            "Send a global leave on a topology change while the bridge is the spanning-tree root."},

    // ---- mrouter ----
    KeySpec{Table::Mrouter, "learn-from", Kind::EnumList, 0, 0, 0, "[\"query\", \"pim\", \"mrd\"]", "", "query, pim, mrd", false,
            "Messages that make a port a multicast-router port: general queries, PIM hellos, "
            "MRD advertisements (RFC 4286). [] disables learning."},
    KeySpec{Table::Mrouter, "timeout", Kind::Duration, 10 * kSec, 3600 * kSec, 255 * kSec, "", "s", "", false,
            "A learned mrouter port expires this long after the last message."},

    // ---- max-groups ----
    KeySpec{Table::MaxGroups, "limit", Kind::Int, 1, 1000000, 0, "required", "", "", false,
            "Groups one port may join in one VLAN."},
    KeySpec{Table::MaxGroups, "action", Kind::Enum, 0, 0, 0, "deny", "", "deny, replace", false,
            "At the limit: ignore the new group (deny) or evict the oldest (replace)."},

    // ---- filter ----
    KeySpec{Table::Filter, "mode", Kind::Enum, 0, 0, 0, "required", "", "allow, deny, none", false,
            "allow: only listed groups may be joined; deny: listed groups may not; none: no filter. "
            "A filter applies only to the families its groups use."},
    KeySpec{Table::Filter, "groups", Kind::PrefixList, 0, 0, 0, "[]", "", "", false,
            "Multicast prefixes (\"239.255.0.0/16\", \"ff05::/16\", or a single group), or "
            "{ prefix = \"...\", source = \"...\" } to match one source prefix only."},

    // ---- filter entry ----
    KeySpec{Table::FilterEntry, "prefix", Kind::Prefix, 0, 0, 0, "required", "", "", false,
            "Multicast group prefix."},
    KeySpec{Table::FilterEntry, "source", Kind::Prefix, 0, 0, 0, "any", "", "", false,
            "Unicast source prefix of the same family."},

    // ---- static group ----
    KeySpec{Table::StaticGroup, "group", Kind::Address, 0, 0, 0, "required", "", "", false,
            "Multicast group (not link-local: 224.0.0.0/24 and ff02::1 are always flooded)."},
    KeySpec{Table::StaticGroup, "source", Kind::Address, 0, 0, 0, "any", "", "", false,
            "Unicast source of an (S,G) entry, same family as group."},
    KeySpec{Table::StaticGroup, "vlan", Kind::Int, 1, 4094, 0, "all", "", "", false,
            "VLAN of the entry (bridge level only; implied inside [[bridge.vlan]])."},
    KeySpec{Table::StaticGroup, "ports", Kind::NameList, 0, 0, 0, "required", "", "", false,
            "Member ports (the bridge's own name joins the host)."},
};
// clang-format on

// The spec of a key valid in `table` (inVlan: the [[bridge.vlan]] level, which accepts
// Table::Vlan keys and the perVlan Table::Bridge keys); nullptr when there is none.
const KeySpec* findKey(Table table, std::string_view key, bool inVlan = false);

// Compile-time lookup for code that needs a default: a typo fails to compile.
consteval const KeySpec& keySpec(Table table, std::string_view key) {
    for (const KeySpec& s : kKeys)
        if (s.table == table && s.key == key) return s;
    throw "no such key in kKeys";
}

std::string_view tableTitle(Table t, bool inVlan = false);  // "[[bridge]]", "querier", ...
std::string formatSeconds(int64_t ms);                      // 1500 -> "1.5"
std::string rangeText(const KeySpec& s);                    // "1, 31744"; "" without range
std::string defaultText(const KeySpec& s);                  // "125", "true", "robustness"

// The KEYS section of mcsnoopd.conf(5), as roff. mcs_conf_keydoc prints it.
std::string keyReferenceRoff();

}  // namespace mcs::conf
