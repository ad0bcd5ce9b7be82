#include "agent/core/mrouter_ports.h"

#include <algorithm>

namespace mcs::core {

bool MrouterTable::none(const Expiries& e) {
    return std::all_of(e.begin(), e.end(), [](TimePoint t) { return t == kStopped; });
}

std::optional<MrouterChange> MrouterTable::learn(IfIndex port, MrouterOrigin origin, TimePoint until) {
    auto [it, inserted] = ports_.try_emplace(port);
    if (inserted) it->second.fill(kStopped);
    it->second[static_cast<size_t>(origin)] = until;
    if (inserted) return MrouterChange{port, true, origin};
    return std::nullopt;
}

std::optional<MrouterChange> MrouterTable::forget(IfIndex port, MrouterOrigin origin) {
    auto it = ports_.find(port);
    if (it == ports_.end()) return std::nullopt;
    it->second[static_cast<size_t>(origin)] = kStopped;
    if (!none(it->second)) return std::nullopt;
    ports_.erase(it);
    return MrouterChange{port, false, origin};
}

std::optional<MrouterChange> MrouterTable::dropPort(IfIndex port, bool keepStatic) {
    auto it = ports_.find(port);
    if (it == ports_.end()) return std::nullopt;
    MrouterOrigin last = MrouterOrigin::Query;
    for (size_t i = 0; i < kOrigins; ++i) {
        if (keepStatic && i == static_cast<size_t>(MrouterOrigin::Static)) continue;
        if (it->second[i] != kStopped) last = static_cast<MrouterOrigin>(i);
        it->second[i] = kStopped;
    }
    if (!none(it->second)) return std::nullopt;
    ports_.erase(it);
    return MrouterChange{port, false, last};
}

std::vector<MrouterChange> MrouterTable::expire(TimePoint now) {
    std::vector<MrouterChange> out;
    for (auto it = ports_.begin(); it != ports_.end();) {
        MrouterOrigin last = MrouterOrigin::Query;
        for (size_t i = 0; i < kOrigins; ++i) {
            if (it->second[i] != kStopped && it->second[i] <= now) {
                it->second[i] = kStopped;
                last = static_cast<MrouterOrigin>(i);
            }
        }
        if (none(it->second)) {
            out.push_back({it->first, false, last});
            it = ports_.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

TimePoint MrouterTable::nextDeadline() const {
    TimePoint t = kNever;
    for (const auto& [port, e] : ports_)
        for (TimePoint x : e)
            if (x != kStopped) t = std::min(t, x);
    return t;
}

std::vector<IfIndex> MrouterTable::routers() const {
    std::vector<IfIndex> out;
    out.reserve(ports_.size());
    for (const auto& [port, e] : ports_) out.push_back(port);
    return out;
}

std::vector<MrouterEvidence> MrouterTable::evidence(IfIndex port) const {
    std::vector<MrouterEvidence> out;
    auto it = ports_.find(port);
    if (it == ports_.end()) return out;
    for (size_t i = 0; i < kOrigins; ++i) {
        const TimePoint t = it->second[i];
        if (t == kStopped) continue;
        out.push_back({static_cast<MrouterOrigin>(i), t == kNever ? std::nullopt : std::optional(t)});
    }
    return out;
}

}  // namespace mcs::core
