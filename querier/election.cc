#include "querier/election.h"

#include <algorithm>

namespace mcs::querier {

std::string_view to_string(SourceKind k) { return enumName(kSourceKindNames, k); }

bool lowerForElection(const IpAddr& a, const IpAddr& b) {
    if (a.isV6() && b.isV6()) {
        const uint8_t* x = a.data();
        const uint8_t* y = b.data();
        if (!std::equal(x + 8, x + 16, y + 8))
            return std::lexicographical_compare(x + 8, x + 16, y + 8, y + 16);
    }
    return a < b;
}

SourceKind classifyQuerySource(const IpAddr& src, Family family) {
    if (src.family() != family) return SourceKind::WrongFamily;
    if (src.isUnspecified()) return SourceKind::Proxy;
    if (family == Family::V6 && !src.isLinkLocalUnicastV6()) return SourceKind::NotLinkLocal;
    return SourceKind::Router;
}

bool beats(const IpAddr& contender, const IpAddr& own) {
    if (contender.isUnspecified()) return false;
    if (own.isUnspecified()) return true;
    return lowerForElection(contender, own);
}

}  // namespace mcs::querier
