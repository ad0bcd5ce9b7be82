// Config validation, RFC default formulas and the string tables.
#include "harness.h"

namespace mcs::querier::test {
namespace {

TEST(QuerierTiming, DefaultsFollowRfc9776Section8) {
    const Timing t = resolveTiming(QuerierConfig{});
    EXPECT_EQ(t.robustness, 2u);                                  // §8.1
    EXPECT_EQ(t.queryInterval, 125s);                             // §8.2
    EXPECT_EQ(t.queryResponseInterval, 10s);                      // §8.3
    EXPECT_EQ(t.groupMembershipInterval(), 270s);                 // §8.4: RV*QI + 2*QRI
    EXPECT_EQ(t.otherQuerierPresentInterval, 255s);               // §8.5: RV*QI + QRI/2
    EXPECT_EQ(t.startupQueryInterval, Duration(31250));           // §8.6: QI/4
    EXPECT_EQ(t.startupQueryCount, 2u);                           // §8.7: RV
    EXPECT_EQ(t.lastMemberQueryInterval, 1s);                     // §8.8
    EXPECT_EQ(t.lastMemberQueryCount, 2u);                        // §8.9: RV
    EXPECT_EQ(t.lastMemberQueryTime(), 2s);                       // §8.10
    EXPECT_EQ(t.olderHostPresentInterval(), 260s);                // §8.13
    EXPECT_EQ(t.olderVersionQuerierPresentInterval, 260s);
}

TEST(QuerierTiming, FastProfileMatchesConformanceCatalog) {
    // rfc-conformance.md §4.2: OQPI 21 s, SQI 2.5 s, SQC 2, LMQT 2 s, GMI 24 s (9776 formula).
    const Timing t = resolveTiming(fast(v4Config()));
    EXPECT_EQ(t.otherQuerierPresentInterval, 21s);
    EXPECT_EQ(t.startupQueryInterval, 2500ms);
    EXPECT_EQ(t.startupQueryCount, 2u);
    EXPECT_EQ(t.lastMemberQueryTime(), 2s);
    EXPECT_EQ(t.groupMembershipInterval(), 24s);
}

TEST(QuerierTiming, ExplicitValuesOverrideFormulas) {
    QuerierConfig c = v4Config();
    c.robustness = 3;
    c.lastMemberQueryCount = 5;
    c.startupQueryInterval = 7s;
    c.startupQueryCount = 4;
    c.otherQuerierPresentInterval = 100s;
    const Timing t = resolveTiming(c);
    EXPECT_EQ(t.lastMemberQueryCount, 5u);
    EXPECT_EQ(t.startupQueryInterval, 7s);
    EXPECT_EQ(t.startupQueryCount, 4u);
    EXPECT_EQ(t.otherQuerierPresentInterval, 100s);
    // LMQC follows RV when not set.
    c.lastMemberQueryCount.reset();
    EXPECT_EQ(resolveTiming(c).lastMemberQueryCount, 3u);
}

TEST(QuerierTiming, AdoptedValuesReplaceRvQiQri) {
    Adopted a;
    a.qrv = 3;
    a.queryInterval = 60s;
    a.queryResponseInterval = 5s;
    const Timing t = resolveTiming(v4Config(), a);
    EXPECT_EQ(t.robustness, 3u);
    EXPECT_EQ(t.queryInterval, 60s);
    EXPECT_EQ(t.otherQuerierPresentInterval, 3 * 60s + 2500ms);
    EXPECT_EQ(t.groupMembershipInterval(), 3 * 60s + 10s);
    EXPECT_EQ(t.lastMemberQueryCount, 3u);
}

TEST(QuerierConfigValidation, AcceptsGoodConfigs) {
    EXPECT_FALSE(validate(v4Config(), Family::V4));
    EXPECT_FALSE(validate(v4Config("0.0.0.0"), Family::V4));   // proxy mode
    EXPECT_FALSE(validate(v6Config(), Family::V6));
    QuerierConfig noAddr = v4Config();
    noAddr.address.reset();
    EXPECT_FALSE(validate(noAddr, Family::V4));
}

TEST(QuerierConfigValidation, RefusesBadConfigs) {
    auto with = [](auto change, Family f = Family::V4) {
        QuerierConfig c = f == Family::V4 ? v4Config() : v6Config();
        change(c);
        return validate(c, f);
    };
    EXPECT_EQ(validate(v4Config(), Family::V6), ConfigError::VersionFamilyMismatch);
    EXPECT_EQ(with([](auto& c) { c.address = ip("fe80::1"); }), ConfigError::AddressFamilyMismatch);
    EXPECT_EQ(with([](auto& c) { c.address = ip("224.0.0.1"); }), ConfigError::AddressMulticast);
    // RFC 9777 §5.1.14: no IPv6 proxy querier, and no global source.
    EXPECT_EQ(with([](auto& c) { c.address = ip("::"); }, Family::V6),
              ConfigError::Ipv6AddressNotLinkLocal);
    EXPECT_EQ(with([](auto& c) { c.address = ip("2001:db8::1"); }, Family::V6),
              ConfigError::Ipv6AddressNotLinkLocal);
    EXPECT_EQ(with([](auto& c) { c.robustness = 0; }), ConfigError::RobustnessOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.queryInterval = 500ms; }), ConfigError::QueryIntervalOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.queryInterval = 31745s; }), ConfigError::QueryIntervalOutOfRange);
    // RFC 9776 §8.3: QRI < QI.
    EXPECT_EQ(with([](auto& c) { c.queryInterval = 10s; c.queryResponseInterval = 10s; }),
              ConfigError::QueryResponseIntervalOutOfRange);
    // IGMPv2 can carry at most 25.5 s.
    EXPECT_EQ(with([](auto& c) { c.version = ProtoVersion::IgmpV2; c.queryResponseInterval = 26s; }),
              ConfigError::QueryResponseIntervalOutOfRange);
    EXPECT_FALSE(with([](auto& c) { c.queryResponseInterval = 26s; }));   // fine in v3
    EXPECT_EQ(with([](auto& c) { c.lastMemberQueryInterval = 0ms; }),
              ConfigError::LastMemberQueryIntervalOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.lastMemberQueryCount = 0; }),
              ConfigError::LastMemberQueryCountOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.startupQueryInterval = 0ms; }),
              ConfigError::StartupQueryIntervalOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.startupQueryCount = 256; }),
              ConfigError::StartupQueryCountOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.otherQuerierPresentInterval = 0ms; }),
              ConfigError::OtherQuerierPresentIntervalOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.olderVersionQuerierPresentInterval = 0ms; }),
              ConfigError::OlderVersionQuerierPresentIntervalOutOfRange);
    EXPECT_EQ(with([](auto& c) { c.maxPendingGroups = 0; }), ConfigError::LimitOutOfRange);
}

TEST(QuerierConfigValidation, SetConfigRefusesAndKeepsOldConfig) {
    FakeClock clock;
    Querier q(v4Identity(), kL2, v4Config(), clock.now);
    QuerierConfig bad = v4Config();
    bad.robustness = 0;
    EXPECT_EQ(q.setConfig(bad, clock.now), ConfigError::RobustnessOutOfRange);
    EXPECT_EQ(q.config(), v4Config());
    EXPECT_EQ(q.state(), QuerierState::Querier);
}

TEST(QuerierConfigValidation, InvalidInitialConfigLeavesQuerierDisabled) {
    FakeClock clock;
    Querier q(v6Identity(), kL2, v4Config(), clock.now);
    EXPECT_EQ(q.lastConfigError(), ConfigError::VersionFamilyMismatch);
    EXPECT_EQ(q.state(), QuerierState::Disabled);
    EXPECT_EQ(q.inactiveReason(), InactiveReason::AdminDisabled);
    EXPECT_TRUE(q.takeOutbound().empty());
}

TEST(QuerierTables, RoundTrip) {
    for (auto [e, name] : kQuerierStateNames) EXPECT_EQ(querierStateFromString(to_string(e)), e);
    for (auto [e, name] : kInactiveReasonNames) EXPECT_EQ(inactiveReasonFromString(to_string(e)), e);
    for (auto [e, name] : kQueryKindNames) EXPECT_EQ(queryKindFromString(to_string(e)), e);
    for (auto [e, name] : kQueryReasonNames) EXPECT_EQ(queryReasonFromString(to_string(e)), e);
    for (auto [e, name] : kConfigErrorNames) EXPECT_EQ(configErrorFromString(to_string(e)), e);
    std::set<std::string_view> results;
    for (auto [e, name] : kSpecificQueryResultNames) {
        EXPECT_EQ(to_string(e), name);
        EXPECT_TRUE(results.insert(name).second) << name;
    }
    EXPECT_EQ(to_string(QuerierState::NonQuerier), "non-querier");
    EXPECT_EQ(to_string(InactiveReason::NoAddress), "no-address");
    EXPECT_EQ(to_string(SpecificQueryResult::NotQuerier), "not-querier");
    EXPECT_EQ(to_string(TxTarget::FloodVlan), "flood-vlan");
    EXPECT_EQ(to_string(SourceKind::Proxy), "proxy");
    EXPECT_FALSE(querierStateFromString("bogus"));
}

TEST(QuerierTables, CounterListHasUniqueNames) {
    Counters c;
    c.takeovers = 7;
    auto list = counterList(c);
    std::set<std::string_view> names;
    for (auto& [n, v] : list) EXPECT_TRUE(names.insert(n).second) << n;
    EXPECT_EQ(sizeof(Counters) / sizeof(uint64_t), list.size()) << "a counter is missing";
    bool found = false;
    for (auto& [n, v] : list)
        if (n == "takeovers") found = v == 7;
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace mcs::querier::test
