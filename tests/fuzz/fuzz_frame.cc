// libFuzzer target for decodeFrame (normal and strict), the builders and retag().
//
// Random mutations almost never keep a checksum valid, so every input is also
// decoded a second time with its IPv4 header and IGMP/ICMPv6/PIM checksums
// repaired: that lets the fuzzer reach the message parsers behind them.
//
// Invariants checked (a violation aborts, which libFuzzer reports as a crash):
// - strict mode only adds drops: same result as normal mode or a Strict* reason;
// - every decoded message can be rebuilt, and the rebuilt frame decodes (also in
//   strict mode) to the same message;
// - stripping a tag after retagging equals stripping directly.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <tuple>
#include <vector>

#include "agent/wire/build.h"
#include "agent/wire/bytes.h"
#include "agent/wire/decode.h"

namespace mcs::wire {
namespace {

using Bytes = std::vector<uint8_t>;

void check(bool ok) {
    if (!ok) std::abort();
}

uint16_t be16(const Bytes& b, size_t off) {
    return static_cast<uint16_t>((b[off] << 8) | b[off + 1]);
}

void patchSum(Bytes& b, size_t off, uint16_t sum) { Writer(b).patch16(off, sum); }

// ---- checksum repair (harness only; every index is checked against the size) ----

void repairUpper(Bytes& f, size_t start, size_t end, const IpAddr* src, const IpAddr* dst,
                 uint8_t proto) {
    if (end < start + 4 || end > f.size()) return;
    patchSum(f, start + 2, 0);
    std::span<const uint8_t> msg(f.data() + start, end - start);
    patchSum(f, start + 2, src ? ipv6UpperChecksum(*src, *dst, proto, msg) : inetChecksum(msg));
}

void repairIpv4(Bytes& f, size_t ip) {
    if (f.size() < ip + 20) return;
    const size_t ihl = (f[ip] & 0x0f) * 4u;
    if (ihl < 20 || f.size() < ip + ihl) return;
    patchSum(f, ip + 10, 0);
    patchSum(f, ip + 10, inetChecksum({f.data() + ip, ihl}));
    const size_t end = std::min(f.size(), ip + be16(f, ip + 2));
    const uint8_t proto = f[ip + 9];
    if (proto == 2 || proto == 103) repairUpper(f, ip + ihl, end, nullptr, nullptr, proto);
}

void repairIpv6(Bytes& f, size_t ip) {
    if (f.size() < ip + 40) return;
    const IpAddr src = IpAddr::v6Bytes(f.data() + ip + 8);
    const IpAddr dst = IpAddr::v6Bytes(f.data() + ip + 24);
    const size_t end = std::min(f.size(), ip + 40 + be16(f, ip + 4));
    uint8_t next = f[ip + 6];
    size_t pos = ip + 40;
    for (int i = 0; i < 8 && (next == 0 || next == 43 || next == 44 || next == 60); ++i) {
        if (pos + 2 > end) return;
        const size_t len = next == 44 ? 8 : (f[pos + 1] + 1u) * 8;
        next = f[pos];
        pos += len;
    }
    if (next == 58 || next == 103) repairUpper(f, pos, end, &src, &dst, next);
}

Bytes repairChecksums(std::span<const uint8_t> in) {
    Bytes f(in.begin(), in.end());
    if (f.size() < 14) return f;
    size_t off = 12;
    uint16_t type = be16(f, off);
    if ((type == 0x8100 || type == 0x88a8) && f.size() >= 18) {
        off += 4;
        type = be16(f, off);
    }
    if (type == 0x0800) repairIpv4(f, off + 2);
    if (type == 0x86dd) repairIpv6(f, off + 2);
    return f;
}

// ---- message comparison (the message structs have no operator==) ----

bool same(const Report& a, const Report& b) {
    if (a.version != b.version || a.records.size() != b.records.size()) return false;
    for (size_t i = 0; i < a.records.size(); ++i) {
        const auto &x = a.records[i], &y = b.records[i];
        if (x.type != y.type || x.group != y.group || x.sources != y.sources) return false;
    }
    return true;
}
bool same(const Leave& a, const Leave& b) { return a.version == b.version && a.group == b.group; }
bool same(const Query& a, const Query& b) {
    return std::tie(a.version, a.group, a.sources, a.maxRespMs, a.suppressRouterSide, a.qrv,
                    a.qqiSec) == std::tie(b.version, b.group, b.sources, b.maxRespMs,
                                          b.suppressRouterSide, b.qrv, b.qqiSec);
}
bool same(const PimHello& a, const PimHello& b) { return a.holdtimeSec == b.holdtimeSec; }
bool same(const MrdAdvertisement& a, const MrdAdvertisement& b) {
    return std::tie(a.advIntervalSec, a.queryIntervalSec, a.robustness) ==
           std::tie(b.advIntervalSec, b.queryIntervalSec, b.robustness);
}
bool same(const MrdSolicitation&, const MrdSolicitation&) { return true; }
bool same(const MrdTermination&, const MrdTermination&) { return true; }
bool same(const Bpdu& a, const Bpdu& b) {
    return std::tie(a.kind, a.topologyChange, a.topologyChangeAck, a.rootId, a.bridgeId,
                    a.rootPathCost, a.portId) == std::tie(b.kind, b.topologyChange,
                                                          b.topologyChangeAck, b.rootId, b.bridgeId,
                                                          b.rootPathCost, b.portId);
}

// ---- rebuild ----

struct Rebuild {
    const Decoded& d;
    L2 l2{d.srcMac, d.tagVid};

    Frame operator()(const Report& r) const {
        return buildReport(l2, ReportSpec{r.version, d.src, r.records});
    }
    Frame operator()(const Leave& l) const { return buildLeave(l2, l.version, d.src, l.group); }
    Frame operator()(const Query& q) const {
        QuerySpec s;
        s.version = q.version;
        s.src = d.src;
        s.group = q.group;
        s.sources = q.sources;
        s.maxRespMs = q.maxRespMs;
        s.suppressRouterSide = q.suppressRouterSide;
        s.qrv = q.qrv;
        s.qqiSec = q.qqiSec;
        return buildQuery(l2, s);
    }
    Frame operator()(const PimHello& h) const { return buildPimHello(l2, d.src, h.holdtimeSec); }
    Frame operator()(const MrdAdvertisement& a) const {
        return buildMrdAdvertisement(l2, d.src, a);
    }
    Frame operator()(const MrdSolicitation&) const { return buildMrdSolicitation(l2, d.src); }
    Frame operator()(const MrdTermination&) const { return buildMrdTermination(l2, d.src); }
    Frame operator()(const Bpdu& b) const { return buildConfigBpdu(d.srcMac, b); }
};

void checkRebuild(const Decoded& d) {
    const Frame f = std::visit(Rebuild{d}, d.msg);
    auto again = decodeFrame(f);
    check(again.ok());
    check(decodeFrame(f, DecodeOptions{true}).ok());
    check(again->msg.index() == d.msg.index());
    check(std::visit(
        [&](const auto& m) { return same(m, std::get<std::decay_t<decltype(m)>>(again->msg)); },
        d.msg));
    if (!std::holds_alternative<Bpdu>(d.msg)) check(again->tagVid == d.tagVid);
}

bool isStrictReason(DropReason r) {
    return r == DropReason::StrictTtlNot1 || r == DropReason::StrictNoRouterAlert ||
           r == DropReason::StrictBadQueryDestination;
}

void fuzzOne(std::span<const uint8_t> in) {
    auto normal = decodeFrame(in);
    auto strict = decodeFrame(in, DecodeOptions{true});
    if (normal) {
        check(strict.ok() || isStrictReason(strict.error()));
        checkRebuild(*normal);
    } else {
        check(!strict.ok() && strict.error() == normal.error());
        check(to_string(normal.error()) != "unknown");
    }
}

}  // namespace
}  // namespace mcs::wire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mcs::wire;
    const std::span<const uint8_t> in(data, size);
    fuzzOne(in);
    fuzzOne(repairChecksums(in));
    (void)decodeIp(in);
    // retag: strip(retag(x, t)) == strip(x)
    const mcs::VlanId vid{static_cast<uint16_t>(size % 4095)};
    check(retag(retag(in, vid), std::nullopt) == retag(in, std::nullopt));
    return 0;
}
