// Decoded, validated control messages: plain data, no pointers into the
// receive buffer. This is what the snooping core and the querier consume.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "agent/base/types.h"

namespace mcs::wire {

enum class ProtoVersion : uint8_t { IgmpV1, IgmpV2, IgmpV3, MldV1, MldV2 };
std::string_view to_string(ProtoVersion v);
inline Family familyOf(ProtoVersion v) {
    return (v == ProtoVersion::MldV1 || v == ProtoVersion::MldV2) ? Family::V6 : Family::V4;
}

// RFC 9776 §4.2.12 / RFC 9777 §5.2.12. Values are the wire codes.
enum class RecordType : uint8_t {
    IsInclude = 1,
    IsExclude = 2,
    ToInclude = 3,
    ToExclude = 4,
    AllowNewSources = 5,
    BlockOldSources = 6,
};
std::string_view to_string(RecordType t);   // "IS_IN", "IS_EX", "TO_IN", "TO_EX", "ALLOW", "BLOCK"

struct GroupRecord {
    RecordType type = RecordType::IsExclude;
    IpAddr group;
    std::vector<IpAddr> sources;   // as received (order kept, duplicates kept)
};

// IGMPv1/v2 and MLDv1 reports are represented as one record: IS_EX({}) for the
// reported group, with `version` telling the core which compatibility mode applies.
// IGMPv3/MLDv2 records of unknown type are skipped (RFC 9776 §4.2.13), counted in
// `skippedRecords`.
struct Report {
    ProtoVersion version = ProtoVersion::IgmpV2;
    std::vector<GroupRecord> records;
    uint32_t skippedRecords = 0;
};

// IGMPv2 Leave / MLDv1 Done. A leave for group 0.0.0.0 / :: is a query
// solicitation (Cisco "global leave", RFC 4541 §2.1.1 note), see `isGlobalLeave()`.
struct Leave {
    ProtoVersion version = ProtoVersion::IgmpV2;
    IpAddr group;
    bool isGlobalLeave() const { return group.isUnspecified(); }
};

struct Query {
    ProtoVersion version = ProtoVersion::IgmpV2;
    IpAddr group;                  // unspecified = general query
    std::vector<IpAddr> sources;   // non-empty = group-and-source-specific
    uint32_t maxRespMs = 0;        // decoded Max Resp Code (v1 query: 10000, RFC 9776 §7.2.1)
    bool suppressRouterSide = false;  // S flag
    uint8_t qrv = 0;               // 0 = not given
    uint32_t qqiSec = 0;           // decoded QQIC, 0 = not given
    bool isGeneral() const { return group.isUnspecified(); }
};

struct PimHello {
    uint16_t holdtimeSec = 105;    // RFC 7761 §4.11 default when absent; 0xffff = forever; 0 = goodbye
    bool holdtimePresent = false;
};

struct MrdAdvertisement {          // RFC 4286 §4.1
    uint8_t advIntervalSec = 0;
    uint16_t queryIntervalSec = 0;
    uint16_t robustness = 0;
};
struct MrdSolicitation {};         // RFC 4286 §5.1
struct MrdTermination {};          // RFC 4286 §6.1

enum class BpduKind : uint8_t { Config, Tcn, Rst };
std::string_view to_string(BpduKind k);
struct Bpdu {                      // IEEE 802.1D-2004 §9.3, 802.1w
    BpduKind kind = BpduKind::Config;
    bool topologyChange = false;   // TC flag (config/RST), always true for TCN
    bool topologyChangeAck = false;
    uint64_t rootId = 0;
    uint64_t bridgeId = 0;
    uint32_t rootPathCost = 0;
    uint16_t portId = 0;
};

using Message = std::variant<Report, Leave, Query, PimHello, MrdAdvertisement, MrdSolicitation,
                             MrdTermination, Bpdu>;

// Everything about the frame the core may need besides the message itself.
struct Decoded {
    MacAddr srcMac;
    MacAddr dstMac;
    std::optional<VlanId> tagVid;  // from an in-frame 802.1Q tag, if the frame carried one
    // IP layer (not set for BPDUs)
    IpAddr src;
    IpAddr dst;
    uint8_t ttl = 0;               // TTL / hop limit
    bool routerAlert = false;
    Message msg;
};

}  // namespace mcs::wire
