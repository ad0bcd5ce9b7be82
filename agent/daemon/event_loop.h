// The daemon's one event loop: epoll over fds, one timerfd for the earliest
// deadline, signalfd for signals. Single-threaded; callbacks run in order.
#pragma once

#include <csignal>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "agent/base/time.h"

namespace mcs::daemon {

class EventLoop {
public:
    using FdHandler = std::function<void(uint32_t events)>;
    using SignalHandler = std::function<void(int signo)>;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    void addFd(int fd, uint32_t events, FdHandler h);
    void modifyFd(int fd, uint32_t events);
    void removeFd(int fd);
    // Blocks `signals` for the process and delivers them through the loop.
    void handleSignals(const std::vector<int>& signals, SignalHandler h);
    // The loop sleeps until the earliest of the wake-up times returned by the
    // deadline providers (called after every dispatch round) or until an fd is ready.
    void addDeadlineProvider(std::function<std::optional<TimePoint>()> p);
    void setTimerHandler(std::function<void(TimePoint now)> h) { onTimer_ = std::move(h); }
    // Extra timeout in ms from a provider outside our timer (sdbus-c++ poll data);
    // -1 = none. Polled each round.
    void setExtraTimeoutProvider(std::function<int()> p) { extraTimeout_ = std::move(p); }

    // Runs after every wake-up (fd events, timer or the extra timeout): the daemon
    // flushes state changes to the kernel here, once per round, and sdbus-c++ gets
    // its processing turn.
    void setAfterRound(std::function<void()> f) { afterRound_ = std::move(f); }

    void run();
    void stop() { running_ = false; }
    static TimePoint now() { return Clock::now(); }

    uint64_t wakeups() const { return wakeups_; }

private:
    void armTimer();
    int epfd_ = -1;
    int timerfd_ = -1;
    int sigfd_ = -1;
    bool running_ = false;
    uint64_t wakeups_ = 0;
    std::map<int, FdHandler> handlers_;
    SignalHandler onSignal_;
    std::function<void(TimePoint)> onTimer_;
    std::function<int()> extraTimeout_;
    std::function<void()> afterRound_;
    std::vector<std::function<std::optional<TimePoint>()>> deadlines_;
    std::optional<TimePoint> armed_;
};

}  // namespace mcs::daemon
