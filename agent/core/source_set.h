// Sorted, duplicate-free address lists and the set algebra of RFC 9776 §6 / RFC
// 9777 §7 notation (A+B union, A*B intersection, A-B difference).
#pragma once

#include <algorithm>
#include <iterator>
#include <span>
#include <vector>

#include "agent/base/types.h"

namespace mcs::core {

using AddrList = std::vector<IpAddr>;

inline void normalize(AddrList& l) {
    std::sort(l.begin(), l.end());
    l.erase(std::unique(l.begin(), l.end()), l.end());
}

inline bool contains(std::span<const IpAddr> l, const IpAddr& a) {
    return std::binary_search(l.begin(), l.end(), a);
}

inline AddrList unite(std::span<const IpAddr> a, std::span<const IpAddr> b) {
    AddrList r;
    r.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(r));
    return r;
}

inline AddrList intersect(std::span<const IpAddr> a, std::span<const IpAddr> b) {
    AddrList r;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(r));
    return r;
}

inline AddrList minus(std::span<const IpAddr> a, std::span<const IpAddr> b) {
    AddrList r;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(r));
    return r;
}

}  // namespace mcs::core
