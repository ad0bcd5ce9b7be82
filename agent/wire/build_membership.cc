// Builders for IGMP/MLD queries, reports, leaves and query solicitations.
#include <algorithm>

#include "agent/wire/bytes.h"
#include "agent/wire/decode.h"
#include "agent/wire/encap.h"
#include "agent/wire/layers.h"

namespace mcs::wire {
namespace {

using namespace detail;

constexpr uint8_t kIgmpQuery = 0x11;
constexpr uint8_t kIgmpV1Report = 0x12;
constexpr uint8_t kIgmpV2Report = 0x16;
constexpr uint8_t kIgmpLeave = 0x17;
constexpr uint8_t kIgmpV3Report = 0x22;
constexpr uint8_t kMldQuery = 130;
constexpr uint8_t kMldV1Report = 131;
constexpr uint8_t kMldDone = 132;
constexpr uint8_t kMldV2Report = 143;
constexpr size_t kMaxCount = 0xffff;   // 16-bit record / source counts

uint8_t upperProto(Family f) { return f == Family::V4 ? kProtoIgmp : kNextHeaderIcmpv6; }

// Type | code/MRT | checksum (0, filled in by ipFrame).
void header(Writer& w, uint8_t type, uint8_t code = 0) {
    w.u8(type);
    w.u8(code);
    w.u16(0);
}

void sourceList(Writer& w, std::span<const IpAddr> sources, Family f) {
    const size_t n = std::min(sources.size(), kMaxCount);
    w.u16(static_cast<uint16_t>(n));
    for (size_t i = 0; i < n; ++i) w.ip(sources[i], f);
}

// S | QRV | QQIC | N | sources: the tail shared by IGMPv3 and MLDv2 queries.
void v3QueryTail(Writer& w, const QuerySpec& q, Family f) {
    // RFC 9776 §4.1.6: QRV is 0 when the robustness variable exceeds 7.
    const uint8_t qrv = q.qrv > 7 ? 0 : q.qrv;
    w.u8(static_cast<uint8_t>((q.suppressRouterSide ? 0x08 : 0) | qrv));
    w.u8(encodeCode8(q.qqiSec));
    sourceList(w, q.sources, f);
}

}  // namespace

Frame buildQuery(const L2& l2, const QuerySpec& q) {
    const Family f = familyOf(q.version);
    const IpAddr dst = q.group.isUnspecified() ? allHosts(f) : q.group;
    std::vector<uint8_t> m;
    Writer w(m);
    switch (q.version) {
        case ProtoVersion::IgmpV1:   // Max Resp 0 is what makes it a v1 query
        case ProtoVersion::IgmpV2: {
            auto mrt = q.version == ProtoVersion::IgmpV1
                           ? 0u
                           : std::clamp(q.maxRespMs / 100, uint32_t{1}, uint32_t{255});
            header(w, kIgmpQuery, static_cast<uint8_t>(mrt));
            w.ip(q.group, f);
            break;
        }
        case ProtoVersion::IgmpV3:
            header(w, kIgmpQuery, encodeCode8(q.maxRespMs / 100));
            w.ip(q.group, f);
            v3QueryTail(w, q, f);
            break;
        case ProtoVersion::MldV1:
        case ProtoVersion::MldV2: {
            header(w, kMldQuery);
            const bool v1 = q.version == ProtoVersion::MldV1;
            w.u16(v1 ? static_cast<uint16_t>(std::min(q.maxRespMs, uint32_t{0xffff}))
                     : encodeCode16(q.maxRespMs));
            w.u16(0);   // reserved
            w.ip(q.group, f);
            if (!v1) v3QueryTail(w, q, f);
            break;
        }
    }
    return ipFrame(l2, q.src, dst, upperProto(f), std::move(m));
}

Frame buildReport(const L2& l2, const ReportSpec& r) {
    const Family f = familyOf(r.version);
    std::vector<uint8_t> m;
    Writer w(m);
    if (r.version == ProtoVersion::IgmpV3 || r.version == ProtoVersion::MldV2) {
        header(w, r.version == ProtoVersion::IgmpV3 ? kIgmpV3Report : kMldV2Report);
        w.u16(0);   // flags / reserved
        const size_t n = std::min(r.records.size(), kMaxCount);
        w.u16(static_cast<uint16_t>(n));
        for (size_t i = 0; i < n; ++i) {
            const GroupRecord& rec = r.records[i];
            w.u8(static_cast<uint8_t>(rec.type));
            w.u8(0);   // aux data length: MUST NOT be sent (RFC 9776 §4.2.11)
            const size_t ns = std::min(rec.sources.size(), kMaxCount);
            w.u16(static_cast<uint16_t>(ns));
            w.ip(rec.group, f);
            for (size_t s = 0; s < ns; ++s) w.ip(rec.sources[s], f);
        }
        return ipFrame(l2, r.src, allV3Routers(f), upperProto(f), std::move(m));
    }
    // v1/v2/MLDv1: one group, sent to that group (rfc-conformance.md §1.11).
    const IpAddr group = r.records.empty() ? IpAddr::unspecified(f) : r.records.front().group;
    if (r.version == ProtoVersion::MldV1) {
        header(w, kMldV1Report);
        w.u32(0);   // max response delay, reserved
    } else {
        header(w, r.version == ProtoVersion::IgmpV1 ? kIgmpV1Report : kIgmpV2Report);
    }
    w.ip(group, f);
    return ipFrame(l2, r.src, group, upperProto(f), std::move(m));
}

Frame buildLeave(const L2& l2, ProtoVersion version, const IpAddr& src, const IpAddr& group) {
    switch (version) {
        case ProtoVersion::IgmpV3:
        case ProtoVersion::MldV2: {   // TO_IN({}) is the v3 leave (RFC 9776 §2)
            ReportSpec r{version, src, {GroupRecord{RecordType::ToInclude, group, {}}}};
            return buildReport(l2, r);
        }
        case ProtoVersion::MldV1: {
            std::vector<uint8_t> m;
            Writer w(m);
            header(w, kMldDone);
            w.u32(0);
            w.ip(group, Family::V6);
            return ipFrame(l2, src, allRouters(Family::V6), kNextHeaderIcmpv6, std::move(m));
        }
        case ProtoVersion::IgmpV1:   // IGMPv1 has no leave; a v2 leave is the closest
        case ProtoVersion::IgmpV2:
            break;
    }
    std::vector<uint8_t> m;
    Writer w(m);
    header(w, kIgmpLeave);
    w.ip(group, Family::V4);
    return ipFrame(l2, src, allRouters(Family::V4), kProtoIgmp, std::move(m));
}

Frame buildQuerySolicitation(const L2& l2, const IpAddr& src) {
    const Family f = src.family();
    return buildLeave(l2, f == Family::V4 ? ProtoVersion::IgmpV2 : ProtoVersion::MldV1, src,
                      IpAddr::unspecified(f));
}

}  // namespace mcs::wire
