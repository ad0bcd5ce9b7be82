// Effective values: the most specific level that sets a key wins (port, vlan, bridge,
// global), and conf/keys.h supplies the rest.
#include <algorithm>

#include "conf/defaults.h"
#include "conf/enums.h"
#include "conf/keys.h"

namespace mcs::conf {

namespace {

template <typename T>
T pick(const std::optional<T>& specific, const std::optional<T>& general, T fallback) {
    if (specific) return *specific;
    if (general) return *general;
    return fallback;
}

template <typename T>
std::optional<T> pickOpt(const std::optional<T>& specific, const std::optional<T>& general) {
    return specific ? specific : general;
}

constexpr uint32_t defU32(const KeySpec& s) { return static_cast<uint32_t>(s.def); }
constexpr bool defBool(const KeySpec& s) { return s.def != 0; }
constexpr Duration defDuration(const KeySpec& s) { return Duration{s.def}; }

template <typename E, size_t N>
constexpr E defEnum(const KeySpec& s, const EnumTable<E, N>& t) {
    return *enumFromName(t, s.defText);
}

// The list defaults of `families` and `mrouter.learn-from` are "everything".
static_assert(keySpec(Table::Bridge, "families").defText == "[\"ipv4\", \"ipv6\"]");
static_assert(keySpec(Table::Mrouter, "learn-from").defText == "[\"query\", \"pim\", \"mrd\"]");
constexpr Families kAllFamilies{true, true};
constexpr MrouterLearn kLearnAll{true, true, true};

}  // namespace

Limits defaultLimits() {
    Limits l;
    l.maxGroupsPerVlan = defU32(keySpec(Table::Limits, "max-groups-per-vlan"));
    l.maxSourcesPerGroup = defU32(keySpec(Table::Limits, "max-sources-per-group"));
    l.maxHostsPerGroupPort = defU32(keySpec(Table::Limits, "max-hosts-per-group-port"));
    l.maxRecordsPerReport = defU32(keySpec(Table::Limits, "max-records-per-report"));
    l.reportRateLimit = defU32(keySpec(Table::Limits, "report-rate-limit"));
    return l;
}

Limits applyOverrides(Limits l, const LimitOverrides& o) {
    if (o.maxGroupsPerVlan) l.maxGroupsPerVlan = *o.maxGroupsPerVlan;
    if (o.maxSourcesPerGroup) l.maxSourcesPerGroup = *o.maxSourcesPerGroup;
    if (o.maxHostsPerGroupPort) l.maxHostsPerGroupPort = *o.maxHostsPerGroupPort;
    if (o.maxRecordsPerReport) l.maxRecordsPerReport = *o.maxRecordsPerReport;
    if (o.reportRateLimit) l.reportRateLimit = *o.reportRateLimit;
    return l;
}

GlobalConfig defaultGlobal() {
    GlobalConfig g;
    g.runtimeDir = std::string(keySpec(Table::Global, "runtime-dir").defText);
    g.logLevel = defEnum(keySpec(Table::Global, "log-level"), kLogLevelNames);
    g.dbus = defBool(keySpec(Table::Global, "dbus"));
    g.strictValidation = defBool(keySpec(Table::Global, "strict-validation"));
    g.limits = defaultLimits();
    return g;
}

Config defaultConfig() {
    Config c;
    c.global = defaultGlobal();
    return c;
}

VlanPolicy resolveVlan(const BridgeConfig& b, VlanId vid) {
    static const SnoopingSettings kNothing;
    const VlanConfig* vc = vid.value != 0 ? b.findVlan(vid) : nullptr;
    const SnoopingSettings& br = b.settings;
    const SnoopingSettings& vl = vc ? vc->settings : kNothing;

    VlanPolicy p;
    p.bridge = b.name;
    p.vlan = vid;
    p.loc = vc ? vc->loc : b.loc;
    p.snooping = pick(vl.snooping, br.snooping, defBool(keySpec(Table::Bridge, "snooping")));
    p.families = pick(vl.families, br.families, kAllFamilies);
    p.igmpVersion = pick(vl.igmpVersion, br.igmpVersion,
                         static_cast<uint8_t>(keySpec(Table::Bridge, "igmp-version").def));
    p.mldVersion = pick(vl.mldVersion, br.mldVersion,
                        static_cast<uint8_t>(keySpec(Table::Bridge, "mld-version").def));
    p.immediateLeave = pick(vl.immediateLeave, br.immediateLeave,
                            defBool(keySpec(Table::Bridge, "immediate-leave")));
    p.floodUnregistered = pick(vl.floodUnregistered, br.floodUnregistered,
                               defBool(keySpec(Table::Bridge, "flood-unregistered")));
    p.floodReports =
        pick(vl.floodReports, br.floodReports, defBool(keySpec(Table::Bridge, "flood-reports")));
    p.staticMrouterPorts = pick(vl.staticMrouterPorts, br.staticMrouterPorts, {});

    // A bridge-level entry without vlan applies to every VLAN, but only to those that
    // snoop its family (the parser refuses the mismatch where a VLAN is named).
    auto snooped = [&](const StaticGroup& g) {
        return g.group.isV4() ? p.families.ipv4 : p.families.ipv6;
    };
    for (const StaticGroup& g : br.staticGroups)
        if ((!g.vlan || *g.vlan == vid) && snooped(g)) p.staticGroups.push_back(g);
    for (StaticGroup g : vl.staticGroups) {
        g.vlan = vid;
        if (snooped(g)) p.staticGroups.push_back(std::move(g));
    }

    p.filter = pick(vl.filter, br.filter, Filter{});
    p.maxGroups = pickOpt(vl.maxGroups, br.maxGroups);

    p.tcn.floodQueryCount = pick(vl.tcn.floodQueryCount, br.tcn.floodQueryCount,
                                 defU32(keySpec(Table::Tcn, "flood-query-count")));
    p.tcn.solicit = pick(vl.tcn.solicit, br.tcn.solicit, defBool(keySpec(Table::Tcn, "solicit")));
    p.tcn.solicitWhenRoot = pick(vl.tcn.solicitWhenRoot, br.tcn.solicitWhenRoot,
                                 defBool(keySpec(Table::Tcn, "solicit-when-root")));

    p.mrouter.learnFrom = pick(vl.mrouter.learnFrom, br.mrouter.learnFrom, kLearnAll);
    p.mrouter.timeout = pick(vl.mrouter.timeout, br.mrouter.timeout,
                             defDuration(keySpec(Table::Mrouter, "timeout")));

    const QuerierSettings& bq = br.querier;
    const QuerierSettings& vq = vl.querier;
    QuerierPolicy& q = p.querier;
    q.enabled = pick(vq.enabled, bq.enabled, defBool(keySpec(Table::Querier, "enabled")));
    q.address = pickOpt(vq.address, bq.address);
    q.address6 = pickOpt(vq.address6, bq.address6);
    q.interval = pick(vq.interval, bq.interval, defDuration(keySpec(Table::Querier, "interval")));
    q.responseInterval = pick(vq.responseInterval, bq.responseInterval,
                              defDuration(keySpec(Table::Querier, "response-interval")));
    q.lastMemberInterval = pick(vq.lastMemberInterval, bq.lastMemberInterval,
                                defDuration(keySpec(Table::Querier, "last-member-interval")));
    q.robustness =
        pick(vq.robustness, bq.robustness, defU32(keySpec(Table::Querier, "robustness")));
    // Derived defaults (RFC 3376 8.6, 8.7, 8.9): an explicit value at any level beats them.
    static_assert(keySpec(Table::Querier, "last-member-count").defText == "robustness");
    static_assert(keySpec(Table::Querier, "startup-query-count").defText == "robustness");
    static_assert(keySpec(Table::Querier, "startup-query-interval").defText == "interval / 4");
    q.lastMemberCount = pick(vq.lastMemberCount, bq.lastMemberCount, q.robustness);
    q.startupQueryInterval = pick(vq.startupQueryInterval, bq.startupQueryInterval, q.interval / 4);
    q.startupQueryCount = pick(vq.startupQueryCount, bq.startupQueryCount, q.robustness);

    p.limits = applyOverrides(applyOverrides(b.globalLimits, br.limits), vl.limits);
    return p;
}

PortPolicy resolvePort(const BridgeConfig& b, VlanId vid, std::string_view port) {
    const VlanPolicy v = resolveVlan(b, vid);
    static const PortConfig kNothing;
    const PortConfig* found = b.findPort(port);
    const PortConfig& pc = found ? *found : kNothing;

    PortPolicy p;
    p.bridge = b.name;
    p.port = std::string(port);
    p.vlan = vid;
    p.loc = found ? pc.loc : v.loc;
    p.immediateLeave = pc.immediateLeave.value_or(v.immediateLeave);
    p.floodUnregistered = pc.floodUnregistered.value_or(v.floodUnregistered);
    p.floodReports = pc.floodReports.value_or(v.floodReports);
    p.tcnFlood = pc.tcnFlood.value_or(defBool(keySpec(Table::Port, "tcn-flood")));
    const bool listed = std::find(v.staticMrouterPorts.begin(), v.staticMrouterPorts.end(), port) !=
                        v.staticMrouterPorts.end();
    p.mrouter = pc.mrouter.value_or(
        listed ? MrouterMode::Static : defEnum(keySpec(Table::Port, "mrouter"), kMrouterModeNames));
    p.maxGroups = pickOpt(pc.maxGroups, v.maxGroups);
    p.filter = pc.filter.value_or(v.filter);
    p.reportRateLimit = pc.reportRateLimit.value_or(v.limits.reportRateLimit);
    return p;
}

}  // namespace mcs::conf
