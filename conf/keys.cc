#include "conf/keys.h"

#include <cstdlib>

namespace mcs::conf {

const KeySpec* findKey(Table table, std::string_view key, bool inVlan) {
    for (const KeySpec& s : kKeys) {
        if (s.key != key) continue;
        if (inVlan) {
            if (s.table == Table::Vlan || (s.table == Table::Bridge && s.perVlan)) return &s;
        } else if (s.table == table) {
            return &s;
        }
    }
    return nullptr;
}

std::string_view tableTitle(Table t, bool inVlan) {
    if (inVlan && (t == Table::Bridge || t == Table::Vlan)) return "[[bridge.vlan]]";
    switch (t) {
        case Table::Root:
            return "the top level";
        case Table::Global:
            return "[global]";
        case Table::Log:
            return "log";
        case Table::Limits:
            return "limits";
        case Table::Bridge:
            return "[[bridge]]";
        case Table::Vlan:
            return "[[bridge.vlan]]";
        case Table::Port:
            return "[[bridge.port]]";
        case Table::Querier:
            return "querier";
        case Table::Tcn:
            return "tcn";
        case Table::Mrouter:
            return "mrouter";
        case Table::MaxGroups:
            return "max-groups";
        case Table::Filter:
            return "filter";
        case Table::FilterEntry:
            return "a filter entry";
        case Table::StaticGroup:
            return "a static-groups entry";
    }
    return "?";
}

std::string formatSeconds(int64_t ms) {
    std::string s = ms < 0 ? "-" : "";
    const uint64_t a = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
    s += std::to_string(a / 1000);
    uint64_t frac = a % 1000;
    if (frac) {
        std::string f = std::to_string(frac);
        f.insert(0, 3 - f.size(), '0');
        while (f.back() == '0') f.pop_back();
        s += '.';
        s += f;
    }
    return s;
}

std::string rangeText(const KeySpec& s) {
    if (s.kind == Kind::Int) return std::to_string(s.min) + ", " + std::to_string(s.max);
    if (s.kind == Kind::Duration) return formatSeconds(s.min) + ", " + formatSeconds(s.max);
    return {};
}

std::string defaultText(const KeySpec& s) {
    if (!s.defText.empty()) return std::string(s.defText);
    switch (s.kind) {
        case Kind::Bool:
            return s.def ? "true" : "false";
        case Kind::Int:
            return std::to_string(s.def);
        case Kind::Duration:
            return formatSeconds(s.def);
        default:
            return {};
    }
}

namespace {

// Roff text: a leading '.' or '\'' would be a request; '\' starts an escape; '-' in keys
// and values is a literal minus (copy-paste and search must find "immediate-leave").
std::string roff(std::string_view text, bool literalMinus) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\e";
        else if (c == '-' && literalMinus)
            out += "\\-";
        else
            out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

std::string_view kindText(Kind k) {
    switch (k) {
        case Kind::Bool:
            return "boolean";
        case Kind::Int:
            return "integer";
        case Kind::Duration:
            return "seconds";
        case Kind::String:
            return "string";
        case Kind::Enum:
            return "one of";
        case Kind::EnumList:
            return "list of";
        case Kind::Address:
            return "address";
        case Kind::Prefix:
            return "prefix";
        case Kind::NameList:
            return "list of interface names";
        case Kind::Table:
            return "table";
        case Kind::TableList:
            return "array of tables";
        case Kind::PrefixList:
            return "list of prefixes";
    }
    return "?";
}

struct Section {
    Table table;
    std::string_view title;
    std::string_view intro;
};

constexpr Section kSections[] = {
    {Table::Root, "Top level",
     "The file holds at most one [global] table and any number of [[bridge]] sections."},
    {Table::Global, "[global]", "Daemon-wide settings. Every key is optional."},
    {Table::Log, "log = { subsystem = level }  (in [global])",
     "Log level per subsystem; a subsystem not named uses log-level."},
    {Table::Limits,
     "limits  ([global.limits], and limits = {...} in [[bridge]] and [[bridge.vlan]])",
     "Limits on what the network can make the daemon allocate. Overflows are counted. "
     "A bridge or VLAN table overrides the global one key by key."},
    {Table::Bridge, "[[bridge]]",
     "One section per bridge. Keys marked (per VLAN) may also be set in [[bridge.vlan]]. On a "
     "bridge without VLAN filtering the bridge-level values apply to VLAN 0."},
    {Table::Vlan, "[[bridge.vlan]]", "Per-VLAN overrides of the (per VLAN) keys of [[bridge]]."},
    {Table::Port, "[[bridge.port]]",
     "Per-port overrides; they apply to the port in every VLAN. A port needs no section."},
    {Table::Querier, "querier = {...} or [bridge.querier]",
     "Querier and query timing. The timing also serves snooping when the querier is off: the "
     "group membership interval is robustness * interval + response-interval (RFC 3376 8.4)."},
    {Table::Tcn, "tcn = {...}", "Spanning-tree topology change handling."},
    {Table::Mrouter, "mrouter = {...}", "Multicast-router port discovery."},
    {Table::MaxGroups, "max-groups = {...}", "A per-port group limit (Cisco max-groups)."},
    {Table::Filter, "filter = {...}", "Which groups ports may join."},
    {Table::FilterEntry, "filter.groups entries written as tables", ""},
    {Table::StaticGroup, "static-groups entries", ""},
};

}  // namespace

std::string keyReferenceRoff() {
    std::string out;
    for (const Section& sec : kSections) {
        out += ".SS \"" + roff(sec.title, false) + "\"\n";
        if (!sec.intro.empty()) out += roff(sec.intro, false) + "\n";
        for (const KeySpec& s : kKeys) {
            if (s.table != sec.table) continue;
            out += ".TP\n.B " + roff(s.key, true) + "\n";
            std::string line = std::string(kindText(s.kind));
            if (!s.values.empty()) line += " " + roff(s.values, true);
            if (s.hasRange()) line += " [" + rangeText(s) + "]";
            if (!s.unit.empty()) line += " " + std::string(s.unit);
            const std::string def = defaultText(s);
            if (s.required())
                line += "; required";
            else if (!def.empty())
                line += "; default " + roff(def, true);
            if (s.perVlan) line += " (per VLAN)";
            out += line + ".\n";
            out += roff(s.doc, false) + "\n";
        }
    }
    return out;
}

}  // namespace mcs::conf
