// Counters of one Snooper (VLAN totals) and of each of its ports: received
// messages by type, drops/ignores by cause, and state-change statistics. Every
// enum has a string table (names.cc) so D-Bus/JSON can list them generically.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "agent/wire/message.h"

namespace mcs::core {

enum class RxKind : uint8_t {
    IgmpV1Report, IgmpV2Report, IgmpV3Report, IgmpLeave,
    IgmpV1Query, IgmpV2Query, IgmpV3Query,
    MldV1Report, MldV2Report, MldDone, MldV1Query, MldV2Query,
    PimHelloV4, PimHelloV6, MrdAdvertisement, MrdSolicitation, MrdTermination, Bpdu,
    Count_
};

// Why a frame, a record or a part of it had no (full) effect. Frame-level causes
// make the RxVerdict Drop; record-level ones are counted per record.
enum class Cause : uint8_t {
    None,
    UnknownPort,        // frame from a port the snooper was not told about
    PortDown,
    StpBlocked,         // port not in STP Forwarding: nothing is learned (frame dropped)
    Filtered,           // group (or every record of the report) denied by the group filter
    SourceFiltered,     // some sources of a record denied by a source-specific filter rule
    GroupLimitVlan,     // Limits::groupsPerVlan
    GroupLimitPort,     // Limits::groupsPerPort
    MaxGroupsVlan,      // policy max-groups (VLAN), action deny
    MaxGroupsPort,      // policy max-groups (port), action deny
    SourceLimit,        // Limits::sourcesPerGroup / sourcesPerVlan hit: spill rule applied
    HostLimit,          // Limits::hostsPerGroupPort / hostsPerVlan hit: membership untracked
    RecordLimit,        // Limits::recordsPerReport: records skipped
    V1LeaveIgnored,     // RFC 9776 §7.3.2: leave / TO_IN ignored in IGMPv1 compatibility mode
    CompatBlockIgnored, // RFC 9776 §7.3.2 / RFC 9777 §8.3.2: BLOCK ignored in v2/MLDv1 mode
    LinkLocalGroup,     // RFC 4541 §2.1.2 (2), §3: never tracked
    WrongFamily,        // record group of the other family (or source family mismatch)
    ProxyQuery,         // query from 0.0.0.0 / :: (RFC 4541 §2.1.1): no mrouter, no election
    MrouterDisabled,    // router evidence on a port with MrouterMode::Disabled
    ForeignQuery,       // specific query not from the elected querier: no timer lowering
    UnknownRecordType,  // RFC 9776 §4.2.13 / RFC 9777 §5.2.12: record of unknown type skipped
    Count_
};

enum class Stat : uint8_t {
    Joins,              // (group, port) memberships created (learned)
    Leaves,             // learned memberships removed by leave/fast leave
    Expired,            // learned memberships removed by timer expiry
    FastLeaves,         // immediate-leave removals (subset of Leaves)
    FastPrunes,         // immediate-leave source prunes
    Evictions,          // max-groups action replace
    RecordsProcessed,
    QueriesLowered,     // observed specific queries that lowered timers (Table 10)
    GroupQueriesRequested,
    TopologyChanges,
    FloodsStarted,
    MrouterLearned,     // port became a router port of a family
    MrouterLost,
    Count_
};

inline constexpr size_t kRxKindCount = static_cast<size_t>(RxKind::Count_);
inline constexpr size_t kCauseCount = static_cast<size_t>(Cause::Count_);
inline constexpr size_t kStatCount = static_cast<size_t>(Stat::Count_);

std::string_view to_string(RxKind k);
std::string_view to_string(Cause c);
std::string_view to_string(Stat s);

struct Counters {
    std::array<uint64_t, kRxKindCount> rx{};
    std::array<uint64_t, kCauseCount> causes{};
    std::array<uint64_t, kStatCount> stats{};

    uint64_t get(RxKind k) const { return rx[static_cast<size_t>(k)]; }
    uint64_t get(Cause c) const { return causes[static_cast<size_t>(c)]; }
    uint64_t get(Stat s) const { return stats[static_cast<size_t>(s)]; }
    void add(RxKind k, uint64_t n = 1) { rx[static_cast<size_t>(k)] += n; }
    void add(Cause c, uint64_t n = 1) { causes[static_cast<size_t>(c)] += n; }
    void add(Stat s, uint64_t n = 1) { stats[static_cast<size_t>(s)] += n; }
};

// Classification of a received message for RxKind counters.
RxKind rxKindOf(const wire::Message& m, Family ipFamily);

}  // namespace mcs::core
