// Helpers for core tests: a fake clock, address shorthands per family, decoded
// message builders (wire::Decoded values, no codec involved) and state readers.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "agent/core/snooper.h"

namespace mcs::core::test {

using wire::ProtoVersion;
using wire::RecordType;

// Monotonic fake time: t(0) is an arbitrary origin, never the epoch.
inline TimePoint t(double sec) {
    return TimePoint{} + std::chrono::hours(1000) + milliseconds(static_cast<int64_t>(sec * 1000));
}

inline IpAddr ip(const std::string& s) {
    auto a = IpAddr::parse(s);
    EXPECT_TRUE(a.has_value()) << s;
    return a.value_or(IpAddr{});
}

// Per-family address plan: groups 239.1.1.x / ff3e::x, sources 192.0.2.x /
// 2001:db8::x, hosts 198.51.100.x / fe80::x, routers 192.0.2.25x / fe80::25x.
struct Plan {
    Family f;
    IpAddr group(int i = 1) const { return ip(f == Family::V4 ? "239.1.1." + std::to_string(i) : "ff3e::" + hex(i)); }
    IpAddr src(int i) const { return ip(f == Family::V4 ? "192.0.2." + std::to_string(i) : "2001:db8::" + hex(i)); }
    IpAddr host(int i) const { return ip(f == Family::V4 ? "198.51.100." + std::to_string(i) : "fe80::" + hex(i)); }
    IpAddr router(int i = 1) const { return ip(f == Family::V4 ? "192.0.2." + std::to_string(250 + i) : "fe80::25" + std::to_string(i)); }
    std::vector<IpAddr> srcs(std::initializer_list<int> l) const {
        std::vector<IpAddr> v;
        for (int i : l) v.push_back(src(i));
        return v;
    }
    ProtoVersion v3() const { return f == Family::V4 ? ProtoVersion::IgmpV3 : ProtoVersion::MldV2; }
    ProtoVersion old() const { return f == Family::V4 ? ProtoVersion::IgmpV2 : ProtoVersion::MldV1; }
    static std::string hex(int i) {
        char b[8];
        std::snprintf(b, sizeof b, "%x", i);
        return b;
    }
};

inline wire::Decoded frame(const IpAddr& from, wire::Message m) {
    wire::Decoded d;
    d.src = from;
    d.ttl = 1;
    d.routerAlert = true;
    d.msg = std::move(m);
    return d;
}

inline wire::Decoded v3report(const Plan& p, const IpAddr& from,
                              std::vector<wire::GroupRecord> records) {
    return frame(from, wire::Report{p.v3(), std::move(records), 0});
}

inline wire::GroupRecord rec(RecordType t, const IpAddr& g, std::vector<IpAddr> s = {}) {
    return wire::GroupRecord{t, g, std::move(s)};
}

inline wire::Decoded oldReport(ProtoVersion v, const IpAddr& from, const IpAddr& g) {
    return frame(from, wire::Report{v, {rec(RecordType::IsExclude, g)}, 0});
}

inline wire::Decoded leave(ProtoVersion v, const IpAddr& from, const IpAddr& g) {
    return frame(from, wire::Leave{v, g});
}

inline wire::Decoded query(ProtoVersion v, const IpAddr& from, const IpAddr& group = {},
                           std::vector<IpAddr> sources = {}, uint32_t maxRespMs = 10000,
                           bool s = false, uint8_t qrv = 2, uint32_t qqi = 125) {
    wire::Query q;
    q.version = v;
    q.group = group.isUnspecified() ? IpAddr::unspecified(wire::familyOf(v)) : group;
    q.sources = std::move(sources);
    q.maxRespMs = maxRespMs;
    q.suppressRouterSide = s;
    q.qrv = qrv;
    q.qqiSec = qqi;
    return frame(from, q);
}

inline wire::Decoded pimHello(const IpAddr& from, uint16_t holdtime) {
    return frame(from, wire::PimHello{holdtime, true});
}

inline wire::Decoded bpduTc() {
    wire::Decoded d;
    d.msg = wire::Bpdu{wire::BpduKind::Config, true, false, 0, 0, 0, 0};
    return d;
}

// Reads the (group, port) view; fails the test when absent.
inline GroupPortInfo state(const Snooper& sn, const IpAddr& g, IfIndex port) {
    auto info = sn.group(g);
    if (info)
        for (const auto& p : info->ports)
            if (p.port == port) return p;
    ADD_FAILURE() << "no state for " << g.str() << " on port " << port.value;
    return {};
}

inline bool hasState(const Snooper& sn, const IpAddr& g, IfIndex port) {
    auto info = sn.group(g);
    if (!info) return false;
    for (const auto& p : info->ports)
        if (p.port == port) return true;
    return false;
}

// Sources with running timers (X / A) and with timer 0 (Y).
inline std::vector<IpAddr> running(const GroupPortInfo& s) {
    std::vector<IpAddr> v;
    for (const auto& x : s.sources)
        if (x.expiry) v.push_back(x.addr);
    return v;
}
inline std::vector<IpAddr> blocked(const GroupPortInfo& s) {
    std::vector<IpAddr> v;
    for (const auto& x : s.sources)
        if (!x.expiry && !x.isStatic) v.push_back(x.addr);
    return v;
}
inline std::optional<TimePoint> timerOf(const GroupPortInfo& s, const IpAddr& a) {
    for (const auto& x : s.sources)
        if (x.addr == a) return x.expiry;
    ADD_FAILURE() << "no source " << a.str();
    return std::nullopt;
}

inline std::vector<GroupQueryRequest> groupQueries(const std::vector<Outbound>& out) {
    std::vector<GroupQueryRequest> v;
    for (const auto& o : out)
        if (const auto* q = std::get_if<GroupQueryRequest>(&o.msg)) v.push_back(*q);
    return v;
}

// Runs every deadline up to `until` in order, like the daemon's timer loop.
inline void runUntil(Snooper& sn, TimePoint until) {
    while (auto d = sn.nextDeadline()) {
        if (*d > until) break;
        sn.onTimer(*d);
    }
    sn.onTimer(until);
}

}  // namespace mcs::core::test
