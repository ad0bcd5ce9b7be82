// Spanning-tree BPDUs (IEEE 802.1D-2004 §9.3, 802.1w): the snooper only needs
// topology-change signals, but decodes the priority vector for logging.
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {
namespace {

constexpr uint8_t kTypeConfig = 0x00;
constexpr uint8_t kTypeRst = 0x02;
constexpr uint8_t kTypeTcn = 0x80;
constexpr size_t kConfigLength = 35;   // §9.3.4 a)
constexpr size_t kRstLength = 36;      // §9.3.4 c)
constexpr uint8_t kFlagTc = 0x01;
constexpr uint8_t kFlagTca = 0x80;

}  // namespace

MsgResult decodeBpdu(Bytes bpdu) {
    Reader r(bpdu);
    uint16_t protocol = r.u16();
    uint8_t version = r.u8();
    uint8_t type = r.u8();
    if (!r.ok()) return drop(DropReason::TruncatedBpdu);
    if (protocol != 0) return drop(DropReason::BadBpdu);

    Bpdu b;
    switch (type) {
        case kTypeTcn:
            b.kind = BpduKind::Tcn;
            b.topologyChange = true;
            return Message{b};
        case kTypeConfig:
            if (bpdu.size() < kConfigLength) return drop(DropReason::TruncatedBpdu);
            b.kind = BpduKind::Config;
            break;
        case kTypeRst:   // MSTP (version 3) BPDUs are RST BPDUs for the CIST
            if (version < 2) return drop(DropReason::BadBpdu);
            if (bpdu.size() < kRstLength) return drop(DropReason::TruncatedBpdu);
            b.kind = BpduKind::Rst;
            break;
        default:
            return drop(DropReason::BadBpdu);
    }
    uint8_t flags = r.u8();
    b.topologyChange = flags & kFlagTc;
    b.topologyChangeAck = flags & kFlagTca;
    b.rootId = r.u64();
    b.rootPathCost = r.u32();
    b.bridgeId = r.u64();
    b.portId = r.u16();
    // Message age, max age, hello time and forward delay are not needed.
    return Message{b};
}

}  // namespace mcs::wire::detail
