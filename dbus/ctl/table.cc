#include "dbus/ctl/table.h"

#include <algorithm>
#include <cstdio>

namespace mcs::ctl {

void Table::print(std::ostream& out) const {
    size_t columns = header_.size();
    for (const auto& r : rows_) columns = std::max(columns, r.size());
    std::vector<size_t> width(columns, 0);
    auto measure = [&](const std::vector<std::string>& r) {
        for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
    };
    measure(header_);
    for (const auto& r : rows_) measure(r);
    auto line = [&](const std::vector<std::string>& r) {
        std::string s;
        for (size_t i = 0; i < r.size() && i < width.size(); ++i) {
            s += r[i];
            if (i + 1 < r.size()) s.append(width[i] - r[i].size() + 2, ' ');
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out << s << '\n';
    };
    if (!header_.empty()) line(header_);
    for (const auto& r : rows_) line(r);
}

std::string formatTimer(uint64_t ms) {
    if (ms == 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%llu.%02llu", static_cast<unsigned long long>(ms / 1000),
                  static_cast<unsigned long long>((ms % 1000) / 10));
    return buf;
}

}  // namespace mcs::ctl
