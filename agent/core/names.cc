// String tables of every core enum: the same names appear in logs, D-Bus, JSON and
// test dumps. Keep each table in enum order and complete (tests/core/names_test.cc).
#include "agent/base/enum_table.h"
#include "agent/core/config.h"
#include "agent/core/counters.h"
#include "agent/core/snooper_types.h"

namespace mcs::core {

namespace {

constexpr EnumTable<RxKind, kRxKindCount> kRxKindNames{{
    {RxKind::IgmpV1Report, "igmpv1-report"},
    {RxKind::IgmpV2Report, "igmpv2-report"},
    {RxKind::IgmpV3Report, "igmpv3-report"},
    {RxKind::IgmpLeave, "igmp-leave"},
    {RxKind::IgmpV1Query, "igmpv1-query"},
    {RxKind::IgmpV2Query, "igmpv2-query"},
    {RxKind::IgmpV3Query, "igmpv3-query"},
    {RxKind::MldV1Report, "mldv1-report"},
    {RxKind::MldV2Report, "mldv2-report"},
    {RxKind::MldDone, "mld-done"},
    {RxKind::MldV1Query, "mldv1-query"},
    {RxKind::MldV2Query, "mldv2-query"},
    {RxKind::PimHelloV4, "pim-hello-v4"},
    {RxKind::PimHelloV6, "pim-hello-v6"},
    {RxKind::MrdAdvertisement, "mrd-advertisement"},
    {RxKind::MrdSolicitation, "mrd-solicitation"},
    {RxKind::MrdTermination, "mrd-termination"},
    {RxKind::Bpdu, "bpdu"},
}};

constexpr EnumTable<Cause, kCauseCount> kCauseNames{{
    {Cause::None, "none"},
    {Cause::UnknownPort, "unknown-port"},
    {Cause::PortDown, "port-down"},
    {Cause::StpBlocked, "stp-blocked"},
    {Cause::Filtered, "filtered"},
    {Cause::SourceFiltered, "source-filtered"},
    {Cause::GroupLimitVlan, "group-limit-vlan"},
    {Cause::GroupLimitPort, "group-limit-port"},
    {Cause::MaxGroupsVlan, "max-groups-vlan"},
    {Cause::MaxGroupsPort, "max-groups-port"},
    {Cause::SourceLimit, "source-limit"},
    {Cause::HostLimit, "host-limit"},
    {Cause::RecordLimit, "record-limit"},
    {Cause::V1LeaveIgnored, "v1-leave-ignored"},
    {Cause::CompatBlockIgnored, "compat-block-ignored"},
    {Cause::LinkLocalGroup, "link-local-group"},
    {Cause::WrongFamily, "wrong-family"},
    {Cause::ProxyQuery, "proxy-query"},
    {Cause::MrouterDisabled, "mrouter-disabled"},
    {Cause::ForeignQuery, "foreign-query"},
    {Cause::UnknownRecordType, "unknown-record-type"},
}};

constexpr EnumTable<Stat, kStatCount> kStatNames{{
    {Stat::Joins, "joins"},
    {Stat::Leaves, "leaves"},
    {Stat::Expired, "expired"},
    {Stat::FastLeaves, "fast-leaves"},
    {Stat::FastPrunes, "fast-prunes"},
    {Stat::Evictions, "evictions"},
    {Stat::RecordsProcessed, "records-processed"},
    {Stat::QueriesLowered, "queries-lowered"},
    {Stat::GroupQueriesRequested, "group-queries-requested"},
    {Stat::TopologyChanges, "topology-changes"},
    {Stat::FloodsStarted, "floods-started"},
    {Stat::MrouterLearned, "mrouter-learned"},
    {Stat::MrouterLost, "mrouter-lost"},
}};

constexpr EnumTable<StpState, 5> kStpNames{{
    {StpState::Disabled, "disabled"},
    {StpState::Listening, "listening"},
    {StpState::Learning, "learning"},
    {StpState::Forwarding, "forwarding"},
    {StpState::Blocking, "blocking"},
}};

constexpr EnumTable<CompatMode, 5> kCompatNames{{
    {CompatMode::IgmpV1, "igmpv1"},
    {CompatMode::IgmpV2, "igmpv2"},
    {CompatMode::IgmpV3, "igmpv3"},
    {CompatMode::MldV1, "mldv1"},
    {CompatMode::MldV2, "mldv2"},
}};

constexpr EnumTable<GroupOrigin, 3> kGroupOriginNames{{
    {GroupOrigin::Learned, "learned"},
    {GroupOrigin::Static, "static"},
    {GroupOrigin::LearnedAndStatic, "learned+static"},
}};

constexpr EnumTable<MrouterOrigin, 4> kMrouterOriginNames{{
    {MrouterOrigin::Query, "query"},
    {MrouterOrigin::Pim, "pim"},
    {MrouterOrigin::Mrd, "mrd"},
    {MrouterOrigin::Static, "static"},
}};

constexpr EnumTable<LeaveReason, 7> kLeaveNames{{
    {LeaveReason::Expired, "expired"},
    {LeaveReason::FastLeave, "fast-leave"},
    {LeaveReason::Evicted, "evicted"},
    {LeaveReason::Filtered, "filtered"},
    {LeaveReason::PortDown, "port-down"},
    {LeaveReason::PortRemoved, "port-removed"},
    {LeaveReason::StaticRemoved, "static-removed"},
}};

constexpr EnumTable<FloodEndReason, 3> kFloodEndNames{{
    {FloodEndReason::Queries, "queries"},
    {FloodEndReason::Timeout, "timeout"},
    {FloodEndReason::Disabled, "disabled"},
}};

constexpr EnumTable<RxAction, 3> kRxActionNames{{
    {RxAction::Forward, "forward"},
    {RxAction::KernelFlood, "kernel-flood"},
    {RxAction::Drop, "drop"},
}};

constexpr EnumTable<MaxGroupsAction, 2> kMaxGroupsActionNames{{
    {MaxGroupsAction::Deny, "deny"},
    {MaxGroupsAction::Replace, "replace"},
}};

constexpr EnumTable<MrouterMode, 3> kMrouterModeNames{{
    {MrouterMode::Auto, "auto"},
    {MrouterMode::Static, "static"},
    {MrouterMode::Disabled, "disabled"},
}};

}  // namespace

std::string_view to_string(RxKind k) { return enumName(kRxKindNames, k); }
std::string_view to_string(Cause c) { return enumName(kCauseNames, c); }
std::string_view to_string(Stat s) { return enumName(kStatNames, s); }
std::string_view to_string(StpState s) { return enumName(kStpNames, s); }
std::string_view to_string(CompatMode m) { return enumName(kCompatNames, m); }
std::string_view to_string(GroupOrigin o) { return enumName(kGroupOriginNames, o); }
std::string_view to_string(MrouterOrigin o) { return enumName(kMrouterOriginNames, o); }
std::string_view to_string(LeaveReason r) { return enumName(kLeaveNames, r); }
std::string_view to_string(FloodEndReason r) { return enumName(kFloodEndNames, r); }
std::string_view to_string(RxAction a) { return enumName(kRxActionNames, a); }
std::string_view to_string(MaxGroupsAction a) { return enumName(kMaxGroupsActionNames, a); }
std::string_view to_string(MrouterMode m) { return enumName(kMrouterModeNames, m); }
std::optional<StpState> stpStateFromString(std::string_view s) { return enumFromName(kStpNames, s); }
std::optional<MaxGroupsAction> maxGroupsActionFromString(std::string_view s) {
    return enumFromName(kMaxGroupsActionNames, s);
}
std::optional<MrouterMode> mrouterModeFromString(std::string_view s) {
    return enumFromName(kMrouterModeNames, s);
}

}  // namespace mcs::core
