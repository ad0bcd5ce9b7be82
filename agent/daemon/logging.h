// One spdlog logger per subsystem, all writing to stderr (journald / procd add
// timestamps). Levels are set per subsystem from the command line or config.
#pragma once

#include <spdlog/spdlog.h>

#include <array>
#include <memory>
#include <string_view>

namespace mcs::daemon {

inline constexpr std::array<std::string_view, 9> kSubsystems{
    "daemon", "core", "igmp", "mld", "querier", "mdb", "netlink", "dbus", "config"};

// Creates every subsystem logger once (idempotent) with `level`.
void initLogging(spdlog::level::level_enum level, bool timestamps);
// Returns false for an unknown subsystem or level name.
bool setLogLevel(std::string_view subsystem, std::string_view level);
std::shared_ptr<spdlog::logger> logger(std::string_view subsystem);

}  // namespace mcs::daemon
