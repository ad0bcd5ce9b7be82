#include "agent/core/kernel_form.h"

#include <algorithm>

#include "agent/core/source_set.h"

namespace mcs::core {

namespace {

using Entry = std::pair<MdbKey, MdbAttrs>;

MdbAttrs excludeNone() { return MdbAttrs{FilterMode::Exclude, {}}; }

void srcListForm(std::vector<Entry>& e, VlanId vid, const IpAddr& g, std::span<const PortFilter> ports,
                 const KernelCaps& caps) {
    const IpAddr star = IpAddr::unspecified(g.family());
    for (const auto& p : ports) {
        MdbKey key{vid, g, star, p.port};
        if (p.mode == FilterMode::Include) {
            if (p.sources.empty()) continue;
            if (p.sources.size() > caps.maxSources)
                e.emplace_back(key, excludeNone());   // cannot list them all: forward all
            else
                e.emplace_back(key, MdbAttrs{FilterMode::Include, p.sources});
        } else {
            AddrList blocked = p.sources;
            if (blocked.size() > caps.maxSources) blocked.resize(caps.maxSources);   // rest forwarded
            e.emplace_back(key, MdbAttrs{FilterMode::Exclude, std::move(blocked)});
        }
    }
}

void sgForm(std::vector<Entry>& e, VlanId vid, const IpAddr& g, std::span<const PortFilter> ports) {
    const IpAddr star = IpAddr::unspecified(g.family());
    AddrList included;
    bool anyExclude = false;
    for (const auto& p : ports) {
        if (p.mode == FilterMode::Exclude) {
            anyExclude = true;
            e.emplace_back(MdbKey{vid, g, star, p.port}, excludeNone());
            continue;
        }
        for (const auto& s : p.sources) e.emplace_back(MdbKey{vid, g, s, p.port}, MdbAttrs{FilterMode::Include, {}});
        included = unite(included, p.sources);
    }
    if (!anyExclude) return;
    for (const auto& p : ports)
        if (p.mode == FilterMode::Exclude)
            for (const auto& s : included) e.emplace_back(MdbKey{vid, g, s, p.port}, MdbAttrs{FilterMode::Include, {}});
}

}  // namespace

void appendKernelForm(MdbSnapshot& out, VlanId vid, const IpAddr& group,
                      std::span<const PortFilter> ports, const KernelCaps& caps) {
    std::vector<Entry> e;
    e.reserve(ports.size());
    if (caps.srcList) {
        srcListForm(e, vid, group, ports, caps);
    } else if (caps.sourceSpecific) {
        sgForm(e, vid, group, ports);
    } else {
        const IpAddr star = IpAddr::unspecified(group.family());
        for (const auto& p : ports)
            if (p.mode == FilterMode::Exclude || !p.sources.empty())
                e.emplace_back(MdbKey{vid, group, star, p.port}, excludeNone());
    }
    std::sort(e.begin(), e.end(), [](const Entry& a, const Entry& b) { return a.first < b.first; });
    auto hint = e.empty() ? out.end() : out.lower_bound(e.front().first);
    for (auto& x : e) {
        hint = out.insert_or_assign(hint, x.first, std::move(x.second));
        ++hint;
    }
}

}  // namespace mcs::core
