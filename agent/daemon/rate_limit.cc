#include "agent/daemon/rate_limit.h"

#include <algorithm>
#include <chrono>

namespace mcs::daemon {

namespace {
constexpr int64_t kMicro = 1'000'000;
}

bool TokenBucket::admit(uint32_t rate, TimePoint now) {
    if (rate == 0) return true;
    const int64_t capacity = static_cast<int64_t>(rate) * kMicro;
    if (microTokens_ < 0 || rate != rate_) {
        // First use, or the limit changed (reload): start full at the new rate, so a
        // reload never leaves a port starved by the old budget.
        microTokens_ = capacity;
        rate_ = rate;
        last_ = now;
    } else if (now > last_) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now - last_).count();
        // rate tokens/s = rate micro-tokens/us; cap the elapsed time first (no overflow).
        const int64_t refill = std::min<int64_t>(us, kMicro) * rate;
        microTokens_ = std::min(capacity, microTokens_ + refill);
        last_ = now;
    }
    if (microTokens_ < kMicro) return false;
    microTokens_ -= kMicro;
    return true;
}

ReportRateLimiter::Verdict ReportRateLimiter::admit(IfIndex port, uint32_t rate, TimePoint now) {
    Verdict v;
    if (rate == 0) {
        if (auto it = ports_.find(port); it != ports_.end()) it->second.bucket = TokenBucket{};
        return v;
    }
    auto& p = ports_[port];
    if (p.bucket.admit(rate, now)) return v;
    v.admit = false;
    ++p.dropped;
    ++p.unwarned;
    ++total_;
    if (!p.lastWarn || now - *p.lastWarn >= kWarnInterval) {
        v.warnDrops = p.unwarned;
        p.unwarned = 0;
        p.lastWarn = now;
    }
    return v;
}

void ReportRateLimiter::portRemoved(IfIndex port) { ports_.erase(port); }

uint64_t ReportRateLimiter::dropped(IfIndex port) const {
    auto it = ports_.find(port);
    return it == ports_.end() ? 0 : it->second.dropped;
}

}  // namespace mcs::daemon
