#include "bridge/nl_socket.h"

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "bridge/log.h"
#include "bridge/nl_attr.h"

namespace mcs::bridge {

namespace {
// Dumps come in skbs of at most 32 KiB (netlink_recvmsg caps max_recvmsg_len);
// notifications and capped acks are far smaller.
constexpr size_t kRxBufferSize = 64 * 1024;
constexpr int kMaxDumpRestarts = 5;

void setBuf(int fd, int forceOpt, int opt, int bytes) {
    if (bytes <= 0) return;
    // FORCE ignores net.core.[rw]mem_max; it needs CAP_NET_ADMIN, which we normally have.
    if (setsockopt(fd, SOL_SOCKET, forceOpt, &bytes, sizeof bytes) == 0) return;
    setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
}
}  // namespace

NlAck parseAck(const nlmsghdr& nlh) {
    NlAck ack;
    ack.seq = nlh.nlmsg_seq;
    if (nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr)) {
        ack.error = EBADMSG;
        return ack;
    }
    const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(&nlh));
    ack.error = err->error < 0 ? -err->error : err->error;
    if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS)) return ack;
    // TLVs follow the echoed request: just its header when capped (NETLINK_CAP_ACK),
    // or the whole request otherwise.
    size_t hlen = sizeof(nlmsgerr);
    if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) hlen += err->msg.nlmsg_len - sizeof(nlmsghdr);
    const size_t payload = nlh.nlmsg_len - NLMSG_HDRLEN;
    if (hlen >= payload) return ack;
    auto tb = nl::parseStream<NLMSGERR_ATTR_MAX>(reinterpret_cast<const uint8_t*>(err) + hlen,
                                                 static_cast<int>(payload - hlen));
    if (auto m = nl::str(tb[NLMSGERR_ATTR_MSG])) ack.extack = *m;
    ack.badAttrOffset = nl::u32(tb[NLMSGERR_ATTR_OFFS]);
    ack.missingAttr = nl::u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
    return ack;
}

Result<NlSocket, Error> NlSocket::open(const NlSocketOptions& opts) {
    NlSockPtr s(nl_socket_alloc());
    if (!s) return fail(Error::fromErrno(ENOMEM, "nl_socket_alloc"));
    // We match replies by seq ourselves; libnl's own seq checking is for nl_recvmsgs.
    nl_socket_disable_seq_check(s.get());
    if (int err = nl_connect(s.get(), NETLINK_ROUTE); err < 0)
        return fail(Error::fromLibnl(err, "nl_connect(NETLINK_ROUTE)"));
    const int fd = nl_socket_get_fd(s.get());
    const int on = 1;
    // Errors with the kernel's explanation, and acks without the echoed request so a
    // batch of failures fits the receive buffer.
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
    setBuf(fd, SO_RCVBUFFORCE, SO_RCVBUF, opts.rcvbuf);
    setBuf(fd, SO_SNDBUFFORCE, SO_SNDBUF, opts.sndbuf);
    for (int g : opts.groups)
        if (int err = nl_socket_add_membership(s.get(), g); err < 0)
            return fail(Error::fromLibnl(err, "join rtnetlink group " + std::to_string(g)));
    if (opts.nonblocking)
        if (int err = nl_socket_set_nonblocking(s.get()); err < 0)
            return fail(Error::fromLibnl(err, "nl_socket_set_nonblocking"));
    return NlSocket(std::move(s), opts);
}

NlSocket::NlSocket(NlSockPtr s, const NlSocketOptions& o)
    : sock_(std::move(s)), nonblocking_(o.nonblocking), timeout_(o.timeout), rx_(kRxBufferSize) {
    // Start from a time-based seq so replies to a previous process's socket with the
    // same port id can never match.
    seq_ = static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

int NlSocket::fd() const { return nl_socket_get_fd(sock_.get()); }

Status NlSocket::sendBytes(const void* buf, size_t len, const char* what) {
    for (;;) {
        const ssize_t n = ::send(fd(), buf, len, 0);
        if (n >= 0) return okStatus();
        if (errno == EINTR) continue;
        return fail(Error::fromErrno(errno, std::string("netlink send ") + what));
    }
}

Result<std::span<const uint8_t>, Error> NlSocket::receive() {
    for (;;) {
        iovec iov{rx_.data(), rx_.size()};
        sockaddr_nl peer{};
        msghdr mh{};
        mh.msg_name = &peer;
        mh.msg_namelen = sizeof peer;
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        const ssize_t n = ::recvmsg(fd(), &mh, nonblocking_ ? MSG_DONTWAIT : 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return std::span<const uint8_t>{};
            return fail(Error::fromErrno(errno, "netlink receive"));
        }
        if (mh.msg_flags & MSG_TRUNC) return fail(Error::fromErrno(EMSGSIZE, "netlink receive (truncated)"));
        if (peer.nl_pid != 0) continue;  // only the kernel talks to us
        return std::span<const uint8_t>(rx_.data(), static_cast<size_t>(n));
    }
}

Result<std::span<const uint8_t>, Error> NlSocket::receiveWait() {
    // Waits with poll even on a non-blocking socket, so the request helpers work on
    // every socket and a lost reply ends in ETIMEDOUT instead of a hang.
    pollfd p{fd(), POLLIN, 0};
    for (;;) {
        const int r = ::poll(&p, 1, static_cast<int>(timeout_.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return fail(Error::fromErrno(errno, "netlink poll"));
        if (r == 0) return fail(Error::fromErrno(ETIMEDOUT, "netlink reply"));
        break;
    }
    const bool saved = nonblocking_;
    nonblocking_ = true;  // poll said readable; never block in recvmsg
    auto r = receive();
    nonblocking_ = saved;
    return r;
}

Result<NlAck, Error> NlSocket::waitAck(uint32_t seq,
                                       const std::function<void(const nlmsghdr&)>* onMessage) {
    for (;;) {
        auto d = receiveWait();
        if (!d) return fail(d.error());
        std::optional<NlAck> ack;
        forEachMessage(*d, [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_seq != seq || ack) return;  // stale reply of an earlier request
            if (nlh.nlmsg_type == NLMSG_ERROR)
                ack = parseAck(nlh);
            else if (nlh.nlmsg_type >= NLMSG_MIN_TYPE && onMessage)
                (*onMessage)(nlh);
        });
        if (ack) return *ack;
    }
}

Result<NlAck, Error> NlSocket::transact(nl_msg* msg) {
    nlmsghdr* h = nlmsg_hdr(msg);
    h->nlmsg_seq = nextSeq();
    h->nlmsg_pid = 0;
    h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (auto s = sendBytes(h, h->nlmsg_len, "request"); !s) return fail(s.error());
    return waitAck(h->nlmsg_seq, nullptr);
}

Status NlSocket::request(nl_msg* msg, const std::string& context) {
    auto a = transact(msg);
    if (!a) {
        Error e = a.error();
        e.context = context + ": " + e.context;
        return fail(std::move(e));
    }
    if (a->error) return fail(Error::fromErrno(a->error, context, a->extack));
    return okStatus();
}

Status NlSocket::get(nl_msg* msg, const std::function<void(const nlmsghdr&)>& onMessage,
                     const std::string& context) {
    nlmsghdr* h = nlmsg_hdr(msg);
    h->nlmsg_seq = nextSeq();
    h->nlmsg_pid = 0;
    h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (auto s = sendBytes(h, h->nlmsg_len, "get"); !s) return fail(s.error());
    auto a = waitAck(h->nlmsg_seq, &onMessage);
    if (!a) return fail(a.error());
    if (a->error) return fail(Error::fromErrno(a->error, context, a->extack));
    return okStatus();
}

Status NlSocket::dump(nl_msg* msg, const std::function<void(const nlmsghdr&)>& onMessage,
                      const std::function<void()>& onRestart, const std::string& context) {
    for (int attempt = 0;; ++attempt) {
        nlmsghdr* h = nlmsg_hdr(msg);
        h->nlmsg_seq = nextSeq();
        h->nlmsg_pid = 0;
        // No NLM_F_ACK: a started dump ends with NLMSG_DONE and is never acked.
        h->nlmsg_flags = static_cast<uint16_t>((h->nlmsg_flags & ~NLM_F_ACK) | NLM_F_REQUEST | NLM_F_DUMP);
        const uint32_t seq = h->nlmsg_seq;
        if (auto s = sendBytes(h, h->nlmsg_len, "dump"); !s) return fail(s.error());
        bool done = false, interrupted = false;
        std::optional<Error> err;
        while (!done) {
            auto d = receiveWait();
            if (!d) {
                Error e = d.error();
                e.context = context + ": " + e.context;
                return fail(std::move(e));
            }
            forEachMessage(*d, [&](const nlmsghdr& nlh) {
                if (nlh.nlmsg_seq != seq || done) return;
                if (nlh.nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
                if (nlh.nlmsg_type == NLMSG_DONE) {
                    done = true;
                    // A dump callback failing mid-way reports its error in DONE.
                    if (nlh.nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
                        int v;
                        std::memcpy(&v, NLMSG_DATA(&nlh), sizeof v);
                        if (v < 0) err = Error::fromErrno(-v, context);
                    }
                } else if (nlh.nlmsg_type == NLMSG_ERROR) {
                    done = true;
                    NlAck a = parseAck(nlh);
                    if (a.error) err = Error::fromErrno(a.error, context, a.extack);
                } else if (nlh.nlmsg_type >= NLMSG_MIN_TYPE) {
                    onMessage(nlh);
                }
            });
        }
        if (err) return fail(*err);
        if (!interrupted) return okStatus();
        if (attempt >= kMaxDumpRestarts)
            return fail(Error::fromErrno(EAGAIN, context + ": dump kept being interrupted"));
        log::netlink()->debug("{}: dump interrupted by concurrent changes, restarting", context);
        if (onRestart) onRestart();
    }
}

Result<NlSocket::BatchResult, Error> NlSocket::sendBatchInPlace(std::span<uint8_t> msgs) {
    BatchResult out;
    if (msgs.empty()) return out;
    out.firstSeq = seq_ + 1;
    uint32_t n = 0;
    nlmsghdr* last = nullptr;
    for (size_t off = 0; off < msgs.size(); off += NLMSG_ALIGN(last->nlmsg_len)) {
        auto* h = reinterpret_cast<nlmsghdr*>(msgs.data() + off);
        if (msgs.size() - off < NLMSG_HDRLEN || h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > msgs.size() - off)
            return fail(Error::fromErrno(EINVAL, "netlink batch: malformed message at byte " + std::to_string(off)));
        h->nlmsg_seq = nextSeq();
        h->nlmsg_pid = 0;
        h->nlmsg_flags = static_cast<uint16_t>((h->nlmsg_flags & ~NLM_F_ACK) | NLM_F_REQUEST);
        last = h;
        ++n;
    }
    last->nlmsg_flags |= NLM_F_ACK;
    const uint32_t lastSeq = seq_;
    if (auto s = sendBytes(msgs.data(), msgs.size(), "batch"); !s) return fail(s.error());

    // rtnetlink handles the whole batch inside sendmsg, so every ack it will ever send
    // is queued (or was dropped) by now.
    auto collect = [&](uint32_t untilSeq) -> Status {
        for (;;) {
            auto d = receiveWait();
            if (!d) {
                if (d.error().code == ENOBUFS || d.error().code == ETIMEDOUT) {
                    out.ackLost = true;
                    return fail(d.error());
                }
                return fail(d.error());
            }
            bool finished = false;
            forEachMessage(*d, [&](const nlmsghdr& nlh) {
                if (nlh.nlmsg_type != NLMSG_ERROR) return;
                if (nlh.nlmsg_seq - out.firstSeq < n) {
                    NlAck a = parseAck(nlh);
                    if (a.error) out.errors.push_back(std::move(a));
                }
                if (nlh.nlmsg_seq == untilSeq) finished = true;
            });
            if (finished) return okStatus();
        }
    };
    auto st = collect(lastSeq);
    if (st) return out;
    if (!out.ackLost) return fail(st.error());
    log::netlink()->warn("batch of {} netlink requests: acknowledgements lost ({}), outcome must be verified",
                         n, st.error().text);
    // Barrier: NLMSG_NOOP with NLM_F_ACK is acked by netlink_rcv_skb itself, after
    // everything we sent before it.
    nlmsghdr barrier{};
    barrier.nlmsg_len = NLMSG_HDRLEN;
    barrier.nlmsg_type = NLMSG_NOOP;
    barrier.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    barrier.nlmsg_seq = nextSeq();
    if (auto s = sendBytes(&barrier, sizeof barrier, "barrier"); !s) return fail(s.error());
    for (int tries = 0; tries < 3; ++tries) {
        auto b = collect(barrier.nlmsg_seq);
        if (b) return out;
        if (b.error().code != ENOBUFS) return fail(b.error());
    }
    return fail(Error::fromErrno(EIO, "netlink batch: barrier never acknowledged"));
}

}  // namespace mcs::bridge
