// Unit tests of the daemon-independent control API: what callers send is parsed into
// typed values or refused with the documented named error.
#include <gtest/gtest.h>

#include "agent/daemon/control_args.h"
#include "agent/daemon/json.h"
#include "agent/daemon/object_paths.h"

namespace mcs::daemon {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

ControlErrorKind kindOf(const ControlError& e) { return e.kind; }

// ---- error names: the D-Bus names are "org.mcsnoopd.Error." + these (docs/dbus.md)

TEST(ControlErrorNames, AreTheDocumentedOnes) {
    EXPECT_EQ(to_string(ControlErrorKind::NoSuchBridge), "NoSuchBridge");
    EXPECT_EQ(to_string(ControlErrorKind::NoSuchVlan), "NoSuchVlan");
    EXPECT_EQ(to_string(ControlErrorKind::NoSuchPort), "NoSuchPort");
    EXPECT_EQ(to_string(ControlErrorKind::NoSuchEntry), "NoSuchEntry");
    EXPECT_EQ(to_string(ControlErrorKind::InvalidArgs), "InvalidArgs");
    EXPECT_EQ(to_string(ControlErrorKind::LimitReached), "LimitReached");
    EXPECT_EQ(to_string(ControlErrorKind::NotPermitted), "NotPermitted");
    EXPECT_EQ(to_string(ControlErrorKind::ReloadFailed), "ReloadFailed");
    EXPECT_EQ(to_string(ControlErrorKind::Failed), "Failed");
}

// ---- static groups

TEST(StaticGroupArgs, StarGIsAcceptedWithAnEmptySource) {
    auto g = parseStaticGroup("239.1.2.3", "", "p1");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->group, ip("239.1.2.3"));
    EXPECT_FALSE(g->source);
    EXPECT_EQ(g->port, "p1");
}

TEST(StaticGroupArgs, SGKeepsItsSource) {
    auto g = parseStaticGroup("ff3e::8000:1", "2001:db8::1", "p2");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->source, ip("2001:db8::1"));
}

TEST(StaticGroupArgs, RefusesWhatIsNoGroupWithInvalidArgs) {
    for (const char* bad : {"not-an-address", "10.1.2.3", "2001:db8::1", ""}) {
        auto g = parseStaticGroup(bad, "", "p1");
        ASSERT_FALSE(g) << bad;
        EXPECT_EQ(kindOf(g.error()), ControlErrorKind::InvalidArgs) << bad;
    }
}

TEST(StaticGroupArgs, RefusesLinkLocalGroupsThatAreAlwaysFlooded) {
    // RFC 4541 §2.1.2: 224.0.0.x is flooded and never an MDB entry; so is ff02::1.
    EXPECT_FALSE(parseStaticGroup("224.0.0.251", "", "p1"));
    EXPECT_FALSE(parseStaticGroup("ff02::1", "", "p1"));
    // Solicited-node groups are tracked (the kernel snoops them).
    EXPECT_TRUE(parseStaticGroup("ff02::1:ff00:1", "", "p1"));
}

TEST(StaticGroupArgs, RefusesSourcesOfTheOtherFamilyMulticastOrUnspecified) {
    EXPECT_FALSE(parseStaticGroup("239.1.1.1", "2001:db8::1", "p1"));
    EXPECT_FALSE(parseStaticGroup("239.1.1.1", "239.2.2.2", "p1"));
    EXPECT_FALSE(parseStaticGroup("239.1.1.1", "0.0.0.0", "p1"));
    EXPECT_FALSE(parseStaticGroup("239.1.1.1", "", ""));
}

// ---- filters

TEST(FilterRuleArgs, ParsesAllowAndDenyRules) {
    bool allow = false;
    auto r = parseFilterRule({"allow", "239.0.0.0", 8, ""}, allow);
    ASSERT_TRUE(r);
    EXPECT_TRUE(allow);
    EXPECT_EQ(r->length, 8);
    r = parseFilterRule({"deny", "239.1.1.1", 32, "192.0.2.9"}, allow);
    ASSERT_TRUE(r);
    EXPECT_FALSE(allow);
    EXPECT_EQ(r->source, ip("192.0.2.9"));
}

TEST(FilterRuleArgs, RefusesBadActionsLengthsAndSources) {
    bool allow = false;
    EXPECT_EQ(kindOf(parseFilterRule({"permit", "239.0.0.0", 8, ""}, allow).error()), ControlErrorKind::InvalidArgs);
    EXPECT_FALSE(parseFilterRule({"allow", "239.0.0.0", 33, ""}, allow));
    EXPECT_TRUE(parseFilterRule({"allow", "ff00::", 128, ""}, allow));
    EXPECT_FALSE(parseFilterRule({"allow", "ff00::", 129, ""}, allow));
    EXPECT_FALSE(parseFilterRule({"allow", "239.0.0.0", 8, "2001:db8::1"}, allow));
    EXPECT_FALSE(parseFilterRule({"allow", "nonsense", 8, ""}, allow));
}

// ---- querier settings

TEST(QuerierArgs, ParsesEveryKnownKey) {
    SettingMap m{{"Enabled", true},
                 {"Address", std::string("192.0.2.1")},
                 {"Address6", std::string("fe80::1")},
                 {"IgmpVersion", 2u},
                 {"MldVersion", 1u},
                 {"QueryInterval", 30u},
                 {"QueryResponseInterval", 5000u},
                 {"LastMemberQueryInterval", 500u},
                 {"Robustness", 3u}};
    auto q = parseQuerierSettings(m);
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(q->enabled, true);
    EXPECT_EQ(q->address4, std::optional<IpAddr>(ip("192.0.2.1")));
    EXPECT_EQ(q->address6, std::optional<IpAddr>(ip("fe80::1")));
    EXPECT_EQ(q->igmpVersion, wire::ProtoVersion::IgmpV2);
    EXPECT_EQ(q->mldVersion, wire::ProtoVersion::MldV1);
    EXPECT_EQ(q->queryInterval, seconds(30));
    EXPECT_EQ(q->queryResponseInterval, milliseconds(5000));
    EXPECT_EQ(q->lastMemberQueryInterval, milliseconds(500));
    EXPECT_EQ(q->robustness, 3u);
}

TEST(QuerierArgs, AnEmptyAddressMeansTheBridgeAddress) {
    auto q = parseQuerierSettings({{"Address", std::string("")}});
    ASSERT_TRUE(q);
    ASSERT_TRUE(q->address4);
    EXPECT_FALSE(*q->address4);
}

TEST(QuerierArgs, ProxyAddressIsAcceptedForIpv4Only) {
    EXPECT_TRUE(parseQuerierSettings({{"Address", std::string("0.0.0.0")}}));
    // RFC 9777 §5.1.14: MLD queries come from a link-local address; :: is no querier.
    EXPECT_FALSE(parseQuerierSettings({{"Address6", std::string("::")}}));
    EXPECT_FALSE(parseQuerierSettings({{"Address6", std::string("2001:db8::1")}}));
}

TEST(QuerierArgs, RefusesUnknownKeysWrongTypesAndBadValues) {
    for (const SettingMap& m : std::vector<SettingMap>{
             {},
             {{"Enable", true}},
             {{"Enabled", 1u}},
             {{"Address", true}},
             {{"Address", std::string("224.0.0.1")}},
             {{"Address", std::string("fe80::1")}},
             {{"IgmpVersion", 1u}},
             {{"MldVersion", 3u}},
             {{"QueryInterval", 0u}},
             {{"QueryInterval", 40000u}},
             {{"Robustness", 0u}},
             {{"QueryResponseInterval", 10u}},
         }) {
        auto q = parseQuerierSettings(m);
        ASSERT_FALSE(q);
        EXPECT_EQ(kindOf(q.error()), ControlErrorKind::InvalidArgs);
        EXPECT_FALSE(q.error().message.empty());
    }
}

// ---- object paths

TEST(ObjectPaths, EscapeLikeSdBusPathEncode) {
    EXPECT_EQ(escapePathLabel("br0"), "br0");
    EXPECT_EQ(escapePathLabel("br-lan"), "br_2dlan");
    EXPECT_EQ(escapePathLabel("br_x.1"), "br_5fx_2e1");
    EXPECT_EQ(escapePathLabel(""), "_");
    EXPECT_EQ(bridgePath("br-lan"), "/org/mcsnoopd/bridge/br_2dlan");
    EXPECT_EQ(vlanPath("br0", VlanId{10}), "/org/mcsnoopd/bridge/br0/vlan/10");
}

TEST(ObjectPaths, UnescapeInvertsEscape) {
    for (const char* name : {"br0", "br-lan", "br_x.1", "", "a_b", "x@y:z"})
        EXPECT_EQ(unescapePathLabel(escapePathLabel(name)), name);
}

// ---- JSON

TEST(Json, KeepsMemberOrderAnd64BitNumbers) {
    json::Value v;
    v["b"] = uint64_t{18446744073709551615u};
    v["a"] = "x\"y\n";
    v["n"] = json::Value();
    v["l"] = json::Value::array();
    v["l"].push(true);
    EXPECT_EQ(v.dump(), R"({"b":18446744073709551615,"a":"x\"y\n","n":null,"l":[true]})");
    auto back = json::parse(v.dump(2));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->dump(), v.dump());
    EXPECT_EQ((*back)["b"].u64(), 18446744073709551615u);
    EXPECT_EQ((*back)["a"].str(), "x\"y\n");
}

TEST(Json, ParsesEscapesAndRefusesGarbage) {
    auto v = json::parse(R"({"s":"\u00e9\ud83d\ude00","n":-12,"o":{}})");
    ASSERT_TRUE(v);
    EXPECT_EQ((*v)["s"].str(), "\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ((*v)["n"].i64(), -12);
    EXPECT_TRUE((*v)["o"].isObject());
    EXPECT_TRUE((*v)["missing"].isNull());
    for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"x", "{} x", "[-]"})
        EXPECT_FALSE(json::parse(bad)) << bad;
    std::string deep(json::kMaxDepth + 2, '[');
    EXPECT_FALSE(json::parse(deep));
}

}  // namespace
}  // namespace mcs::daemon
