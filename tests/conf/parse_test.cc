// Valid files: the contract example, the shipped example, defaults, value forms.
#include <gtest/gtest.h>

#include "conf/config.h"
#include "conf/keys.h"

namespace mcs::conf {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

std::string describe(const std::vector<Diagnostic>& ds) {
    std::string out;
    for (const Diagnostic& d : ds) out += d.str() + "\n";
    return out;
}

Config load(const std::string& path) {
    auto r = loadConfigFile(path);
    EXPECT_TRUE(r) << describe(r ? std::vector<Diagnostic>{} : r.error());
    return r ? *r : Config{};
}

Config parse(std::string_view text) {
    auto r = parseConfig(text, "t.conf");
    EXPECT_TRUE(r) << describe(r ? std::vector<Diagnostic>{} : r.error());
    return r ? *r : Config{};
}

TEST(ConfParse, EmptyFileGivesDefaults) {
    const Config c = parse("");
    EXPECT_EQ(c, defaultConfig());
    EXPECT_EQ(c.global.runtimeDir, "/run/mcsnoopd");
    EXPECT_EQ(c.global.logLevel, LogLevel::Info);
    EXPECT_TRUE(c.global.dbus);
    EXPECT_FALSE(c.global.strictValidation);
    EXPECT_EQ(c.global.limits.maxGroupsPerVlan, 4096u);
    EXPECT_EQ(c.global.limits.reportRateLimit, 1000u);
    EXPECT_TRUE(c.bridges.empty());
}

TEST(ConfParse, ContractExampleParsesAsWritten) {
    const Config c = load(MCS_SOURCE_DIR "/tests/conf/data/contract.toml");
    ASSERT_EQ(c.bridges.size(), 1u);
    const BridgeConfig& b = c.bridges[0];
    EXPECT_EQ(b.name, "br0");
    EXPECT_EQ(b.loc.line, 1u);
    EXPECT_EQ(b.loc.str().substr(b.loc.str().find("contract.toml")), "contract.toml:1:1");
    EXPECT_EQ(b.settings.igmpVersion, uint8_t{3});
    EXPECT_EQ(b.settings.mldVersion, uint8_t{2});
    EXPECT_EQ(b.settings.immediateLeave, false);
    EXPECT_EQ(b.settings.floodUnregistered, true);
    EXPECT_EQ(b.settings.staticMrouterPorts, std::vector<std::string>{"eth1"});

    ASSERT_EQ(b.settings.staticGroups.size(), 2u);
    EXPECT_EQ(b.settings.staticGroups[0].group, ip("239.1.1.1"));
    EXPECT_FALSE(b.settings.staticGroups[0].source);
    EXPECT_EQ(b.settings.staticGroups[0].ports, std::vector<std::string>{"eth2"});
    EXPECT_EQ(b.settings.staticGroups[1].group, ip("232.1.1.1"));
    EXPECT_EQ(b.settings.staticGroups[1].source, ip("192.0.2.9"));
    EXPECT_EQ(b.settings.staticGroups[1].loc.line, 9u);

    ASSERT_TRUE(b.settings.filter);
    EXPECT_EQ(b.settings.filter->mode, FilterMode::Deny);
    ASSERT_EQ(b.settings.filter->entries.size(), 2u);
    EXPECT_EQ(b.settings.filter->entries[0].group.str(), "239.255.0.0/16");
    EXPECT_EQ(b.settings.filter->entries[1].group.str(), "ff05::/16");

    EXPECT_EQ(b.settings.maxGroups, (MaxGroups{256, MaxGroupsAction::Deny}));
    EXPECT_EQ(b.settings.tcn.floodQueryCount, 2u);
    EXPECT_EQ(b.settings.tcn.solicit, false);
    EXPECT_FALSE(b.settings.tcn.solicitWhenRoot);

    const QuerierSettings& q = b.settings.querier;
    EXPECT_EQ(q.enabled, false);
    EXPECT_EQ(q.address, ip("192.0.2.254"));
    EXPECT_EQ(q.address6, ip("fe80::254"));
    EXPECT_EQ(q.interval, Duration{125000});
    EXPECT_EQ(q.responseInterval, Duration{10000});
    EXPECT_EQ(q.lastMemberInterval, Duration{1000});
    EXPECT_EQ(q.robustness, 2u);
    EXPECT_FALSE(q.lastMemberCount);

    ASSERT_EQ(b.vlans.size(), 1u);
    EXPECT_EQ(b.vlans[0].id, VlanId{10});
    EXPECT_EQ(b.vlans[0].loc.line, 23u);
    EXPECT_EQ(b.vlans[0].settings.immediateLeave, true);
    EXPECT_EQ(b.vlans[0].settings.querier.enabled, true);
    EXPECT_EQ(b.vlans[0].settings.querier.address, ip("10.0.10.1"));

    ASSERT_EQ(b.ports.size(), 1u);
    EXPECT_EQ(b.ports[0].name, "lan1");
    EXPECT_EQ(b.ports[0].loc.line, 28u);
    EXPECT_EQ(b.ports[0].immediateLeave, true);
    EXPECT_EQ(b.ports[0].maxGroups, (MaxGroups{16, MaxGroupsAction::Replace}));
}

TEST(ConfParse, ContractExampleResolves) {
    const Config c = load(MCS_SOURCE_DIR "/tests/conf/data/contract.toml");
    ASSERT_EQ(c.bridges.size(), 1u);
    const BridgeConfig& b = c.bridges[0];

    // VLAN 0: the bridge level with defaults filled in.
    const VlanPolicy v0 = resolveVlan(b, VlanId{0});
    EXPECT_TRUE(v0.snooping);
    EXPECT_EQ(v0.families, (Families{true, true}));
    EXPECT_FALSE(v0.immediateLeave);
    EXPECT_FALSE(v0.floodReports);
    EXPECT_FALSE(v0.querier.enabled);
    EXPECT_EQ(v0.querier.address, ip("192.0.2.254"));
    EXPECT_EQ(v0.querier.lastMemberCount, 2u);                    // = robustness
    EXPECT_EQ(v0.querier.startupQueryInterval, Duration{31250});  // = interval / 4
    EXPECT_EQ(v0.querier.startupQueryCount, 2u);
    EXPECT_TRUE(v0.tcn.solicitWhenRoot);
    EXPECT_EQ(v0.mrouter.learnFrom, (MrouterLearn{true, true, true}));
    EXPECT_EQ(v0.mrouter.timeout, Duration{255000});
    EXPECT_EQ(v0.staticGroups.size(), 2u);
    EXPECT_EQ(v0.limits, c.global.limits);

    // VLAN 10 overrides immediate-leave and the querier, key by key.
    const VlanPolicy v10 = resolveVlan(b, VlanId{10});
    EXPECT_TRUE(v10.immediateLeave);
    EXPECT_TRUE(v10.querier.enabled);
    EXPECT_EQ(v10.querier.address, ip("10.0.10.1"));
    EXPECT_EQ(v10.querier.address6, ip("fe80::254"));  // inherited
    EXPECT_EQ(v10.querier.interval, Duration{125000});
    EXPECT_EQ(v10.filter, v0.filter);
    EXPECT_EQ(v10.loc.line, 23u);

    // A VLAN without a section is the bridge level.
    VlanPolicy v99 = resolveVlan(b, VlanId{99});
    EXPECT_EQ(v99.vlan, VlanId{99});
    v99.vlan = VlanId{0};
    EXPECT_EQ(v99, v0);

    const PortPolicy lan1 = resolvePort(b, VlanId{0}, "lan1");
    EXPECT_TRUE(lan1.immediateLeave);
    EXPECT_EQ(lan1.maxGroups, (MaxGroups{16, MaxGroupsAction::Replace}));
    EXPECT_EQ(lan1.mrouter, MrouterMode::Auto);
    EXPECT_EQ(lan1.loc.line, 28u);

    const PortPolicy eth1 = resolvePort(b, VlanId{10}, "eth1");
    EXPECT_EQ(eth1.mrouter, MrouterMode::Static);  // static-mrouter-ports
    EXPECT_TRUE(eth1.immediateLeave);              // from VLAN 10
    EXPECT_EQ(eth1.maxGroups, (MaxGroups{256, MaxGroupsAction::Deny}));
    EXPECT_EQ(eth1.reportRateLimit, 1000u);
    EXPECT_EQ(eth1.filter.mode, FilterMode::Deny);
}

TEST(ConfParse, ShippedExampleParsesCleanly) {
    const Config c = load(MCS_SOURCE_DIR "/conf/mcsnoopd.conf.example");
    ASSERT_EQ(c.bridges.size(), 1u);
    EXPECT_EQ(c.bridges[0].vlans.size(), 2u);
    EXPECT_EQ(c.bridges[0].ports.size(), 3u);
}

TEST(ConfParse, DurationsTakeDecimalSeconds) {
    const Config c = parse(R"([[bridge]]
name = "br0"
querier = { interval = 60, response-interval = 2.5, last-member-interval = 0.1, startup-query-interval = 3174.4 }
mrouter = { timeout = 10 }
)");
    ASSERT_EQ(c.bridges.size(), 1u);
    const QuerierSettings& q = c.bridges[0].settings.querier;
    EXPECT_EQ(q.interval, Duration{60000});
    EXPECT_EQ(q.responseInterval, Duration{2500});
    EXPECT_EQ(q.lastMemberInterval, Duration{100});
    EXPECT_EQ(q.startupQueryInterval, Duration{3174400});
    EXPECT_EQ(c.bridges[0].settings.mrouter.timeout, Duration{10000});
}

TEST(ConfParse, GlobalSection) {
    const Config c = parse(R"([global]
runtime-dir = "/var/run/snoop"
log-level = "warn"
log = { mdb = "debug", igmp = "trace" }
dbus = false
strict-validation = true
[global.limits]
max-groups-per-vlan = 100
report-rate-limit = 0
[[bridge]]
name = "br0"
limits = { max-sources-per-group = 16 }
)");
    EXPECT_EQ(c.global.runtimeDir, "/var/run/snoop");
    EXPECT_EQ(c.global.logLevel, LogLevel::Warn);
    EXPECT_EQ(c.global.levelOf(Subsystem::Mdb), LogLevel::Debug);
    EXPECT_EQ(c.global.levelOf(Subsystem::Igmp), LogLevel::Trace);
    EXPECT_EQ(c.global.levelOf(Subsystem::Netlink), LogLevel::Warn);
    EXPECT_FALSE(c.global.dbus);
    EXPECT_TRUE(c.global.strictValidation);
    EXPECT_EQ(c.global.limits.maxGroupsPerVlan, 100u);
    EXPECT_EQ(c.global.limits.reportRateLimit, 0u);
    EXPECT_EQ(c.global.limits.maxSourcesPerGroup, 256u);
    ASSERT_EQ(c.bridges.size(), 1u);
    EXPECT_EQ(c.bridges[0].globalLimits, c.global.limits);
    const VlanPolicy v = resolveVlan(c.bridges[0], VlanId{0});
    EXPECT_EQ(v.limits.maxGroupsPerVlan, 100u);
    EXPECT_EQ(v.limits.maxSourcesPerGroup, 16u);
}

TEST(ConfParse, FilterForms) {
    const Config c = parse(R"([[bridge]]
name = "br0"
filter = { mode = "allow", groups = ["239.1.2.3", "ff3e::/32", { prefix = "232.0.0.0/8", source = "192.0.2.0/24" }] }
)");
    ASSERT_EQ(c.bridges.size(), 1u);
    const Filter& f = *c.bridges[0].settings.filter;
    ASSERT_EQ(f.entries.size(), 3u);
    EXPECT_EQ(f.entries[0].group.str(), "239.1.2.3/32");
    EXPECT_EQ(f.entries[1].group.str(), "ff3e::/32");
    EXPECT_EQ(f.entries[2].source->str(), "192.0.2.0/24");
    EXPECT_EQ(f.loc.line, 3u);
}

TEST(ConfParse, FilterPermits) {
    const Config c = parse(R"([[bridge]]
name = "br0"
filter = { mode = "allow", groups = ["239.1.0.0/16", { prefix = "232.0.0.0/8", source = "192.0.2.0/24" }] }
)");
    const Filter& f = *c.bridges[0].settings.filter;
    EXPECT_TRUE(permits(f, ip("239.1.7.7"), std::nullopt));
    EXPECT_FALSE(permits(f, ip("239.2.7.7"), std::nullopt));
    EXPECT_TRUE(permits(f, ip("232.1.1.1"), ip("192.0.2.55")));
    EXPECT_FALSE(permits(f, ip("232.1.1.1"), ip("198.51.100.1")));
    EXPECT_FALSE(permits(f, ip("232.1.1.1"), std::nullopt));  // (*,G) does not match an (S,G) entry
    // No IPv6 entry: the filter leaves MLD alone.
    EXPECT_TRUE(permits(f, ip("ff02::1:ff00:1"), std::nullopt));

    Filter deny{FilterMode::Deny, f.entries, {}};
    EXPECT_FALSE(permits(deny, ip("239.1.7.7"), std::nullopt));
    EXPECT_TRUE(permits(deny, ip("239.2.7.7"), std::nullopt));
    EXPECT_TRUE(permits(Filter{}, ip("239.1.7.7"), std::nullopt));
}

TEST(ConfParse, PortKeys) {
    const Config c = parse(R"([[bridge]]
name = "br0"
[[bridge.port]]
name = "up0"
flood-reports = true
flood-unregistered = false
tcn-flood = false
mrouter = "static"
report-rate-limit = 0
filter = { mode = "none" }
)");
    const PortConfig& p = c.bridges[0].ports[0];
    EXPECT_EQ(p.floodReports, true);
    EXPECT_EQ(p.floodUnregistered, false);
    EXPECT_EQ(p.tcnFlood, false);
    EXPECT_EQ(p.mrouter, MrouterMode::Static);
    EXPECT_EQ(p.reportRateLimit, 0u);
    EXPECT_EQ(p.filter->mode, FilterMode::None);
}

}  // namespace
}  // namespace mcs::conf
