// One test per error class of the parser, each asserting the exact
// `file:line:col: message [range]` text an operator sees.
#include <gtest/gtest.h>

#include "conf/config.h"

namespace mcs::conf {
namespace {

using Lines = std::vector<std::string>;

Lines errors(std::string_view text) {
    auto r = parseConfig(text, "t.conf");
    if (r) return {};
    Lines out;
    for (const Diagnostic& d : r.error()) out.push_back(d.str());
    return out;
}

TEST(ConfDiagnostics, ValidMinimalFileHasNoErrors) {
    EXPECT_EQ(errors(""), Lines{});
    EXPECT_EQ(errors("[[bridge]]\nname = \"br0\"\n"), Lines{});
}

TEST(ConfDiagnostics, SyntaxErrorReportsTomlPosition) {
    EXPECT_EQ(errors("[[bridge]]\nname = \"br0\"\nname = \"br1\"\n"),
              (Lines{"t.conf:3:8: Error while parsing key-value pair: cannot redefine existing "
                     "string 'name'"}));
}

TEST(ConfDiagnostics, UnknownKey) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
imediate-leave = true
)"),
              (Lines{"t.conf:3:1: unknown key 'imediate-leave' in [[bridge]] (did you mean "
                     "'immediate-leave'?)"}));

    EXPECT_EQ(errors("[global]\ncolour = \"red\"\n"),
              (Lines{"t.conf:2:1: unknown key 'colour' in [global]"}));

    EXPECT_EQ(
        errors("[[bridges]]\nname = \"br0\"\n"),
        (Lines{"t.conf:1:3: unknown key 'bridges' in the top level (did you mean 'bridge'?)"}));

    // Inside an inline sub-table of a VLAN section.
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
[[bridge.vlan]]
id = 10
querier = { enabled = true, adress = "10.0.0.1" }
)"),
              (Lines{"t.conf:5:29: unknown key 'adress' in querier (did you mean 'address'?)"}));

    // Bridge-only keys are not VLAN keys.
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
[[bridge.vlan]]
id = 10
name = "br0.10"
)"),
              (Lines{"t.conf:5:1: unknown key 'name' in [[bridge.vlan]]"}));

    EXPECT_EQ(errors("[global]\nlog = { igmpp = \"debug\" }\n"),
              (Lines{"t.conf:2:9: unknown key 'igmpp' in log (did you mean 'igmp'?)"}));
}

TEST(ConfDiagnostics, WrongType) {
    EXPECT_EQ(
        errors(R"([[bridge]]
name = "br0"
igmp-version = "3"
immediate-leave = 1
static-mrouter-ports = "eth1"
querier = { interval = "125s" }
max-groups = 16
)"),
        (Lines{
            "t.conf:3:16: igmp-version must be an integer, not a string",
            "t.conf:4:19: immediate-leave must be a boolean (true or false), not an integer",
            "t.conf:5:24: static-mrouter-ports must be an array of interface names, not a string",
            "t.conf:6:24: querier.interval must be a number of seconds, not a string",
            "t.conf:7:14: max-groups must be a table, not an integer",
        }));

    EXPECT_EQ(errors("[bridge]\nname = \"br0\"\n"),
              (Lines{"t.conf:1:1: bridge must be an array of tables ([[bridge]]), not a table"}));

    EXPECT_EQ(errors("[[bridge]]\nname = \"br0\"\nstatic-mrouter-ports = [\"eth1\", 2]\n"),
              (Lines{"t.conf:3:33: static-mrouter-ports entry must be a string, not an integer"}));
}

TEST(ConfDiagnostics, OutOfRange) {
    EXPECT_EQ(
        errors(R"([global.limits]
report-rate-limit = -1

[[bridge]]
name = "br0"
igmp-version = 4
max-groups = { limit = 0 }
[bridge.querier]
interval = 0
response-interval = 0.05
robustness = 8

[[bridge.vlan]]
id = 4095
)"),
        (Lines{
            "t.conf:2:21: limits.report-rate-limit = -1 packets/s is out of range [0, 1000000]",
            "t.conf:6:16: igmp-version = 4 is out of range [1, 3]",
            "t.conf:7:24: max-groups.limit = 0 is out of range [1, 1000000]",
            "t.conf:9:12: querier.interval = 0 s is out of range [1, 31744]",
            "t.conf:10:21: querier.response-interval = 0.05 s is out of range [0.1, 3174.4]",
            "t.conf:11:14: querier.robustness = 8 is out of range [1, 7]",
            "t.conf:14:6: vlan id = 4095 is out of range [1, 4094]",
        }));
}

TEST(ConfDiagnostics, InvalidEnumValue) {
    EXPECT_EQ(errors(R"([global]
log-level = "verbose"
[[bridge]]
name = "br0"
max-groups = { limit = 5, action = "drop" }
mrouter = { learn-from = ["query", "igmp"] }
)"),
              (Lines{
                  "t.conf:2:13: log-level 'verbose' is not valid [trace, debug, info, warn, error, "
                  "critical, off]",
                  "t.conf:5:36: max-groups.action 'drop' is not valid [deny, replace]",
                  "t.conf:6:36: mrouter.learn-from entry 'igmp' is not valid [query, pim, mrd]",
              }));
}

TEST(ConfDiagnostics, BadAddress) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
static-groups = [ { group = "239.1.1.1", source = "239.1.1.2", ports = ["eth2"] } ]
[bridge.querier]
address = "192.0.2.300"
[[bridge.vlan]]
id = 10
querier = { address = "fe80::1" }
[[bridge.vlan]]
id = 11
querier = { address = "255.255.255.255" }
)"),
              (Lines{
                  "t.conf:3:51: static-groups.source '239.1.1.2' is not a unicast address",
                  "t.conf:5:11: querier.address '192.0.2.300' is not an IP address",
                  "t.conf:8:23: querier.address 'fe80::1' is an IPv6 address; set the IPv6 source "
                  "with address6",
                  "t.conf:11:23: querier.address '255.255.255.255' is not a unicast address (or "
                  "0.0.0.0 for proxy mode)",
              }));
    // 0.0.0.0 is proxy mode, not an error.
    EXPECT_EQ(errors("[[bridge]]\nname = \"br0\"\nquerier = { address = \"0.0.0.0\" }\n"), Lines{});
}

TEST(ConfDiagnostics, BadPrefix) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
filter = { mode = "deny", groups = [
  "239.1.1.1/16",
  "239.0.0.0/33",
  "239.1.1/8",
  "ff05::/1x",
  { prefix = "239.2.0.0/16", source = "224.0.0.0/4" },
] }
)"),
              (Lines{
                  "t.conf:4:3: filter.groups '239.1.1.1/16' has host bits set (did you mean "
                  "'239.1.0.0/16'?)",
                  "t.conf:5:3: filter.groups '239.0.0.0/33' has an invalid prefix length [0, 32]",
                  "t.conf:6:3: filter.groups '239.1.1/8' is not an address prefix",
                  "t.conf:7:3: filter.groups 'ff05::/1x' has an invalid prefix length [0, 128]",
                  "t.conf:8:39: filter.groups.source '224.0.0.0/4' is not a unicast prefix",
              }));
}

TEST(ConfDiagnostics, PrefixNotMulticast) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
filter = { mode = "allow", groups = ["10.0.0.0/8", "224.0.0.0/3", "fe80::/10"] }
)"),
              (Lines{
                  "t.conf:3:38: filter.groups '10.0.0.0/8' is not a multicast prefix [224.0.0.0/4, "
                  "ff00::/8]",
                  "t.conf:3:52: filter.groups '224.0.0.0/3' is not a multicast prefix "
                  "[224.0.0.0/4, ff00::/8]",
                  "t.conf:3:67: filter.groups 'fe80::/10' is not a multicast prefix [224.0.0.0/4, "
                  "ff00::/8]",
              }));
}

TEST(ConfDiagnostics, GroupNotMulticast) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
static-groups = [ { group = "10.1.1.1", ports = ["eth2"] },
                  { group = "2001:db8::1", ports = ["eth2"] },
                  { group = "224.0.0.5", ports = ["eth2"] },
                  { group = "ff02::1", ports = ["eth2"] } ]
)"),
              (Lines{
                  "t.conf:3:29: static-groups.group '10.1.1.1' is not a multicast address "
                  "[224.0.0.0/4, ff00::/8]",
                  "t.conf:4:29: static-groups.group '2001:db8::1' is not a multicast address "
                  "[224.0.0.0/4, ff00::/8]",
                  "t.conf:5:29: static-groups.group '224.0.0.5' is link-local and always flooded "
                  "(RFC 4541 2.1.2)",
                  "t.conf:6:29: static-groups.group 'ff02::1' is link-local and always flooded "
                  "(RFC 4541 2.1.2)",
              }));
}

TEST(ConfDiagnostics, Address6NotLinkLocal) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
[bridge.querier]
address6 = "2001:db8::1"
[[bridge.vlan]]
id = 2
querier = { address6 = "10.0.0.1" }
)"),
              (Lines{
                  "t.conf:4:12: querier.address6 '2001:db8::1' is not link-local [fe80::/10]",
                  "t.conf:7:24: querier.address6 '10.0.0.1' is an IPv4 address; set the IPv4 "
                  "source with address",
              }));
}

TEST(ConfDiagnostics, Duplicates) {
    EXPECT_EQ(
        errors(R"([[bridge]]
name = "br0"
static-mrouter-ports = ["eth1", "eth1"]
static-groups = [ { group = "239.1.1.1", ports = ["eth2", "eth3"] },
                  { group = "239.1.1.1", ports = ["eth3"] },
                  { group = "239.1.1.1", vlan = 10, ports = ["eth3"] } ]
[[bridge.vlan]]
id = 10
static-groups = [ { group = "239.1.1.1", ports = ["eth3"] } ]
[[bridge.vlan]]
id = 10
[[bridge.port]]
name = "lan1"
[[bridge.port]]
name = "lan1"

[[bridge]]
name = "br0"

[[bridge]]
name = "br1"
[[bridge.port]]
name = "lan1"
)"),
        (Lines{
            "t.conf:3:33: static-mrouter-ports lists 'eth1' twice",
            "t.conf:5:51: port 'eth3' is already a static member of 239.1.1.1 (at t.conf:4:59)",
            "t.conf:9:51: port 'eth3' is already a static member of 239.1.1.1 in vlan 10 (at "
            "t.conf:6:62)",
            "t.conf:11:6: duplicate vlan 10 (first defined at t.conf:7:1)",
            "t.conf:15:8: duplicate port 'lan1' (first defined at t.conf:12:1)",
            "t.conf:18:8: duplicate bridge 'br0' (first defined at t.conf:1:1)",
            "t.conf:22:1: port 'lan1' is already configured in bridge 'br0' (at t.conf:12:1)",
        }));
}

TEST(ConfDiagnostics, FamilyMismatch) {
    EXPECT_EQ(
        errors(R"([[bridge]]
name = "br0"
static-groups = [ { group = "239.1.1.1", source = "2001:db8::9", ports = ["eth2"] },
                  { group = "ff15::1", vlan = 20, ports = ["eth2"] } ]
filter = { mode = "deny", groups = [ { prefix = "ff05::/16", source = "10.0.0.0/8" } ] }
[[bridge.vlan]]
id = 20
families = ["ipv4"]
)"),
        (Lines{
            "t.conf:3:51: static-groups.source '2001:db8::9' is IPv6 but group '239.1.1.1' is IPv4",
            "t.conf:4:19: static-groups.group 'ff15::1' is IPv6 but vlan 20 does not snoop ipv6 "
            "(see families)",
            "t.conf:5:71: filter.groups.source '10.0.0.0/8' is IPv4 but prefix 'ff05::/16' is IPv6",
        }));
}

TEST(ConfDiagnostics, MissingOrEmptyName) {
    EXPECT_EQ(errors(R"([[bridge]]
igmp-version = 3

[[bridge]]
name = ""

[[bridge]]
name = "averyveryverylongname"

[[bridge]]
name = "br0"
static-groups = [ { group = "239.1.1.1", ports = ["eth/1"] },
                  { group = "239.1.1.2" },
                  { ports = ["eth2"] } ]
[[bridge.vlan]]
immediate-leave = true
[[bridge.port]]
mrouter = "static"
)"),
              (Lines{
                  "t.conf:1:1: [[bridge]] has no name",
                  "t.conf:5:8: name must not be empty",
                  "t.conf:8:8: name 'averyveryverylongname' is not a valid interface name (1 to 15 "
                  "bytes, no '/', ':' "
                  "or whitespace)",
                  "t.conf:12:51: static-groups.ports entry 'eth/1' is not a valid interface name "
                  "(1 to 15 bytes, no "
                  "'/', ':' or whitespace)",
                  "t.conf:13:19: static-groups entry has no ports",
                  "t.conf:14:19: static-groups entry has no group",
                  "t.conf:15:1: [[bridge.vlan]] has no id [1, 4094]",
                  "t.conf:17:1: [[bridge.port]] has no name",
              }));
}

TEST(ConfDiagnostics, IncompleteSubTables) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
max-groups = { action = "replace" }
filter = { groups = ["239.0.0.0/8"] }
[[bridge.port]]
name = "lan1"
filter = { mode = "none", groups = ["239.0.0.0/8"] }
[[bridge.port]]
name = "lan2"
filter = { mode = "allow" }
)"),
              (Lines{
                  "t.conf:3:14: max-groups has no limit [1, 1000000]",
                  "t.conf:4:10: filter has no mode [allow, deny, none]",
                  "t.conf:7:36: filter.groups must be empty with mode = 'none'",
                  "t.conf:10:10: filter.groups must not be empty with mode = 'allow'",
              }));
}

TEST(ConfDiagnostics, QuerierTimingConsistency) {
    // RFC 3376 8.3: the response interval must be less than the query interval.
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
[bridge.querier]
interval = 10
response-interval = 10
[[bridge.vlan]]
id = 5
querier = { enabled = true }
)"),
              (Lines{"t.conf:5:21: querier.response-interval (10 s) must be less than "
                     "querier.interval (10 s)"}));

    // RFC 2236 2.2: an IGMPv2 query carries at most 25.5 s. Reported where the VLAN
    // makes it a problem, once.
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
igmp-version = 2
querier = { response-interval = 30 }
[[bridge.vlan]]
id = 5
querier = { enabled = true }
)"),
              (Lines{"t.conf:7:11: querier.response-interval (30 s) is more than IGMPv2 queries "
                     "can carry [0.1, 25.5]"}));
}

TEST(ConfDiagnostics, MrouterNeverConflictsWithStaticList) {
    EXPECT_EQ(errors(R"([[bridge]]
name = "br0"
[[bridge.vlan]]
id = 3
static-mrouter-ports = ["eth1"]
[[bridge.port]]
name = "eth1"
mrouter = "never"
)"),
              (Lines{"t.conf:8:11: port 'eth1' has mrouter = 'never' but is listed in "
                     "static-mrouter-ports of vlan 3"}));
}

TEST(ConfDiagnostics, GlobalValues) {
    EXPECT_EQ(
        errors("[global]\nruntime-dir = \"run/mcsnoopd\"\ndbus = \"yes\"\n"),
        (Lines{
            "t.conf:2:15: runtime-dir 'run/mcsnoopd' must be an absolute path (at most 255 bytes)",
            "t.conf:3:8: dbus must be a boolean (true or false), not a string",
        }));
}

TEST(ConfDiagnostics, UserTextIsQuotedAndEscaped) {
    EXPECT_EQ(errors("[[bridge]]\nname = \"br\\u0007\"\n"),
              (Lines{"t.conf:2:8: name 'br\\x07' is not a valid interface name (1 to 15 bytes, no "
                     "'/', ':' or "
                     "whitespace)"}));
}

// toml++ 3.3 has undefined behaviour on some non-ASCII code points outside comments
// (upstream #295); they are refused before toml++ sees them.
TEST(ConfDiagnostics, NonAsciiOnlyInComments) {
    EXPECT_EQ(
        errors("\xc9\x8d"),
        (Lines{"t.conf:1:1: non-ASCII character outside a comment (keys and values are ASCII)"}));
    EXPECT_EQ(errors("[[bridge]]\nname = \"br\xc3\xbc\"\nimmediate-leave = \"#\xc3\xa9\"\n"),
              (Lines{
                  "t.conf:2:11: non-ASCII character outside a comment (keys and values are ASCII)",
                  "t.conf:3:21: non-ASCII character outside a comment (keys and values are ASCII)",
              }));
    EXPECT_EQ(errors("# Gr\xc3\xb6\xc3\x9f\xc3\xa9 \xc9\x8d\n[[bridge]] # caf\xc3\xa9\nname = "
                     "'br0' # \xc9\x8d\n"),
              Lines{});
    // Multi-line strings end where TOML says, extra quotes included.
    EXPECT_EQ(errors("a = \"\"\"x\"\"\"\"\" # \xc3\xa9\nb = '''y'''' # \xc3\xa9\n"),
              (Lines{"t.conf:1:1: unknown key 'a' in the top level",
                     "t.conf:2:1: unknown key 'b' in the top level"}));
}

// Inputs that trip toml++ 3.3 debug assertions still give an ordinary error.
TEST(ConfDiagnostics, MalformedTomlThatTripsTomlppAssertions) {
    EXPECT_EQ(errors("[#x]\n"), (Lines{"t.conf:1:2: Error while parsing key: expected bare key "
                                       "starting character or string delimiter, "
                                       "saw '#'"}));
    EXPECT_EQ(errors("n=[}"),
              (Lines{"t.conf:1:4: Error while parsing value: could not determine value type"}));
}

TEST(ConfDiagnostics, CollectsEveryErrorSortedByPosition) {
    auto r = loadConfigFile(MCS_SOURCE_DIR "/tests/conf/data/many-errors.toml");
    ASSERT_FALSE(r);
    Lines got;
    for (const Diagnostic& d : r.error()) {
        const std::string s = d.str();
        got.push_back(s.substr(s.find("many-errors.toml")));
    }
    EXPECT_EQ(
        got,
        (Lines{
            "many-errors.toml:4:13: log-level 'loud' is not valid [trace, debug, info, warn, "
            "error, "
            "critical, off]",
            "many-errors.toml:8:1: unknown key 'fast-leave' in [[bridge]]",
            "many-errors.toml:9:16: igmp-version = 0 is out of range [1, 3]",
            "many-errors.toml:10:29: static-groups.group '10.0.0.1' is not a multicast address "
            "[224.0.0.0/4, ff00::/8]",
            "many-errors.toml:13:12: querier.address6 'fd00::1' is not link-local [fe80::/10]",
            "many-errors.toml:16:6: vlan id = 0 is out of range [1, 4094]",
            "many-errors.toml:19:1: [[bridge]] has no name",
        }));
}

TEST(ConfDiagnostics, MissingFile) {
    auto r = loadConfigFile("/nonexistent/mcsnoopd.conf");
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().size(), 1u);
    EXPECT_EQ(r.error()[0].str(),
              "/nonexistent/mcsnoopd.conf: cannot open: No such file or directory");
}

}  // namespace
}  // namespace mcs::conf
