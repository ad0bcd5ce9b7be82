// IGMP (RFC 1112, RFC 2236, RFC 9776) and MRD over IGMP (RFC 4286).
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

constexpr size_t kMinLength = 8;
constexpr size_t kV3QueryMinLength = 12;
constexpr uint32_t kV1QueryMaxRespMs = 10000;   // RFC 9776 §7.2.1 / RFC 2236 §4

enum IgmpType : uint8_t {
    kQuery = 0x11,
    kV1Report = 0x12,
    kV2Report = 0x16,
    kLeave = 0x17,
    kV3Report = 0x22,
    kMrdAdvertisement = 0x30,
    kMrdSolicitation = 0x31,
    kMrdTermination = 0x32,
};

// rfc-conformance.md §1.12 C6/C7/C9: SHOULD-level, only in strict mode.
std::optional<DropReason> strictCheck(const IpInfo& ip, const DecodeOptions& opt, bool needsRa,
                                      bool generalQuery) {
    if (!opt.strict) return std::nullopt;
    if (ip.ttl != 1) return DropReason::StrictTtlNot1;
    if (needsRa && !ip.routerAlert) return DropReason::StrictNoRouterAlert;
    if (generalQuery && ip.dst != allHosts(Family::V4))
        return DropReason::StrictBadQueryDestination;
    return std::nullopt;
}

MsgResult decodeQuery(const IpInfo& ip, Bytes msg, const DecodeOptions& opt) {
    // RFC 9776 §7.1: the length alone tells v1/v2 (8) from v3 (>= 12).
    if (msg.size() > kMinLength && msg.size() < kV3QueryMinLength)
        return drop(DropReason::BadQueryLength);
    Reader r(msg);
    r.skip(1);
    uint8_t maxResp = r.u8();
    r.skip(2);
    Query q;
    q.group = r.ip(Family::V4);
    if (!isQueryGroup(q.group)) return drop(DropReason::BadGroupAddress);
    if (msg.size() == kMinLength) {
        // v1: Max Resp 0; v2: linear 1/10 s (RFC 2236 §2.2).
        q.version = maxResp == 0 ? ProtoVersion::IgmpV1 : ProtoVersion::IgmpV2;
        q.maxRespMs = maxResp == 0 ? kV1QueryMaxRespMs : maxResp * 100u;
    } else {
        q.version = ProtoVersion::IgmpV3;
        q.maxRespMs = decodeCode8(maxResp) * 100;
        uint8_t flags = r.u8();
        q.suppressRouterSide = flags & 0x08;
        q.qrv = flags & 0x07;
        q.qqiSec = decodeCode8(r.u8());
        uint16_t nSources = r.u16();
        if (!r.has(nSources * 4u)) return drop(DropReason::TruncatedIgmp);
        q.sources.reserve(nSources);
        for (uint16_t i = 0; i < nSources; ++i) {
            q.sources.push_back(r.ip(Family::V4));
            if (!isUnicastSource(q.sources.back())) return drop(DropReason::BadSourceAddress);
        }
        // Additional data after the sources (RFC 9776 §4.1.10) is ignored.
    }
    if (auto s = strictCheck(ip, opt, q.version != ProtoVersion::IgmpV1, q.isGeneral()))
        return drop(*s);
    return Message{std::move(q)};
}

MsgResult decodeV3Report(const IpInfo& ip, Bytes msg, const DecodeOptions& opt) {
    Reader r(msg);
    r.skip(6);   // type, reserved, checksum, flags
    uint16_t count = r.u16();
    auto rep = decodeRecords(r, Family::V4, count, Report{ProtoVersion::IgmpV3, {}, 0});
    if (!rep) return drop(rep.error());
    if (auto s = strictCheck(ip, opt, true, false)) return drop(*s);
    return Message{std::move(*rep)};
}

}  // namespace

MsgResult decodeIgmp(const IpInfo& ip, Bytes msg, const DecodeOptions& opt) {
    if (msg.size() < 4) return drop(DropReason::TruncatedIgmp);
    // RFC 9776 §4.1.2 / §4.2.2: over the whole IP payload, additional data included.
    if (inetChecksum(msg) != 0) return drop(DropReason::BadIgmpChecksum);
    const uint8_t type = msg[0];
    switch (type) {
        case kMrdAdvertisement:
            if (msg.size() < 8) return drop(DropReason::TruncatedMrd);
            [[fallthrough]];
        case kMrdSolicitation:
        case kMrdTermination: {
            auto m = decodeMrd(ip, static_cast<MrdType>(type - kMrdAdvertisement), msg);
            if (!m) return m;
            if (auto s = strictCheck(ip, opt, false, false)) return drop(*s);
            return m;
        }
        case kQuery:
        case kV1Report:
        case kV2Report:
        case kLeave:
        case kV3Report:
            break;
        // RFC 9776 §4: silently ignored here; the caller still floods it (RFC 4541 §2.1.1).
        default:
            return drop(DropReason::UnknownIgmpType);
    }
    if (msg.size() < kMinLength) return drop(DropReason::TruncatedIgmp);   // C3
    if (type == kQuery) return decodeQuery(ip, msg, opt);
    if (type == kV3Report) return decodeV3Report(ip, msg, opt);

    // v1/v2 report and leave: RFC 2236 §2.5, anything past 8 octets is ignored.
    IpAddr group = IpAddr::v4Bytes(msg.data() + 4);
    if (type == kLeave) {
        // Group 0.0.0.0 is the "global leave" query solicitation (RFC 4541 §2.1.1 note).
        if (!group.isUnspecified() && !isReportableGroup(group))
            return drop(DropReason::BadGroupAddress);
        if (auto s = strictCheck(ip, opt, true, false)) return drop(*s);
        return Message{Leave{ProtoVersion::IgmpV2, group}};
    }
    if (!isReportableGroup(group)) return drop(DropReason::BadGroupAddress);
    const bool v1 = type == kV1Report;
    // IGMPv1 hosts send no Router Alert (RFC 9776 §4, §9.2).
    if (auto s = strictCheck(ip, opt, !v1, false)) return drop(*s);
    auto version = v1 ? ProtoVersion::IgmpV1 : ProtoVersion::IgmpV2;
    return Message{Report{version, {GroupRecord{RecordType::IsExclude, group, {}}}, 0}};
}

}  // namespace mcs::wire::detail
