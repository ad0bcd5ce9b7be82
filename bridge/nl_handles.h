// RAII owners for libnl objects and plain file descriptors used across bridge/.
#pragma once

#include <netlink/msg.h>
#include <netlink/socket.h>
#include <unistd.h>

#include <memory>
#include <utility>

namespace mcs::bridge {

struct NlSockDeleter {
    void operator()(nl_sock* s) const { nl_socket_free(s); }
};
using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;

struct NlMsgDeleter {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgDeleter>;

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_ = -1;
};

}  // namespace mcs::bridge
