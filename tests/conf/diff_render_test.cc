// Reload diffs and canonical rendering.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "conf/config.h"

namespace mcs::conf {
namespace {

Config parse(std::string_view text) {
    auto r = parseConfig(text, "t.conf");
    if (!r) {
        for (const Diagnostic& d : r.error()) ADD_FAILURE() << d.str();
        return {};
    }
    return *r;
}

constexpr std::string_view kBase = R"([[bridge]]
name = "br0"
immediate-leave = false
[[bridge.vlan]]
id = 10
querier = { enabled = true }
[[bridge.vlan]]
id = 20
[[bridge.port]]
name = "lan1"
immediate-leave = true

[[bridge]]
name = "br1"
)";

TEST(ConfDiff, SameConfigIsNoChangeEvenWhenMovedAround) {
    const Config a = parse(kBase);
    const Config b = parse(std::string("# a comment shifts every line\n\n") + std::string(kBase));
    const ConfigDiff d = diff(a, b);
    EXPECT_TRUE(d.empty());
    EXPECT_EQ(to_string(d), "no changes\n");
}

TEST(ConfDiff, VlanAndPortSections) {
    const Config a = parse(kBase);
    const Config b = parse(R"([[bridge]]
name = "br0"
immediate-leave = false
[[bridge.vlan]]
id = 10
querier = { enabled = false }
[[bridge.vlan]]
id = 30
[[bridge.port]]
name = "lan1"
immediate-leave = true
[[bridge.port]]
name = "lan2"

[[bridge]]
name = "br1"
)");
    const ConfigDiff d = diff(a, b);
    EXPECT_FALSE(d.globalChanged);
    EXPECT_TRUE(d.bridgesAdded.empty());
    EXPECT_TRUE(d.bridgesRemoved.empty());
    ASSERT_EQ(d.bridgesChanged.size(), 1u);
    const BridgeDiff& bd = d.bridgesChanged[0];
    EXPECT_EQ(bd.name, "br0");
    EXPECT_FALSE(bd.settingsChanged);
    EXPECT_EQ(bd.vlansAdded, std::vector<VlanId>{VlanId{30}});
    EXPECT_EQ(bd.vlansRemoved, std::vector<VlanId>{VlanId{20}});
    EXPECT_EQ(bd.vlansChanged, std::vector<VlanId>{VlanId{10}});
    EXPECT_EQ(bd.portsAdded, std::vector<std::string>{"lan2"});
    EXPECT_TRUE(bd.portsRemoved.empty());
    EXPECT_TRUE(bd.portsChanged.empty());
    // Removing or adding an empty VLAN section changes nothing effective; VLAN 10 does.
    EXPECT_EQ(bd.effectiveVlansChanged, std::vector<VlanId>{VlanId{10}});
    EXPECT_EQ(to_string(d),
              "bridge 'br0': vlan 30 added\n"
              "bridge 'br0': vlan 20 removed\n"
              "bridge 'br0': vlan 10 changed\n"
              "bridge 'br0': port 'lan2' added\n"
              "bridge 'br0': effective policy changed in vlan 10\n");
}

TEST(ConfDiff, BridgeLevelChangeReachesEveryVlan) {
    const Config a = parse(kBase);
    std::string text(kBase);
    text.replace(text.find("immediate-leave = false"), 23, "immediate-leave = true");
    const ConfigDiff d = diff(a, parse(text));
    ASSERT_EQ(d.bridgesChanged.size(), 1u);
    const BridgeDiff& bd = d.bridgesChanged[0];
    EXPECT_TRUE(bd.settingsChanged);
    EXPECT_TRUE(bd.vlansChanged.empty());
    EXPECT_EQ(bd.effectiveVlansChanged, (std::vector<VlanId>{VlanId{0}, VlanId{10}, VlanId{20}}));
}

TEST(ConfDiff, BridgesAddedRemovedAndGlobalLimits) {
    const Config a = parse(kBase);
    const Config b = parse(R"([global.limits]
max-groups-per-vlan = 10
[[bridge]]
name = "br0"
immediate-leave = false
[[bridge.vlan]]
id = 10
querier = { enabled = true }
[[bridge.vlan]]
id = 20
[[bridge.port]]
name = "lan1"
immediate-leave = true

[[bridge]]
name = "br2"
)");
    const ConfigDiff d = diff(a, b);
    EXPECT_TRUE(d.globalChanged);
    EXPECT_EQ(d.bridgesAdded, std::vector<std::string>{"br2"});
    EXPECT_EQ(d.bridgesRemoved, std::vector<std::string>{"br1"});
    ASSERT_EQ(d.bridgesChanged.size(), 1u);
    EXPECT_TRUE(d.bridgesChanged[0].settingsChanged);  // inherited limits changed
    EXPECT_EQ(to_string(d),
              "[global] changed\n"
              "bridge 'br2' added\n"
              "bridge 'br1' removed\n"
              "bridge 'br0': bridge-level settings changed\n"
              "bridge 'br0': effective policy changed in vlan 0, 10, 20\n");
}

TEST(ConfRender, CanonicalText) {
    const Config c = parse(R"([global]
log = { mdb = "debug" }
[[bridge]]
name = "br0"
querier = { enabled = true, interval = 60, response-interval = 2.5 }
static-groups = [ { group = "232.1.1.1", source = "192.0.2.9", vlan = 5, ports = ["eth3"] } ]
[[bridge.vlan]]
id = 5
families = ["ipv4"]
querier = { address6 = "fe80::1" }
[[bridge.port]]
name = "eth3"
filter = { mode = "deny", groups = ["239.0.0.0/8", { prefix = "ff3e::/32", source = "2001:db8::/32" }] }
)");
    EXPECT_EQ(render(c, RenderMode::Canonical), R"([global]
runtime-dir = "/run/mcsnoopd"
log-level = "info"
log = { mdb = "debug" }
dbus = true
strict-validation = false

[global.limits]
max-groups-per-vlan = 4096
max-sources-per-group = 256
max-hosts-per-group-port = 512
max-records-per-report = 1024
report-rate-limit = 1000

[[bridge]]
name = "br0"
static-groups = [
    { group = "232.1.1.1", source = "192.0.2.9", vlan = 5, ports = ["eth3"] },
]

[bridge.querier]
enabled = true
interval = 60
response-interval = 2.5

[[bridge.vlan]]
id = 5
families = ["ipv4"]
querier = { address6 = "fe80::1" }

[[bridge.port]]
name = "eth3"
filter = { mode = "deny", groups = ["239.0.0.0/8", { prefix = "ff3e::/32", source = "2001:db8::/32" }] }
)");
}

// Both modes parse back to the same configuration.
void expectRoundTrip(const Config& c) {
    for (RenderMode mode : {RenderMode::Canonical, RenderMode::Effective}) {
        const std::string text = render(c, mode);
        auto again = parseConfig(text, "rendered.conf");
        ASSERT_TRUE(again) << text << (again ? "" : again.error()[0].str());
        EXPECT_EQ(*again, c) << text;
        EXPECT_EQ(render(*again, mode), text);
    }
}

TEST(ConfRender, RoundTripsTheExamples) {
    for (const char* path : {MCS_SOURCE_DIR "/conf/mcsnoopd.conf.example",
                             MCS_SOURCE_DIR "/tests/conf/data/contract.toml"}) {
        auto r = loadConfigFile(path);
        ASSERT_TRUE(r) << path;
        expectRoundTrip(*r);
    }
    expectRoundTrip(parse(kBase));
    expectRoundTrip(defaultConfig());
}

TEST(ConfRender, EffectiveShowsResolvedPolicyAsComments) {
    const std::string text = render(parse(kBase), RenderMode::Effective);
    EXPECT_NE(text.find("# Effective policy of bridge 'br0', vlan 10:\n"), std::string::npos);
    EXPECT_NE(text.find("#   querier = { enabled = true, address = \"bridge\", address6 = "
                        "\"bridge\", interval = 125, "
                        "response-interval = 10, last-member-interval = 1, last-member-count = 2, "
                        "robustness = 2, "
                        "startup-query-interval = 31.25, startup-query-count = 2 }\n"),
              std::string::npos)
        << text;
    EXPECT_NE(
        text.find("# Effective policy of port 'lan1' (vlan 0):\n#   immediate-leave = true\n"),
        std::string::npos);
}

}  // namespace
}  // namespace mcs::conf

namespace mcs::conf {
namespace {

// The fuzz seeds (crash reproducers included) replayed with the fuzz target's
// invariants, in every ordinary test run.
TEST(ConfCorpus, SeedsParseOrFailCleanlyAndRoundTrip) {
    size_t files = 0;
    for (const auto& entry :
         std::filesystem::directory_iterator(MCS_SOURCE_DIR "/tests/conf/corpus")) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        SCOPED_TRACE(entry.path().filename().string());
        ++files;
        auto r = parseConfig(text, "seed.conf");
        if (!r) {
            EXPECT_FALSE(r.error().empty());
            continue;
        }
        expectRoundTrip(*r);
    }
    EXPECT_GE(files, 10u);
}

}  // namespace
}  // namespace mcs::conf
