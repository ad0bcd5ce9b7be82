// Effective values: global -> bridge -> vlan -> port, the most specific level wins.
#include <gtest/gtest.h>

#include "conf/config.h"

namespace mcs::conf {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

BridgeConfig bridge(std::string_view text) {
    auto r = parseConfig(text, "t.conf");
    if (!r) {
        for (const Diagnostic& d : r.error()) ADD_FAILURE() << d.str();
        return {};
    }
    EXPECT_EQ(r->bridges.size(), 1u);
    return r->bridges.empty() ? BridgeConfig{} : r->bridges[0];
}

constexpr std::string_view kLayered = R"(
[global.limits]
max-groups-per-vlan = 1000
report-rate-limit = 50

[[bridge]]
name = "br0"
immediate-leave = false
flood-unregistered = false
static-mrouter-ports = ["up0", "up1"]
max-groups = { limit = 100 }
tcn = { flood-query-count = 5 }
limits = { max-groups-per-vlan = 2000 }
static-groups = [ { group = "239.9.9.9", ports = ["p1"] },
                  { group = "239.8.8.8", vlan = 20, ports = ["p2"] },
                  { group = "ff15::9", ports = ["p1"] } ]
[bridge.querier]
robustness = 3
interval = 100
last-member-count = 4

[[bridge.vlan]]
id = 20
immediate-leave = true
static-mrouter-ports = ["up2"]
tcn = { solicit = true }
querier = { robustness = 5, enabled = true }
limits = { report-rate-limit = 70 }
static-groups = [ { group = "239.7.7.7", ports = ["p3"] } ]

[[bridge.vlan]]
id = 30
families = ["ipv4"]
filter = { mode = "allow", groups = ["239.0.0.0/8"] }
max-groups = { limit = 7, action = "replace" }

[[bridge.port]]
name = "p1"
immediate-leave = false
flood-unregistered = true
report-rate-limit = 9
filter = { mode = "none" }

[[bridge.port]]
name = "up1"
mrouter = "auto"
)";

TEST(ConfResolve, BridgeLevelOverridesGlobal) {
    const BridgeConfig b = bridge(kLayered);
    const VlanPolicy v0 = resolveVlan(b, VlanId{0});
    EXPECT_EQ(v0.limits.maxGroupsPerVlan, 2000u);   // bridge beats global
    EXPECT_EQ(v0.limits.reportRateLimit, 50u);      // global beats default
    EXPECT_EQ(v0.limits.maxSourcesPerGroup, 256u);  // default
    EXPECT_FALSE(v0.immediateLeave);
    EXPECT_FALSE(v0.floodUnregistered);
    EXPECT_EQ(v0.tcn.floodQueryCount, 5u);
    EXPECT_FALSE(v0.tcn.solicit);
    EXPECT_EQ(v0.querier.robustness, 3u);
    EXPECT_EQ(v0.querier.lastMemberCount, 4u);                    // explicit
    EXPECT_EQ(v0.querier.startupQueryCount, 3u);                  // derived: robustness
    EXPECT_EQ(v0.querier.startupQueryInterval, Duration{25000});  // derived: interval / 4
    EXPECT_EQ(v0.maxGroups, (MaxGroups{100, MaxGroupsAction::Deny}));
}

TEST(ConfResolve, VlanOverridesBridgeKeyByKey) {
    const BridgeConfig b = bridge(kLayered);
    const VlanPolicy v20 = resolveVlan(b, VlanId{20});
    EXPECT_TRUE(v20.immediateLeave);
    EXPECT_FALSE(v20.floodUnregistered);     // inherited
    EXPECT_EQ(v20.tcn.floodQueryCount, 5u);  // inherited inside the tcn table
    EXPECT_TRUE(v20.tcn.solicit);
    EXPECT_TRUE(v20.querier.enabled);
    EXPECT_EQ(v20.querier.robustness, 5u);
    EXPECT_EQ(v20.querier.interval, Duration{100000});
    // An explicit bridge-level count beats the VLAN's derived one; the derived startup
    // count follows the VLAN's own robustness.
    EXPECT_EQ(v20.querier.lastMemberCount, 4u);
    EXPECT_EQ(v20.querier.startupQueryCount, 5u);
    EXPECT_EQ(v20.limits.maxGroupsPerVlan, 2000u);
    EXPECT_EQ(v20.limits.reportRateLimit, 70u);
    // A VLAN list replaces the bridge-level list.
    EXPECT_EQ(v20.staticMrouterPorts, std::vector<std::string>{"up2"});
}

TEST(ConfResolve, StaticGroupsAddUpPerVlan) {
    const BridgeConfig b = bridge(kLayered);
    auto groups = [&](uint16_t vid) {
        std::vector<std::string> out;
        for (const StaticGroup& g : resolveVlan(b, VlanId{vid}).staticGroups)
            out.push_back(g.group.str() + (g.vlan ? "@" + std::to_string(g.vlan->value) : ""));
        return out;
    };
    EXPECT_EQ(groups(0), (std::vector<std::string>{"239.9.9.9", "ff15::9"}));
    EXPECT_EQ(groups(20),
              (std::vector<std::string>{"239.9.9.9", "239.8.8.8@20", "ff15::9", "239.7.7.7@20"}));
    // VLAN 30 snoops IPv4 only: the bridge-wide IPv6 entry does not apply there.
    EXPECT_EQ(groups(30), (std::vector<std::string>{"239.9.9.9"}));
}

TEST(ConfResolve, FilterAndMaxGroupsReplaceAsAWhole) {
    const BridgeConfig b = bridge(kLayered);
    const VlanPolicy v30 = resolveVlan(b, VlanId{30});
    EXPECT_EQ(v30.filter.mode, FilterMode::Allow);
    EXPECT_EQ(v30.maxGroups, (MaxGroups{7, MaxGroupsAction::Replace}));
    EXPECT_EQ(v30.families, (Families{true, false}));
    EXPECT_EQ(resolveVlan(b, VlanId{0}).filter.mode, FilterMode::None);
}

TEST(ConfResolve, PortOverridesVlan) {
    const BridgeConfig b = bridge(kLayered);
    const PortPolicy p1 = resolvePort(b, VlanId{20}, "p1");
    EXPECT_FALSE(p1.immediateLeave);    // port beats VLAN 20's true
    EXPECT_TRUE(p1.floodUnregistered);  // port beats bridge's false
    EXPECT_EQ(p1.reportRateLimit, 9u);  // port beats VLAN limits
    EXPECT_EQ(p1.mrouter, MrouterMode::Auto);
    EXPECT_TRUE(p1.tcnFlood);

    const PortPolicy p1v30 = resolvePort(b, VlanId{30}, "p1");
    EXPECT_EQ(p1v30.filter.mode, FilterMode::None);  // switches the VLAN filter off
    EXPECT_EQ(p1v30.maxGroups, (MaxGroups{7, MaxGroupsAction::Replace}));

    // A port without a section gets the VLAN's values.
    const PortPolicy other = resolvePort(b, VlanId{20}, "p9");
    EXPECT_TRUE(other.immediateLeave);
    EXPECT_EQ(other.reportRateLimit, 70u);
    EXPECT_EQ(other.loc.line, resolveVlan(b, VlanId{20}).loc.line);
}

TEST(ConfResolve, MrouterRole) {
    const BridgeConfig b = bridge(kLayered);
    EXPECT_EQ(resolvePort(b, VlanId{0}, "up0").mrouter, MrouterMode::Static);
    EXPECT_EQ(resolvePort(b, VlanId{0}, "up1").mrouter, MrouterMode::Auto);  // port section wins
    EXPECT_EQ(resolvePort(b, VlanId{20}, "up0").mrouter,
              MrouterMode::Auto);  // VLAN 20 list replaces
    EXPECT_EQ(resolvePort(b, VlanId{20}, "up2").mrouter, MrouterMode::Static);
    EXPECT_EQ(resolvePort(b, VlanId{30}, "up0").mrouter, MrouterMode::Static);
}

TEST(ConfResolve, ProxyQuerier) {
    const BridgeConfig b =
        bridge("[[bridge]]\nname = \"br0\"\nquerier = { enabled = true, address = \"0.0.0.0\" }\n");
    const VlanPolicy v = resolveVlan(b, VlanId{0});
    EXPECT_TRUE(v.querier.proxy());
    EXPECT_EQ(v.querier.address, ip("0.0.0.0"));
    EXPECT_FALSE(v.querier.address6);
}

TEST(ConfResolve, DefaultsComeFromTheKeyTable) {
    const BridgeConfig b = bridge("[[bridge]]\nname = \"br0\"\n");
    const VlanPolicy v = resolveVlan(b, VlanId{0});
    EXPECT_TRUE(v.snooping);
    EXPECT_EQ(v.igmpVersion, 3);
    EXPECT_EQ(v.mldVersion, 2);
    EXPECT_FALSE(v.immediateLeave);
    EXPECT_TRUE(v.floodUnregistered);
    EXPECT_FALSE(v.floodReports);
    EXPECT_FALSE(v.maxGroups);
    EXPECT_EQ(v.tcn, (TcnPolicy{2, false, true}));
    EXPECT_EQ(v.querier.interval, Duration{125000});
    EXPECT_EQ(v.querier.responseInterval, Duration{10000});
    EXPECT_EQ(v.querier.lastMemberInterval, Duration{1000});
    EXPECT_EQ(v.querier.robustness, 2u);
    EXPECT_EQ(v.querier.lastMemberCount, 2u);
    EXPECT_FALSE(v.querier.enabled);
    EXPECT_FALSE(v.querier.address);
}

}  // namespace
}  // namespace mcs::conf
