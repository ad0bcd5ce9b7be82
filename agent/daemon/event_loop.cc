#include "agent/daemon/event_loop.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mcs::daemon {

namespace {
[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

EventLoop::EventLoop() {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) fail("epoll_create1");
    timerfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timerfd_ < 0) fail("timerfd_create");
    addFd(timerfd_, EPOLLIN, [this](uint32_t) {
        uint64_t expirations;
        while (read(timerfd_, &expirations, sizeof expirations) > 0) {
        }
        armed_.reset();
        if (onTimer_) onTimer_(now());
    });
}

EventLoop::~EventLoop() {
    if (sigfd_ >= 0) close(sigfd_);
    if (timerfd_ >= 0) close(timerfd_);
    if (epfd_ >= 0) close(epfd_);
}

void EventLoop::addFd(int fd, uint32_t events, FdHandler h) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll_ctl(ADD)");
    handlers_[fd] = std::move(h);
}

void EventLoop::modifyFd(int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0) fail("epoll_ctl(MOD)");
}

void EventLoop::removeFd(int fd) {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    handlers_.erase(fd);
}

void EventLoop::handleSignals(const std::vector<int>& signals, SignalHandler h) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals) sigaddset(&set, s);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0) fail("sigprocmask");
    sigfd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigfd_ < 0) fail("signalfd");
    onSignal_ = std::move(h);
    addFd(sigfd_, EPOLLIN, [this](uint32_t) {
        signalfd_siginfo si;
        while (read(sigfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si))
            if (onSignal_) onSignal_(static_cast<int>(si.ssi_signo));
    });
}

void EventLoop::addDeadlineProvider(std::function<std::optional<TimePoint>()> p) {
    deadlines_.push_back(std::move(p));
}

void EventLoop::armTimer() {
    std::optional<TimePoint> earliest;
    for (auto& p : deadlines_) {
        auto d = p();
        if (d && (!earliest || *d < *earliest)) earliest = d;
    }
    if (earliest == armed_) return;
    armed_ = earliest;
    itimerspec its{};
    if (earliest) {
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(earliest->time_since_epoch()).count();
        if (ns <= 0) ns = 1;  // 0 would disarm
        its.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
        its.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
    }
    // Absolute CLOCK_MONOTONIC: steady_clock on Linux is CLOCK_MONOTONIC.
    if (timerfd_settime(timerfd_, TFD_TIMER_ABSTIME, &its, nullptr) < 0) fail("timerfd_settime");
}

void EventLoop::run() {
    running_ = true;
    epoll_event events[32];
    while (running_) {
        armTimer();
        int timeout = extraTimeout_ ? extraTimeout_() : -1;
        int n = epoll_wait(epfd_, events, 32, timeout);
        ++wakeups_;
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int i = 0; i < n && running_; ++i) {
            auto it = handlers_.find(events[i].data.fd);
            if (it == handlers_.end()) continue;
            auto h = it->second;  // a handler may remove itself
            h(events[i].events);
        }
        if (afterRound_) afterRound_();
    }
}

}  // namespace mcs::daemon
