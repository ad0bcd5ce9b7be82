// The per-port report rate limit: token bucket arithmetic with a fake clock, the
// limiter's counters and warnings, and BridgeAgent applying it to reports only.
#include "agent/daemon/rate_limit.h"

#include <gtest/gtest.h>

#include "agent/daemon/bridge_agent.h"
#include "agent/wire/build.h"

namespace mcs::daemon {
namespace {

const TimePoint t0{seconds(1000)};

int admitted(TokenBucket& b, uint32_t rate, TimePoint now, int tries) {
    int n = 0;
    for (int i = 0; i < tries; ++i) n += b.admit(rate, now);
    return n;
}

TEST(TokenBucket, StartsFullWithOneSecondOfBurst) {
    TokenBucket b;
    EXPECT_EQ(admitted(b, 100, t0, 1000), 100);
}

TEST(TokenBucket, RefillsAtTheRate) {
    TokenBucket b;
    admitted(b, 100, t0, 100);
    EXPECT_FALSE(b.admit(100, t0));
    // 10 ms at 100/s = 1 token.
    EXPECT_TRUE(b.admit(100, t0 + milliseconds(10)));
    EXPECT_FALSE(b.admit(100, t0 + milliseconds(10)));
    // Half a token accumulates across calls: 5 ms + 5 ms.
    EXPECT_FALSE(b.admit(100, t0 + milliseconds(15)));
    EXPECT_TRUE(b.admit(100, t0 + milliseconds(20)));
    // 250 ms = 25 tokens.
    EXPECT_EQ(admitted(b, 100, t0 + milliseconds(270), 100), 25);
}

TEST(TokenBucket, NeverHoldsMoreThanOneSecond) {
    TokenBucket b;
    admitted(b, 50, t0, 50);
    EXPECT_EQ(admitted(b, 50, t0 + seconds(3600), 1000), 50);
}

TEST(TokenBucket, SustainedRateOverTime) {
    // 100k attempts/s for 5 s against 1000/s: 1000 (burst) + 5 * 1000 admitted.
    TokenBucket b;
    int n = 0;
    for (int us = 0; us < 5'000'000; us += 10) n += b.admit(1000, t0 + std::chrono::microseconds(us));
    EXPECT_GE(n, 5999);
    EXPECT_LE(n, 6001);
}

TEST(TokenBucket, HighRatesRefillExactly) {
    TokenBucket b;
    admitted(b, 1'000'000, t0, 1'000'000);
    EXPECT_FALSE(b.admit(1'000'000, t0));
    EXPECT_EQ(admitted(b, 1'000'000, t0 + std::chrono::microseconds(7), 100), 7);
}

TEST(TokenBucket, ZeroIsUnlimitedAndANewRateStartsFull) {
    TokenBucket b;
    EXPECT_EQ(admitted(b, 0, t0, 100000), 100000);
    admitted(b, 10, t0, 10);
    EXPECT_FALSE(b.admit(10, t0));
    EXPECT_EQ(admitted(b, 20, t0, 100), 20);   // reload to another rate
}

TEST(TokenBucket, ClockGoingBackwardsRefillsNothing) {
    TokenBucket b;
    admitted(b, 10, t0, 10);
    EXPECT_FALSE(b.admit(10, t0 - seconds(5)));
    EXPECT_FALSE(b.admit(10, t0));
}

TEST(ReportRateLimiter, PortsHaveTheirOwnBucketsAndCounters) {
    ReportRateLimiter rl;
    const IfIndex p1{3}, p2{4};
    for (int i = 0; i < 30; ++i) rl.admit(p1, 10, t0);
    EXPECT_EQ(rl.dropped(p1), 20u);
    EXPECT_TRUE(rl.admit(p2, 10, t0).admit);
    EXPECT_EQ(rl.dropped(p2), 0u);
    EXPECT_EQ(rl.droppedTotal(), 20u);
    rl.portRemoved(p1);
    EXPECT_EQ(rl.dropped(p1), 0u);
    EXPECT_EQ(rl.droppedTotal(), 20u);
}

TEST(ReportRateLimiter, WarnsAtOnceThenOncePerIntervalWithTheCount) {
    ReportRateLimiter rl;
    const IfIndex p{3};
    rl.admit(p, 1, t0);   // the one token
    auto v = rl.admit(p, 1, t0);
    EXPECT_FALSE(v.admit);
    ASSERT_TRUE(v.warnDrops);
    EXPECT_EQ(*v.warnDrops, 1u);
    int warnings = 0;
    uint64_t warned = 1;
    // 1 ms apart for 25 s: the bucket refills one token a second.
    for (int ms = 1; ms <= 25000; ++ms) {
        auto w = rl.admit(p, 1, t0 + milliseconds(ms));
        if (w.warnDrops) {
            ++warnings;
            warned += *w.warnDrops;
        }
    }
    EXPECT_EQ(warnings, 2);   // at 10 s and 20 s
    EXPECT_LE(warned, rl.dropped(p));
    EXPECT_GT(warned, rl.dropped(p) - 5001);   // what the last 5 s dropped is not warned yet
}

// ---- BridgeAgent ----

struct NullSink : FrameSink {
    void sendOnPort(IfIndex, std::span<const uint8_t>) override {}
    void sendViaBridge(std::span<const uint8_t>) override {}
};

constexpr IfIndex kP1{3}, kP2{4};

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

wire::Frame report(const char* host, const char* group) {
    wire::ReportSpec r;
    r.src = ip(host);
    r.records = {{wire::RecordType::ToExclude, ip(group), {}}};
    return wire::buildReport({MacAddr{{0x02, 0, 0, 0, 0, 1}}, std::nullopt}, r);
}

wire::Frame query(const char* src) {
    wire::QuerySpec q;
    q.version = wire::ProtoVersion::IgmpV3;
    q.src = ip(src);
    q.group = IpAddr::unspecified(Family::V4);
    return wire::buildQuery({MacAddr{{0x02, 0, 0, 0, 0, 9}}, std::nullopt}, q);
}

class AgentRateLimit : public ::testing::Test {
protected:
    AgentRateLimit()
        : agent("br0", IfIndex{2}, MacAddr{{0x02, 0, 0, 0, 0, 0xbb}}, [this](VlanId) { return settings; },
                sink) {
        settings.reportRateLimit = 5;
        settings.portReportRateLimit["p2"] = 0;   // unlimited
        settings.querier6.version = wire::ProtoVersion::MldV2;
        agent.setVlans({VlanId{0}}, t0);
        agent.portAdded(kP1, "p1", {}, t0);
        agent.portAdded(kP2, "p2", {}, t0);
    }
    size_t groups() const { return agent.snooper(VlanId{0})->groupCount(); }
    VlanSettings settings;
    NullSink sink;
    BridgeAgent agent;
};

TEST_F(AgentRateLimit, ReportsOverTheLimitAreDroppedAndCountedPerPort) {
    char g[32];
    for (int i = 0; i < 20; ++i) {
        std::snprintf(g, sizeof g, "239.1.0.%d", i + 1);
        agent.onFrame(kP1, std::nullopt, report("192.0.2.11", g), t0);
    }
    EXPECT_EQ(groups(), 5u);
    EXPECT_EQ(agent.reportRateLimited(kP1), 15u);
    EXPECT_EQ(agent.counters().reportRateLimited, 15u);
    EXPECT_EQ(agent.reportRateLimit(kP1), 5u);
    // p2 has its own (unlimited) budget.
    for (int i = 0; i < 20; ++i) {
        std::snprintf(g, sizeof g, "239.2.0.%d", i + 1);
        agent.onFrame(kP2, std::nullopt, report("192.0.2.12", g), t0);
    }
    EXPECT_EQ(groups(), 25u);
    EXPECT_EQ(agent.reportRateLimited(kP2), 0u);
    EXPECT_EQ(agent.reportRateLimit(kP2), 0u);
    // One second later p1 may send five again.
    agent.onFrame(kP1, std::nullopt, report("192.0.2.11", "239.3.0.1"), t0 + seconds(1));
    EXPECT_EQ(groups(), 26u);
}

TEST_F(AgentRateLimit, QueriesAreNotLimited) {
    for (int i = 0; i < 5; ++i) agent.onFrame(kP1, std::nullopt, report("192.0.2.11", "239.1.1.1"), t0);
    for (int i = 0; i < 50; ++i) agent.onFrame(kP1, std::nullopt, query("192.0.2.1"), t0);
    EXPECT_EQ(agent.reportRateLimited(kP1), 0u);
    EXPECT_EQ(agent.snooper(VlanId{0})->counters().get(core::RxKind::IgmpV3Query), 50u);
}

TEST_F(AgentRateLimit, ReloadChangesTheLimit) {
    for (int i = 0; i < 10; ++i) agent.onFrame(kP1, std::nullopt, report("192.0.2.11", "239.1.1.1"), t0);
    EXPECT_EQ(agent.reportRateLimited(kP1), 5u);
    settings.reportRateLimit = 0;
    agent.reloadSettings(t0);
    for (int i = 0; i < 10; ++i) agent.onFrame(kP1, std::nullopt, report("192.0.2.11", "239.1.1.1"), t0);
    EXPECT_EQ(agent.reportRateLimited(kP1), 5u);
    settings.reportRateLimit = 2;
    agent.reloadSettings(t0);
    for (int i = 0; i < 10; ++i) agent.onFrame(kP1, std::nullopt, report("192.0.2.11", "239.1.1.1"), t0);
    EXPECT_EQ(agent.reportRateLimited(kP1), 13u);
}

}  // namespace
}  // namespace mcs::daemon
