#include "querier/specific_queries.h"

#include <algorithm>
#include <set>

namespace mcs::querier {

void SpecificQueryScheduler::Group::recomputeNextDue() {
    std::optional<TimePoint> d;
    if (group) d = group->due;
    for (const auto& [s, item] : sources) d = d ? std::min(*d, item.due) : item.due;
    nextDue = d.value_or(TimePoint{});
}

bool SpecificQueryScheduler::add(const IpAddr& group, bool queryGroup,
                                 std::span<const IpAddr> sources, uint32_t count, TimePoint now,
                                 uint32_t maxGroups, uint32_t maxSources) {
    if (!queryGroup && sources.empty()) return true;
    auto it = groups_.find(group);
    const bool newGroup = it == groups_.end();
    if (newGroup && groups_.size() >= maxGroups) return false;
    std::set<IpAddr> fresh;
    for (const IpAddr& s : sources)
        if (newGroup || !it->second.sources.contains(s)) fresh.insert(s);
    if (sourceCount_ + fresh.size() > maxSources) return false;

    if (newGroup) it = groups_.emplace(group, Group{}).first;
    Group& g = it->second;
    const Item item{std::max<uint32_t>(count, 1), false, now};
    if (queryGroup) g.group = item;
    for (const IpAddr& s : sources) g.sources.insert_or_assign(s, item);
    sourceCount_ += fresh.size();
    g.recomputeNextDue();
    return true;
}

void SpecificQueryScheduler::raiseGroup(const IpAddr& group) {
    auto it = groups_.find(group);
    if (it != groups_.end() && it->second.group) it->second.group->suppress = true;
}

void SpecificQueryScheduler::raiseSources(const IpAddr& group, std::span<const IpAddr> sources) {
    auto it = groups_.find(group);
    if (it == groups_.end()) return;
    for (const IpAddr& s : sources) {
        auto si = it->second.sources.find(s);
        if (si != it->second.sources.end()) si->second.suppress = true;
    }
}

void SpecificQueryScheduler::cancel(const IpAddr& group) {
    auto it = groups_.find(group);
    if (it == groups_.end()) return;
    sourceCount_ -= it->second.sources.size();
    groups_.erase(it);
}

void SpecificQueryScheduler::clear() {
    groups_.clear();
    sourceCount_ = 0;
}

std::optional<TimePoint> SpecificQueryScheduler::nextDue() const {
    std::optional<TimePoint> d;
    for (const auto& [addr, g] : groups_) d = d ? std::min(*d, g.nextDue) : g.nextDue;
    return d;
}

std::vector<SpecificQueryScheduler::Transmission> SpecificQueryScheduler::takeDue(
    TimePoint now, Duration interval, size_t maxSourcesPerMessage) {
    std::vector<Transmission> out;
    maxSourcesPerMessage = std::max<size_t>(maxSourcesPerMessage, 1);
    auto split = [&](const IpAddr& group, std::vector<IpAddr>& list, bool suppress) {
        for (size_t i = 0; i < list.size(); i += maxSourcesPerMessage) {
            const size_t end = std::min(list.size(), i + maxSourcesPerMessage);
            out.push_back(Transmission{group, {list.begin() + static_cast<ptrdiff_t>(i),
                                               list.begin() + static_cast<ptrdiff_t>(end)},
                                       suppress});
        }
    };
    auto step = [&](Item& item) {   // one transmission done; false when it was the last
        --item.left;
        item.due = now + interval;
        return item.left > 0;
    };
    for (auto it = groups_.begin(); it != groups_.end();) {
        Group& g = it->second;
        if (g.nextDue > now) {
            ++it;
            continue;
        }
        bool groupSent = false;
        if (g.group && g.group->due <= now) {
            out.push_back(Transmission{it->first, {}, g.group->suppress});
            groupSent = true;
            if (!step(*g.group)) g.group.reset();
        }
        std::vector<IpAddr> withS, withoutS;
        for (auto si = g.sources.begin(); si != g.sources.end();) {
            Item& item = si->second;
            if (item.due > now) {
                ++si;
                continue;
            }
            (item.suppress ? withS : withoutS).push_back(si->first);
            if (!step(item)) {
                si = g.sources.erase(si);
                --sourceCount_;
            } else {
                ++si;
            }
        }
        if (!groupSent) split(it->first, withS, true);
        split(it->first, withoutS, false);
        if (!g.group && g.sources.empty()) {
            it = groups_.erase(it);
        } else {
            g.recomputeNextDue();
            ++it;
        }
    }
    return out;
}

}  // namespace mcs::querier
