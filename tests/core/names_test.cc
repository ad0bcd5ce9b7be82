// Every enum value of the core has a unique, non-default string name.
#include <set>

#include "agent/core/config.h"
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

template <typename E>
void expectNamed(size_t count) {
    std::set<std::string_view> seen;
    for (size_t i = 0; i < count; ++i) {
        const auto n = to_string(static_cast<E>(i));
        EXPECT_NE(n, "unknown") << i;
        EXPECT_TRUE(seen.insert(n).second) << n;
    }
}

TEST(Names, AllEnumsHaveUniqueNames) {
    expectNamed<RxKind>(kRxKindCount);
    expectNamed<Cause>(kCauseCount);
    expectNamed<Stat>(kStatCount);
    expectNamed<StpState>(5);
    expectNamed<CompatMode>(5);
    expectNamed<GroupOrigin>(3);
    expectNamed<MrouterOrigin>(4);
    expectNamed<LeaveReason>(7);
    expectNamed<FloodEndReason>(3);
    expectNamed<RxAction>(3);
    expectNamed<MaxGroupsAction>(2);
    expectNamed<MrouterMode>(3);
}

TEST(Names, RoundTrips) {
    EXPECT_EQ(stpStateFromString("blocking"), StpState::Blocking);
    EXPECT_EQ(stpStateFromString("nope"), std::nullopt);
    EXPECT_EQ(maxGroupsActionFromString("replace"), MaxGroupsAction::Replace);
    EXPECT_EQ(mrouterModeFromString("static"), MrouterMode::Static);
    EXPECT_EQ(to_string(Cause::V1LeaveIgnored), "v1-leave-ignored");
    EXPECT_EQ(to_string(Cause::StpBlocked), "stp-blocked");
}

TEST(Names, RxKindClassification) {
    EXPECT_EQ(rxKindOf(wire::Report{ProtoVersion::MldV2, {}, 0}, Family::V6), RxKind::MldV2Report);
    EXPECT_EQ(rxKindOf(wire::Leave{ProtoVersion::MldV1, {}}, Family::V6), RxKind::MldDone);
    EXPECT_EQ(rxKindOf(wire::PimHello{}, Family::V6), RxKind::PimHelloV6);
    EXPECT_EQ(rxKindOf(wire::Bpdu{}, Family::V4), RxKind::Bpdu);
}

}  // namespace
}  // namespace mcs::core::test
