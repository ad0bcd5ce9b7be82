// The core never reads a clock: callers pass `now`. Monotonic time only.
#pragma once

#include <chrono>

namespace mcs {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = std::chrono::milliseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace mcs
