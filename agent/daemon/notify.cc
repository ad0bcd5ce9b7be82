#include "agent/daemon/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace mcs::daemon {

bool notify(std::string_view state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (!path || !*path) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    size_t len = std::strlen(path);
    if (len >= sizeof addr.sun_path) return false;
    std::memcpy(addr.sun_path, path, len);
    if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    auto alen = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len);
    bool ok = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
                     alen) == static_cast<ssize_t>(state.size());
    close(fd);
    return ok;
}

bool notifyReloading() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ull +
                static_cast<unsigned long long>(ts.tv_nsec) / 1000ull;
    return notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

std::optional<Duration> watchdogInterval() {
    const char* usec = std::getenv("WATCHDOG_USEC");
    if (!usec) return std::nullopt;
    if (const char* pid = std::getenv("WATCHDOG_PID"); pid && std::atol(pid) != getpid()) return std::nullopt;
    long long v = std::atoll(usec);
    if (v <= 0) return std::nullopt;
    return std::chrono::duration_cast<Duration>(std::chrono::microseconds(v / 2));
}

}  // namespace mcs::daemon
