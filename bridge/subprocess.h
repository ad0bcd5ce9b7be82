// Runs a program directly (posix_spawn, no shell), feeds it stdin, captures stdout and
// stderr, and waits with a deadline. Used to drive `nft -f -`.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/error.h"

namespace mcs::bridge {

struct ProcessResult {
    int exitCode = -1;     // -1 if killed by a signal
    int termSignal = 0;
    std::string out;
    std::string err;
    bool ok() const { return exitCode == 0; }
};

// argv[0] is passed as given; `path` is what is executed. Output beyond 1 MiB per
// stream is discarded. On timeout the child is killed and ETIMEDOUT returned.
Result<ProcessResult, Error> runProcess(const std::string& path, const std::vector<std::string>& argv,
                                        std::string_view input,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Looks `name` up in $PATH, then /usr/sbin and /sbin (where nft lives, often not in a
// service's PATH).
std::optional<std::string> findExecutable(std::string_view name);

}  // namespace mcs::bridge
