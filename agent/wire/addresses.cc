// Well-known group addresses and the address sanity rules of the decoder.
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

IpAddr wellKnown(Family f, uint8_t v4Last, uint8_t v6Last) {
    if (f == Family::V4) return IpAddr::v4(0xe0000000u | v4Last);
    uint8_t b[16] = {0xff, 0x02};
    b[15] = v6Last;
    return IpAddr::v6Bytes(b);
}

// RFC 2710 §5 / RFC 4291 §2.7: no MLD for scope 0 (reserved) or 1 (interface-local).
bool v6ScopeAtMostNode(const IpAddr& g) { return (g.data()[1] & 0x0f) <= 1; }

}  // namespace

IpAddr allHosts(Family f) { return wellKnown(f, 1, 0x01); }
IpAddr allRouters(Family f) { return wellKnown(f, 2, 0x02); }
IpAddr allV3Routers(Family f) { return wellKnown(f, 22, 0x16); }
IpAddr allPimRouters(Family f) { return wellKnown(f, 13, 0x0d); }
IpAddr allSnoopers(Family f) { return wellKnown(f, 106, 0x6a); }

// RFC 2236 §6 / RFC 2710 §5: never the all-hosts group; MLD never below link scope.
bool isReportableGroup(const IpAddr& g) {
    if (!g.isMulticast() || g == allHosts(g.family())) return false;
    return g.isV4() || !v6ScopeAtMostNode(g);
}

bool isQueryGroup(const IpAddr& g) { return g.isUnspecified() || g.isMulticast(); }

bool isUnicastSource(const IpAddr& s) {
    if (s.isUnspecified() || s.isMulticast()) return false;
    return !(s.isV4() && s.v4HostOrder() == 0xffffffffu);
}

}  // namespace mcs::wire::detail
