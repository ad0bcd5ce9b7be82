#include "agent/daemon/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

namespace mcs::daemon {
namespace {

TEST(EventLoop, FdReadinessAndDeadline) {
    EventLoop loop;
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    int reads = 0;
    loop.addFd(p[0], EPOLLIN, [&](uint32_t) {
        char c;
        ASSERT_EQ(read(p[0], &c, 1), 1);
        ++reads;
    });
    ASSERT_EQ(write(p[1], "x", 1), 1);
    // A deadline 20 ms ahead: the timer handler stops the loop.
    auto deadline = EventLoop::now() + milliseconds(20);
    bool fired = false;
    loop.addDeadlineProvider([&]() -> std::optional<TimePoint> {
        if (fired) return std::nullopt;
        return deadline;
    });
    loop.setTimerHandler([&](TimePoint now) {
        EXPECT_GE(now, deadline);
        fired = true;
        loop.stop();
    });
    int rounds = 0;
    loop.setAfterRound([&] { ++rounds; });
    loop.run();
    EXPECT_EQ(reads, 1);
    EXPECT_TRUE(fired);
    EXPECT_GE(rounds, 2);
    close(p[0]);
    close(p[1]);
}

}  // namespace
}  // namespace mcs::daemon
