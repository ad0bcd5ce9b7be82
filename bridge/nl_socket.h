// One rtnetlink socket (libnl nl_sock) with the request patterns bridge/ needs:
// request+ack, get, dump (restarted when the kernel flags it inconsistent), batches of
// many messages in one sendmsg with only the last acked, and non-blocking receive for
// monitors. Extended acks are on, so errors carry the kernel's text.
//
// Receiving is done with recvmsg into a reusable buffer rather than nl_recv(): nl_recv
// allocates per datagram and folds ENOBUFS (a monitor overrun we must resync on) into
// NLE_NOMEM, which is indistinguishable from a real allocation failure.
#pragma once

#include <linux/netlink.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bridge/error.h"
#include "bridge/nl_handles.h"
#include "bridge/rx_buffer.h"

namespace mcs::bridge {

// One NLMSG_ERROR (ack or error) as the kernel sent it.
struct NlAck {
    uint32_t seq = 0;
    int error = 0;                          // positive errno, 0 = success
    std::string extack;                     // NLMSGERR_ATTR_MSG
    std::optional<uint32_t> badAttrOffset;  // NLMSGERR_ATTR_OFFS: from the start of our nlmsghdr
    std::optional<uint32_t> missingAttr;    // NLMSGERR_ATTR_MISS_TYPE
};
NlAck parseAck(const nlmsghdr& nlh);

struct NlSocketOptions {
    std::vector<int> groups;   // RTNLGRP_* to join (monitors)
    int rcvbuf = 4 << 20;      // SO_RCVBUFFORCE when permitted, else SO_RCVBUF; 0 = kernel default
    int sndbuf = 1 << 20;
    bool nonblocking = false;  // monitors: true; request sockets block with `timeout`
    std::chrono::milliseconds timeout{5000};
};

class NlSocket {
public:
    static Result<NlSocket, Error> open(const NlSocketOptions& opts = {});

    int fd() const;
    uint32_t nextSeq() { return ++seq_; }

    // Sends one request with NLM_F_ACK and waits for its ack. A kernel error is a
    // value (ack.error != 0); only transport trouble is an Error.
    Result<NlAck, Error> transact(nl_msg* msg);
    // transact(), with a kernel error turned into an Error carrying `context`.
    Status request(nl_msg* msg, const std::string& context);
    // Request answered by messages plus an ack (RTM_GETLINK of one ifindex).
    Status get(nl_msg* msg, const std::function<void(const nlmsghdr&)>& onMessage,
               const std::string& context);
    // NLM_F_DUMP request. If the kernel marks the dump interrupted (NLM_F_DUMP_INTR:
    // the table changed under it) onRestart() is called and the dump is redone.
    Status dump(nl_msg* msg, const std::function<void(const nlmsghdr&)>& onMessage,
                const std::function<void()>& onRestart, const std::string& context);

    // All messages in one sendmsg, seq = firstSeq + i, only the last with NLM_F_ACK.
    // The kernel still sends an NLMSG_ERROR for each failing message (netlink_rcv_skb
    // acks on error whatever the flags), so `errors` maps back by seq. If acks were
    // dropped (ENOBUFS on our own socket) or never came, `ackLost` is set and the caller
    // must verify the outcome some other way; a no-op barrier request makes sure no
    // late ack of this batch is left in the queue.
    struct BatchResult {
        uint32_t firstSeq = 0;
        std::vector<NlAck> errors;
        bool ackLost = false;
    };
    // The messages are laid out back to back in one buffer, each starting NLMSG_ALIGNed
    // (as appendMdbAdd writes them): seq, pid and flags are set in place and the buffer
    // goes to send() as it is.
    Result<BatchResult, Error> sendBatchInPlace(std::span<uint8_t> msgs);

    // One datagram into the internal buffer (valid until the next receive). An empty
    // span means nothing is pending (non-blocking) or the timeout expired (blocking).
    // An overrun is Error{code = ENOBUFS}; the socket stays usable.
    Result<std::span<const uint8_t>, Error> receive();

private:
    explicit NlSocket(NlSockPtr s, const NlSocketOptions& o);
    Status sendBytes(const void* buf, size_t len, const char* what);
    // Waits for the ack of `seq`; other messages of that seq go to onMessage.
    Result<NlAck, Error> waitAck(uint32_t seq, const std::function<void(const nlmsghdr&)>* onMessage);
    Result<std::span<const uint8_t>, Error> receiveWait();

    NlSockPtr sock_;
    bool nonblocking_ = false;
    std::chrono::milliseconds timeout_{5000};
    uint32_t seq_ = 0;
    RxBuffer rx_;
};

// Calls f(const nlmsghdr&) for each complete message in a datagram; a truncated
// trailing message is ignored.
template <typename F>
void forEachMessage(std::span<const uint8_t> dgram, F&& f) {
    size_t off = 0;
    while (dgram.size() - off >= sizeof(nlmsghdr)) {
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(dgram.data() + off);
        if (nlh->nlmsg_len < sizeof(nlmsghdr) || nlh->nlmsg_len > dgram.size() - off) break;
        f(*nlh);
        off += NLMSG_ALIGN(nlh->nlmsg_len);
    }
}

}  // namespace mcs::bridge
