// ICMPv6: MLDv1 (RFC 2710), MLDv2 (RFC 9777) and MRD over ICMPv6 (RFC 4286).
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

constexpr size_t kV1Length = 24;
constexpr size_t kV2QueryMinLength = 28;
constexpr size_t kV2ReportMinLength = 8;
constexpr uint8_t kFirstInformational = 128;   // RFC 4443 §2.1: below are error messages

enum Icmpv6Type : uint8_t {
    kQuery = 130,
    kV1Report = 131,
    kDone = 132,
    kV2Report = 143,
    kMrdAdvertisement = 151,
    kMrdSolicitation = 152,
    kMrdTermination = 153,
};

MsgResult decodeQuery(const IpInfo& ip, Bytes msg, const DecodeOptions& opt) {
    // RFC 9777 §8.1: 24 octets is MLDv1, >= 28 MLDv2, anything else is ignored.
    if (msg.size() != kV1Length && msg.size() < kV2QueryMinLength)
        return drop(DropReason::BadMldLength);
    Reader r(msg);
    r.skip(4);
    uint16_t maxResp = r.u16();
    r.skip(2);
    Query q;
    q.group = r.ip(Family::V6);
    if (!isQueryGroup(q.group)) return drop(DropReason::BadGroupAddress);
    if (msg.size() == kV1Length) {
        q.version = ProtoVersion::MldV1;
        q.maxRespMs = maxResp;   // RFC 2710 §3.4: linear milliseconds
    } else {
        q.version = ProtoVersion::MldV2;
        q.maxRespMs = decodeCode16(maxResp);
        uint8_t flags = r.u8();
        q.suppressRouterSide = flags & 0x08;
        q.qrv = flags & 0x07;
        q.qqiSec = decodeCode8(r.u8());
        uint16_t nSources = r.u16();
        if (!r.has(nSources * 16u)) return drop(DropReason::TruncatedMld);
        q.sources.reserve(nSources);
        for (uint16_t i = 0; i < nSources; ++i) {
            q.sources.push_back(r.ip(Family::V6));
            if (!isUnicastSource(q.sources.back())) return drop(DropReason::BadSourceAddress);
        }
    }
    // C9: Linux ipv6_mc_check_mld_query drops a general query not sent to ff02::1.
    if (opt.strict && q.isGeneral() && ip.dst != allHosts(Family::V6))
        return drop(DropReason::StrictBadQueryDestination);
    return Message{std::move(q)};
}

MsgResult decodeMld(const IpInfo& ip, Bytes msg, const DecodeOptions& opt) {
    const uint8_t type = msg[0];
    if (msg.size() < (type == kV2Report ? kV2ReportMinLength : kV1Length))
        return drop(DropReason::TruncatedMld);
    if (ipv6UpperChecksum(ip.src, ip.dst, kNextHeaderIcmpv6, msg) != 0)
        return drop(DropReason::BadIcmpv6Checksum);
    // RFC 9777 §6.2 / §7.4 / §7.6: "If any of these checks fail, the packet is dropped."
    if (ip.ttl != 1) return drop(DropReason::MldHopLimitNot1);
    if (!ip.routerAlert) return drop(DropReason::MldNoRouterAlert);
    // Queries: link-local only (RFC 9777 §5.1.14). Listener messages may come from ::
    // before the host has an address (RFC 4541 §3), never from a global source.
    bool sourceOk = ip.src.isLinkLocalUnicastV6() || (type != kQuery && ip.src.isUnspecified());
    if (!sourceOk) return drop(DropReason::MldSourceNotLinkLocal);

    if (type == kQuery) return decodeQuery(ip, msg, opt);
    if (type == kV2Report) {
        Reader r(msg);
        r.skip(6);   // type, reserved, checksum, flags
        uint16_t count = r.u16();
        auto rep = decodeRecords(r, Family::V6, count, Report{ProtoVersion::MldV2, {}, 0});
        if (!rep) return drop(rep.error());
        return Message{std::move(*rep)};
    }
    IpAddr group = IpAddr::v6Bytes(msg.data() + 8);
    if (type == kDone) {
        // Done for :: mirrors the IGMP global leave (query solicitation).
        if (!group.isUnspecified() && !isReportableGroup(group))
            return drop(DropReason::BadGroupAddress);
        return Message{Leave{ProtoVersion::MldV1, group}};
    }
    if (!isReportableGroup(group)) return drop(DropReason::BadGroupAddress);
    return Message{Report{ProtoVersion::MldV1, {GroupRecord{RecordType::IsExclude, group, {}}}, 0}};
}

}  // namespace

MsgResult decodeIcmpv6(const IpInfo& ip, Bytes msg, const DecodeOptions& opt) {
    if (msg.empty()) return drop(DropReason::TruncatedMld);
    const uint8_t type = msg[0];
    if (type < kFirstInformational) return drop(DropReason::NotMulticastControl);
    switch (type) {
        case kQuery:
        case kV1Report:
        case kDone:
        case kV2Report:
            return decodeMld(ip, msg, opt);
        case kMrdAdvertisement:
        case kMrdSolicitation:
        case kMrdTermination: {
            if (msg.size() < (type == kMrdAdvertisement ? 8u : 4u))
                return drop(DropReason::TruncatedMrd);
            if (ipv6UpperChecksum(ip.src, ip.dst, kNextHeaderIcmpv6, msg) != 0)
                return drop(DropReason::BadIcmpv6Checksum);
            return decodeMrd(ip, static_cast<MrdType>(type - kMrdAdvertisement), msg);
        }
        // Not multicast control (ND, echo, ...): ordinary bridging (C11).
        default:
            return drop(DropReason::UnknownIcmpv6Type);
    }
}

}  // namespace mcs::wire::detail
