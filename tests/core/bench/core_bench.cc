// Records per second through Snooper::onMessage for join, refresh and leave mixes
// with 64k groups spread over 16 ports (docs/benchmarks.md, section "Core").
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <memory>
#include <vector>

#include "agent/core/snooper.h"

namespace {

using namespace mcs;
using namespace mcs::core;
using wire::ProtoVersion;
using wire::RecordType;

constexpr int kPorts = 16;
constexpr int kGroups = 65536;

TimePoint at(int64_t ms) { return TimePoint{} + std::chrono::hours(1) + milliseconds(ms); }

IpAddr group(int i) { return IpAddr::v4(0xef000000u + static_cast<uint32_t>(i)); }          // 239.0.x.y
IpAddr host(int i) { return IpAddr::v4(0xc6336400u + static_cast<uint32_t>(i % 250 + 1)); }  // 198.51.100.x
IfIndex portOf(int i) { return IfIndex{1 + i % kPorts}; }

SnooperConfig config(bool immediateLeave = false) {
    SnooperConfig c;
    c.limits.groupsPerVlan = 2 * kGroups;
    c.limits.groupsPerPort = 2 * kGroups;
    c.limits.sourcesPerVlan = 1 << 22;
    c.limits.hostsPerVlan = 1 << 20;
    c.vlan.immediateLeave = immediateLeave;
    return c;
}

std::unique_ptr<Snooper> makeSnooper(bool immediateLeave = false) {
    auto sn = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{1}, config(immediateLeave));
    for (int p = 1; p <= kPorts; ++p) sn->portAdded(IfIndex{p}, "p" + std::to_string(p), at(0));
    sn->portAdded(IfIndex{99}, "up", at(0));
    wire::Decoded q;
    q.src = IpAddr::v4(0xc0000201u);
    q.msg = wire::Query{ProtoVersion::IgmpV3, IpAddr{}, {}, 10000, false, 2, 125};
    sn->onMessage(IfIndex{99}, q, at(0));   // a router port, so verdicts have targets
    return sn;
}

wire::Decoded v3(int hostIdx, std::vector<wire::GroupRecord> recs) {
    wire::Decoded d;
    d.src = host(hostIdx);
    d.msg = wire::Report{ProtoVersion::IgmpV3, std::move(recs), 0};
    return d;
}

// One IGMPv3 report per port carrying `perReport` records of that port's groups.
std::vector<std::pair<IfIndex, wire::Decoded>> reports(RecordType type, int perReport, int sources = 0) {
    std::vector<std::pair<IfIndex, wire::Decoded>> out;
    for (int p = 0; p < kPorts; ++p) {
        std::vector<wire::GroupRecord> recs;
        for (int i = p; i < kGroups; i += kPorts) {
            wire::GroupRecord r{type, group(i), {}};
            for (int s = 0; s < sources; ++s) r.sources.push_back(IpAddr::v4(0xc0000200u + static_cast<uint32_t>(s + 1)));
            recs.push_back(std::move(r));
            if (static_cast<int>(recs.size()) == perReport) {
                out.emplace_back(portOf(i), v3(i, std::move(recs)));
                recs.clear();
            }
        }
        if (!recs.empty()) out.emplace_back(portOf(p), v3(p, std::move(recs)));
    }
    return out;
}

void feed(Snooper& sn, const std::vector<std::pair<IfIndex, wire::Decoded>>& msgs, int64_t& clock) {
    for (const auto& [port, d] : msgs) benchmark::DoNotOptimize(sn.onMessage(port, d, at(++clock)));
}

// 64k new (*,G) joins (IS_EX{}) into an empty VLAN.
void BM_Join(benchmark::State& state) {
    const auto msgs = reports(RecordType::IsExclude, static_cast<int>(state.range(0)));
    for (auto _ : state) {
        state.PauseTiming();
        auto sn = makeSnooper();
        int64_t clock = 0;
        state.ResumeTiming();
        feed(*sn, msgs, clock);
        state.PauseTiming();
        sn.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kGroups);
}
BENCHMARK(BM_Join)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);

// Steady state: current-state refreshes (answers to general queries) of 64k groups.
void BM_Refresh(benchmark::State& state) {
    auto sn = makeSnooper();
    int64_t clock = 0;
    const auto msgs = reports(RecordType::IsExclude, static_cast<int>(state.range(0)));
    feed(*sn, msgs, clock);
    for (auto _ : state) feed(*sn, msgs, clock);
    state.SetItemsProcessed(state.iterations() * kGroups);
}
BENCHMARK(BM_Refresh)->Arg(1)->Arg(32)->Unit(benchmark::kMillisecond);

// Refresh of INCLUDE groups with 8 sources each (source timers per record).
void BM_RefreshSources(benchmark::State& state) {
    auto sn = makeSnooper();
    int64_t clock = 0;
    const auto msgs = reports(RecordType::IsInclude, 32, 8);
    feed(*sn, msgs, clock);
    for (auto _ : state) feed(*sn, msgs, clock);
    state.SetItemsProcessed(state.iterations() * kGroups);
}
BENCHMARK(BM_RefreshSources)->Unit(benchmark::kMillisecond);

// Leaves of 64k groups: own querier (TO_IN({}) -> Q(G) requests, timers to LMQT),
// or immediate leave (state removed at once). Re-joining is outside the timing.
void BM_Leave(benchmark::State& state) {
    const bool fast = state.range(0) != 0;
    const auto joins = reports(RecordType::IsExclude, 32);
    const auto leaves = reports(RecordType::ToInclude, 32);
    for (auto _ : state) {
        state.PauseTiming();
        auto sn = makeSnooper(fast);
        sn->setOwnQuerierActive(Family::V4, true, at(0));
        int64_t clock = 0;
        feed(*sn, joins, clock);
        state.ResumeTiming();
        feed(*sn, leaves, clock);
        benchmark::DoNotOptimize(sn->takeOutbound());
        state.PauseTiming();
        sn.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kGroups);
    state.SetLabel(fast ? "immediate-leave" : "own-querier");
}
BENCHMARK(BM_Leave)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// What BridgeAgent::desiredMdbUpdate does per VLAN in steady state.
MdbSnapshot changedEntries(Snooper& sn, const KernelCaps& caps) {
    MdbSnapshot out;
    for (const auto& g : sn.takeMdbChanges().groups) sn.appendMdbEntries(g, caps, out);
    return out;
}

// Daemon-like mix on 64k groups: per 100 single-record reports, 80 refreshes,
// 10 leaves (own querier) and 10 joins, with onTimer() and the daemon's incremental
// MDB update (changed groups, their entries) after every 100 records.
void BM_Mixed(benchmark::State& state) {
    auto sn = makeSnooper();
    sn->setOwnQuerierActive(Family::V4, true, at(0));
    int64_t clock = 0;
    feed(*sn, reports(RecordType::IsExclude, 32), clock);
    (void)sn->takeMdbChanges();
    std::vector<std::pair<IfIndex, wire::Decoded>> mix;
    for (int i = 0; i < kGroups; ++i) {
        const int k = i % 100;
        const RecordType t = k < 80 ? RecordType::IsExclude : k < 90 ? RecordType::ToInclude : RecordType::ToExclude;
        const int g = k < 90 ? i : kGroups + i;   // joins use fresh groups
        mix.emplace_back(portOf(g), v3(g, {wire::GroupRecord{t, group(g), {}}}));
    }
    for (auto _ : state) {
        for (size_t i = 0; i < mix.size(); ++i) {
            benchmark::DoNotOptimize(sn->onMessage(mix[i].first, mix[i].second, at(++clock)));
            if (i % 100 == 99) {
                sn->onTimer(at(clock));
                benchmark::DoNotOptimize(changedEntries(*sn, KernelCaps{}).size());
                benchmark::DoNotOptimize(sn->takeOutbound());
                benchmark::DoNotOptimize(sn->takeEvents());
            }
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(mix.size()));
}
BENCHMARK(BM_Mixed)->Unit(benchmark::kMillisecond);

// The MDB for the daemon: the entries of the groups changed by one report (what a
// report costs in steady state) vs. the whole 64k-entry MDB (retries, VLAN changes).
void BM_DesiredMdb(benchmark::State& state) {
    const bool full = state.range(0) != 0;
    auto sn = makeSnooper();
    int64_t clock = 0;
    feed(*sn, reports(RecordType::IsExclude, 32), clock);
    KernelCaps a;
    (void)sn->takeMdbChanges();
    const auto one = v3(1, {wire::GroupRecord{RecordType::IsExclude, group(kGroups + 7), {}}});
    const auto bye = v3(1, {wire::GroupRecord{RecordType::ToInclude, group(kGroups + 7), {}}});
    bool flip = false;
    for (auto _ : state) {
        sn->onMessage(IfIndex{1}, flip ? bye : one, at(++clock));
        flip = !flip;
        if (full)
            benchmark::DoNotOptimize(sn->desiredMdb(a).size());
        else
            benchmark::DoNotOptimize(changedEntries(*sn, a).size());
    }
    state.SetLabel(full ? "full rebuild, 64k entries" : "one changed group");
}
BENCHMARK(BM_DesiredMdb)->Arg(0)->Arg(1);

}  // namespace

// Heap bytes the core holds per group (one member port each, IS_EX {}): mallinfo2
// before and after the joins, malloc headers included. Not a speed figure: the
// counter is what matters (`bytes_per_group`).
void BM_MemoryPerGroup(benchmark::State& state) {
    const auto msgs = reports(RecordType::IsExclude, 32);
    double perGroup = 0;
    for (auto _ : state) {
        auto sn = makeSnooper();
        const struct mallinfo2 before = mallinfo2();
        int64_t clock = 0;
        feed(*sn, msgs, clock);
        benchmark::DoNotOptimize(sn->takeEvents());
        benchmark::DoNotOptimize(sn->takeMdbChanges());   // the daemon takes them every round
        const struct mallinfo2 after = mallinfo2();
        const double bytes = static_cast<double>(after.uordblks + after.hblkhd) -
                             static_cast<double>(before.uordblks + before.hblkhd);
        perGroup = bytes / static_cast<double>(sn->groupCount());
    }
    state.counters["bytes_per_group"] = perGroup;
}
BENCHMARK(BM_MemoryPerGroup)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
