// Test harness for the querier: a fake clock and helpers that drive onTimer() from
// deadline to deadline, recording every frame with its send time. No sleeps.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "agent/wire/decode.h"
#include "querier/election.h"
#include "querier/querier.h"

namespace mcs::querier::test {

using namespace std::chrono_literals;
using wire::ProtoVersion;

inline IpAddr ip(const char* text) {
    auto a = IpAddr::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(IpAddr{});
}

// Fake monotonic clock: starts at an arbitrary non-zero point, moves only when told.
struct FakeClock {
    TimePoint now = TimePoint{} + 1000h;
    void advance(Duration d) { now += d; }
    Duration since(TimePoint t0) const { return std::chrono::duration_cast<Duration>(now - t0); }
};

struct Sent {
    TimePoint at;
    Outbound out;
};

inline const wire::L2 kL2{MacAddr{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}}, std::nullopt};

inline Identity v4Identity() { return Identity{IfIndex{10}, VlanId{0}, Family::V4}; }
inline Identity v6Identity() { return Identity{IfIndex{10}, VlanId{0}, Family::V6}; }

inline QuerierConfig v4Config(const char* own = "192.0.2.10",
                              ProtoVersion v = ProtoVersion::IgmpV3) {
    QuerierConfig c;
    c.enabled = true;
    c.version = v;
    c.address = ip(own);
    return c;
}

inline QuerierConfig v6Config(const char* own = "fe80::10", ProtoVersion v = ProtoVersion::MldV2) {
    QuerierConfig c;
    c.enabled = true;
    c.version = v;
    c.address = ip(own);
    return c;
}

// A general query as the decoder would hand it over.
inline wire::Query generalQuery(ProtoVersion v, uint32_t maxRespMs = 10000, uint8_t qrv = 0,
                                uint32_t qqiSec = 0) {
    wire::Query q;
    q.version = v;
    q.group = IpAddr::unspecified(wire::familyOf(v));
    q.maxRespMs = maxRespMs;
    q.qrv = qrv;
    q.qqiSec = qqiSec;
    return q;
}

// Fast test profile "F" (rfc-conformance.md §4.2): RV 2, QI 10 s, QRI 2 s, LMQI 1 s, LMQC 2.
inline QuerierConfig fast(QuerierConfig c) {
    c.robustness = 2;
    c.queryInterval = 10s;
    c.queryResponseInterval = 2s;
    c.lastMemberQueryInterval = 1s;
    return c;
}

// Drives the querier from deadline to deadline until `until` (inclusive), collecting frames
// (those already queued are collected first, stamped with the current time).
inline std::vector<Sent> runUntil(Querier& q, FakeClock& clock, TimePoint until) {
    std::vector<Sent> sent;
    for (auto& o : q.takeOutbound()) sent.push_back({clock.now, std::move(o)});
    for (int guard = 0; guard < 100000; ++guard) {
        auto d = q.nextDeadline();
        if (!d || *d > until) break;
        EXPECT_GE(*d, clock.now) << "deadline in the past";
        clock.now = std::max(clock.now, *d);
        q.onTimer(clock.now);
        for (auto& o : q.takeOutbound()) sent.push_back({clock.now, std::move(o)});
    }
    clock.now = std::max(clock.now, until);
    return sent;
}

inline std::vector<Sent> runFor(Querier& q, FakeClock& clock, Duration d) {
    return runUntil(q, clock, clock.now + d);
}

inline std::vector<Sent> ofKind(const std::vector<Sent>& s, QueryKind k) {
    std::vector<Sent> r;
    for (const auto& x : s)
        if (x.out.kind == k) r.push_back(x);
    return r;
}

// Decodes a frame we built and returns the query (fails the test when it does not decode).
inline wire::Decoded decoded(const Outbound& o) {
    auto r = wire::decodeFrame(o.frame, wire::DecodeOptions{.strict = true});
    EXPECT_TRUE(r.ok()) << "frame does not decode";
    if (!r.ok()) return {};
    return *r;
}

inline wire::Query decodedQuery(const Outbound& o) {
    wire::Decoded d = decoded(o);
    auto* q = std::get_if<wire::Query>(&d.msg);
    EXPECT_NE(q, nullptr) << "not a query";
    return q ? *q : wire::Query{};
}

template <typename E>
std::vector<E> eventsOf(const std::vector<Event>& ev) {
    std::vector<E> r;
    for (const auto& e : ev)
        if (auto* x = std::get_if<E>(&e)) r.push_back(*x);
    return r;
}

}  // namespace mcs::querier::test
