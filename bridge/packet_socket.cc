#include "bridge/packet_socket.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "bridge/log.h"
#include "bridge/packet_filter.h"

namespace mcs::bridge {

Result<PacketSocket, Error> PacketSocket::open(IfIndex port, size_t bufferSize) {
    const std::string ctx = "packet socket on " + log::ifname(port);
    // Protocol 0: nothing is queued before the filter is attached and bind() names
    // ETH_P_ALL, so no unfiltered frame ever reaches us.
    UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return fail(Error::fromErrno(errno, ctx + ": socket(AF_PACKET)"));

    auto prog = snoopFilterProgram();
    sock_fprog fprog{static_cast<unsigned short>(prog.size()), const_cast<sock_filter*>(prog.data())};
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog) != 0)
        return fail(Error::fromErrno(errno, ctx + ": SO_ATTACH_FILTER"));
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) != 0)
        return fail(Error::fromErrno(errno, ctx + ": PACKET_AUXDATA"));
    const bool ignoresOutgoing = ::setsockopt(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on) == 0;
    if (!ignoresOutgoing)
        log::netlink()->info("{}: no PACKET_IGNORE_OUTGOING (kernel < 4.20), filtering outgoing frames in userspace",
                             ctx);
    // Report bursts (a querier's general query answered by every host, a downstream
    // switch's proxy reports) arrive at once: ~4 MiB holds a few thousand frames
    // (truesize ~1-2 KiB each). FORCE (CAP_NET_ADMIN, which we keep) because
    // net.core.rmem_max caps plain SO_RCVBUF at ~208 KiB on a stock kernel.
    const int rcv = 4 << 20;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) != 0)
        ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);

    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = port.value;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0)
        return fail(Error::fromErrno(errno, ctx + ": bind"));
    log::netlink()->debug("{}: open", ctx);
    return PacketSocket(std::move(fd), port, bufferSize, ignoresOutgoing);
}

Result<std::optional<RxFrame>, Error> PacketSocket::receive() {
    for (;;) {
        sockaddr_ll from{};
        iovec iov{rx_.data(), rx_.size()};
        alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(tpacket_auxdata))];
        msghdr mh{};
        mh.msg_name = &from;
        mh.msg_namelen = sizeof from;
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control;
        mh.msg_controllen = sizeof control;
        const ssize_t n = ::recvmsg(fd_.get(), &mh, MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<RxFrame>{};
            return fail(Error::fromErrno(errno, "receive on " + log::ifname(port_)));
        }
        if (from.sll_pkttype == PACKET_OUTGOING) {
            ++stats_.rxOutgoingDropped;
            continue;
        }
        RxFrame f;
        f.wireLength = static_cast<size_t>(n);  // MSG_TRUNC: the real length
        f.data = std::span<const uint8_t>(rx_.data(), std::min(rx_.size(), f.wireLength));
        f.port = port_;
        f.pktType = from.sll_pkttype;
        for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
                c->cmsg_len < CMSG_LEN(sizeof(tpacket_auxdata)))
                continue;
            tpacket_auxdata aux;
            std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
            if (aux.tp_status & TP_STATUS_VLAN_VALID) f.vid = VlanId{static_cast<uint16_t>(aux.tp_vlan_tci & 0x0fff)};
            if (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) f.vlanTpid = aux.tp_vlan_tpid;
        }
        ++stats_.rxFrames;
        if (f.truncated()) ++stats_.rxTruncated;
        return std::optional<RxFrame>(f);
    }
}

void PacketSocket::pollKernelStats() {
    tpacket_stats st{};
    socklen_t len = sizeof st;
    if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) stats_.rxKernelDrops += st.tp_drops;
}

Status PacketSocket::send(std::span<const uint8_t> frame, VlanId vid) {
    if (frame.size() < ETH_HLEN) return fail(Error::fromErrno(EINVAL, "send on " + log::ifname(port_) + ": runt frame"));
    std::span<const uint8_t> out = frame;
    if (vid.value != 0) {
        tx_.assign(frame.begin(), frame.begin() + 2 * ETH_ALEN);
        const uint16_t tci = vid.value & 0x0fff;
        const uint8_t tag[4] = {0x81, 0x00, static_cast<uint8_t>(tci >> 8), static_cast<uint8_t>(tci & 0xff)};
        tx_.insert(tx_.end(), tag, tag + 4);
        tx_.insert(tx_.end(), frame.begin() + 2 * ETH_ALEN, frame.end());
        out = tx_;
    }
    for (;;) {
        const ssize_t n = ::send(fd_.get(), out.data(), out.size(), MSG_DONTWAIT);
        if (n >= 0) {
            ++stats_.txFrames;
            return okStatus();
        }
        if (errno == EINTR) continue;
        ++stats_.txErrors;
        return fail(Error::fromErrno(errno, "send " + std::to_string(out.size()) + " bytes on " + log::ifname(port_)));
    }
}

}  // namespace mcs::bridge
