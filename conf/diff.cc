// Reload support: which sections changed, so the daemon touches only those.
#include <algorithm>
#include <set>

#include "conf/config.h"
#include "conf/text.h"

namespace mcs::conf {

namespace {

template <typename T, typename Key, typename KeyOf>
void diffSections(const std::vector<T>& old, const std::vector<T>& neu, KeyOf keyOf,
                  std::vector<Key>& added, std::vector<Key>& removed, std::vector<Key>& changed) {
    for (const T& o : old) {
        auto it =
            std::find_if(neu.begin(), neu.end(), [&](const T& n) { return keyOf(n) == keyOf(o); });
        if (it == neu.end())
            removed.push_back(keyOf(o));
        else if (!(*it == o))
            changed.push_back(keyOf(o));
    }
    for (const T& n : neu) {
        auto it =
            std::find_if(old.begin(), old.end(), [&](const T& o) { return keyOf(o) == keyOf(n); });
        if (it == old.end()) added.push_back(keyOf(n));
    }
}

BridgeDiff diffBridge(const BridgeConfig& o, const BridgeConfig& n) {
    BridgeDiff d;
    d.name = n.name;
    d.settingsChanged = !(o.settings == n.settings) || !(o.globalLimits == n.globalLimits);
    diffSections(
        o.vlans, n.vlans, [](const VlanConfig& v) { return v.id; }, d.vlansAdded, d.vlansRemoved,
        d.vlansChanged);
    diffSections(
        o.ports, n.ports, [](const PortConfig& p) { return p.name; }, d.portsAdded, d.portsRemoved,
        d.portsChanged);
    std::set<VlanId> ids{VlanId{0}};
    for (const VlanConfig& v : o.vlans) ids.insert(v.id);
    for (const VlanConfig& v : n.vlans) ids.insert(v.id);
    for (VlanId id : ids)
        if (!(resolveVlan(o, id) == resolveVlan(n, id))) d.effectiveVlansChanged.push_back(id);
    return d;
}

}  // namespace

bool BridgeDiff::empty() const {
    return !settingsChanged && vlansAdded.empty() && vlansRemoved.empty() && vlansChanged.empty() &&
           portsAdded.empty() && portsRemoved.empty() && portsChanged.empty() &&
           effectiveVlansChanged.empty();
}

bool ConfigDiff::empty() const {
    return !globalChanged && bridgesAdded.empty() && bridgesRemoved.empty() &&
           bridgesChanged.empty();
}

ConfigDiff diff(const Config& old, const Config& neu) {
    ConfigDiff d;
    d.globalChanged = !(old.global == neu.global);
    for (const BridgeConfig& b : old.bridges)
        if (!neu.findBridge(b.name)) d.bridgesRemoved.push_back(b.name);
    for (const BridgeConfig& b : neu.bridges) {
        const BridgeConfig* o = old.findBridge(b.name);
        if (!o) {
            d.bridgesAdded.push_back(b.name);
            continue;
        }
        BridgeDiff bd = diffBridge(*o, b);
        if (!bd.empty()) d.bridgesChanged.push_back(std::move(bd));
    }
    return d;
}

std::string to_string(const ConfigDiff& d) {
    if (d.empty()) return "no changes\n";
    std::string out;
    if (d.globalChanged) out += "[global] changed\n";
    for (const auto& b : d.bridgesAdded) out += cat("bridge ", quoted(b), " added\n");
    for (const auto& b : d.bridgesRemoved) out += cat("bridge ", quoted(b), " removed\n");
    for (const BridgeDiff& b : d.bridgesChanged) {
        const std::string head = cat("bridge ", quoted(b.name), ": ");
        if (b.settingsChanged) out += head + "bridge-level settings changed\n";
        for (VlanId v : b.vlansAdded) out += cat(head, "vlan ", v.value, " added\n");
        for (VlanId v : b.vlansRemoved) out += cat(head, "vlan ", v.value, " removed\n");
        for (VlanId v : b.vlansChanged) out += cat(head, "vlan ", v.value, " changed\n");
        for (const auto& p : b.portsAdded) out += cat(head, "port ", quoted(p), " added\n");
        for (const auto& p : b.portsRemoved) out += cat(head, "port ", quoted(p), " removed\n");
        for (const auto& p : b.portsChanged) out += cat(head, "port ", quoted(p), " changed\n");
        if (!b.effectiveVlansChanged.empty()) {
            out += head + "effective policy changed in vlan";
            for (size_t i = 0; i < b.effectiveVlansChanged.size(); ++i)
                out += cat(i ? ", " : " ", b.effectiveVlansChanged[i].value);
            out += "\n";
        }
    }
    return out;
}

}  // namespace mcs::conf
