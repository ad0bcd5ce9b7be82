// One AF_PACKET socket per bridge port: receives the frames snoopFilterProgram()
// accepts, with the VLAN from PACKET_AUXDATA, and sends frames out of that port only.
//
// Why this tap point (kernel-bridge.md §4.1): an ETH_P_ALL socket bound to the port
// sees every frame before tc ingress, nft bridge prerouting and the bridge itself, so
// it still sees the reports that suppression drops; a socket bound to a specific
// protocol would never see bridged frames. PACKET_IGNORE_OUTGOING hides what the
// bridge (or we) transmit on the port.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "agent/base/types.h"
#include "bridge/error.h"
#include "bridge/nl_handles.h"
#include "bridge/rx_buffer.h"

namespace mcs::bridge {

struct RxFrame {
    std::span<const uint8_t> data;  // Ethernet frame without its 802.1Q tag; valid until the next receive
    size_t wireLength = 0;          // > data.size() if truncated
    IfIndex port;
    std::optional<VlanId> vid;      // tag stripped by the kernel (TP_STATUS_VLAN_VALID)
    uint16_t vlanTpid = 0;          // 0x8100 / 0x88a8 when the kernel reported it
    uint8_t pktType = 0;            // PACKET_HOST / PACKET_MULTICAST / ...
    bool truncated() const { return wireLength > data.size(); }
};

struct PacketSocketStats {
    uint64_t rxFrames = 0;
    uint64_t rxTruncated = 0;
    uint64_t rxOutgoingDropped = 0;  // only without PACKET_IGNORE_OUTGOING (< 4.20)
    uint64_t txFrames = 0;
    uint64_t txErrors = 0;
    uint64_t rxKernelDrops = 0;      // frames the kernel dropped, receive queue full (PACKET_STATISTICS)
};

class PacketSocket {
public:
    static constexpr size_t kDefaultBuffer = 64 * 1024 + 64;

    static Result<PacketSocket, Error> open(IfIndex port, size_t bufferSize = kDefaultBuffer);

    int fd() const { return fd_.get(); }
    IfIndex port() const { return port_; }
    // The next accepted frame, or nullopt when none is pending (non-blocking).
    Result<std::optional<RxFrame>, Error> receive();
    // Sends one Ethernet frame (destination, source, EtherType, payload) out of this
    // port. A non-zero vid inserts an 802.1Q tag after the MAC addresses.
    Status send(std::span<const uint8_t> frame, VlanId vid = {});
    const PacketSocketStats& stats() const { return stats_; }
    // Adds the kernel's drop count since the last call to stats().rxKernelDrops
    // (PACKET_STATISTICS reads and resets it: one getsockopt).
    void pollKernelStats();
    // False on kernels before 4.20: outgoing frames are then dropped in receive().
    bool ignoresOutgoing() const { return ignoresOutgoing_; }

private:
    PacketSocket(UniqueFd fd, IfIndex port, size_t buf, bool ignoresOutgoing)
        : fd_(std::move(fd)), port_(port), rx_(buf), ignoresOutgoing_(ignoresOutgoing) {}

    UniqueFd fd_;
    IfIndex port_;
    RxBuffer rx_;
    std::vector<uint8_t> tx_;
    bool ignoresOutgoing_ = false;
    PacketSocketStats stats_;
};

}  // namespace mcs::bridge
