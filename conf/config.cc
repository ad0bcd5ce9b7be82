// Small methods of the plain config types.
#include "conf/config.h"

#include <algorithm>

namespace mcs::conf {

std::string SourceLoc::str() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::str() const {
    std::string s = loc.str();
    s += ": ";
    s += message;
    if (!range.empty()) s += " [" + range + "]";
    return s;
}

bool Prefix::contains(const IpAddr& a) const {
    if (a.family() != addr.family()) return false;
    const uint8_t* p = addr.data();
    const uint8_t* q = a.data();
    unsigned bits = length;
    for (size_t i = 0; bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<uint8_t>(0xff00u >> take);
        if ((p[i] & mask) != (q[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

std::string Prefix::str() const { return addr.str() + "/" + std::to_string(length); }

bool permits(const Filter& f, const IpAddr& group, const std::optional<IpAddr>& source) {
    if (f.mode == FilterMode::None) return true;
    bool familyListed = false;
    bool matched = false;
    for (const FilterEntry& e : f.entries) {
        if (e.group.family() != group.family()) continue;
        familyListed = true;
        if (!e.group.contains(group)) continue;
        if (e.source && !(source && e.source->contains(*source))) continue;
        matched = true;
        break;
    }
    if (!familyListed) return true;
    return f.mode == FilterMode::Allow ? matched : !matched;
}

const VlanConfig* BridgeConfig::findVlan(VlanId id) const {
    auto it =
        std::find_if(vlans.begin(), vlans.end(), [&](const VlanConfig& v) { return v.id == id; });
    return it == vlans.end() ? nullptr : &*it;
}

const PortConfig* BridgeConfig::findPort(std::string_view port) const {
    auto it = std::find_if(ports.begin(), ports.end(),
                           [&](const PortConfig& p) { return p.name == port; });
    return it == ports.end() ? nullptr : &*it;
}

LogLevel GlobalConfig::levelOf(Subsystem s) const {
    for (const auto& [sub, level] : logLevels)
        if (sub == s) return level;
    return logLevel;
}

const BridgeConfig* Config::findBridge(std::string_view name) const {
    auto it = std::find_if(bridges.begin(), bridges.end(),
                           [&](const BridgeConfig& b) { return b.name == name; });
    return it == bridges.end() ? nullptr : &*it;
}

}  // namespace mcs::conf
