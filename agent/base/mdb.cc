#include "agent/base/mdb.h"

#include "agent/base/enum_table.h"

namespace mcs {

namespace {
constexpr EnumTable<FilterMode, 2> kFilterModeNames{{
    {FilterMode::Include, "include"},
    {FilterMode::Exclude, "exclude"},
}};
}  // namespace

std::string_view to_string(FilterMode m) { return enumName(kFilterModeNames, m); }

MdbDelta diff(const MdbSnapshot& applied, const MdbSnapshot& desired) {
    MdbDelta d;
    auto a = applied.begin();
    auto b = desired.begin();
    // Both maps are ordered by key: one merge pass.
    while (a != applied.end() || b != desired.end()) {
        if (b == desired.end() || (a != applied.end() && a->first < b->first)) {
            d.remove.push_back(a->first);
            ++a;
        } else if (a == applied.end() || b->first < a->first) {
            d.add.emplace_back(b->first, b->second);
            ++b;
        } else {
            if (!(a->second == b->second)) d.change.emplace_back(b->first, b->second);
            ++a;
            ++b;
        }
    }
    return d;
}

std::string dump(const MdbSnapshot& s, std::string_view (*portName)(IfIndex)) {
    std::string out;
    for (const auto& [k, v] : s) {
        out += "vid ";
        out += std::to_string(k.vid.value);
        out += ' ';
        out += k.group.str();
        out += k.isStarG() ? std::string(" *") : " src " + k.source.str();
        out += " port ";
        if (portName)
            out += portName(k.port);
        else
            out += std::to_string(k.port.value);
        if (k.isStarG()) {
            out += ' ';
            out += to_string(v.mode);
            if (!v.sources.empty()) {
                out += " {";
                for (size_t i = 0; i < v.sources.size(); ++i) {
                    if (i) out += ',';
                    out += v.sources[i].str();
                }
                out += '}';
            }
        }
        out += '\n';
    }
    return out;
}

}  // namespace mcs
