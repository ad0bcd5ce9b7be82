// The loggers of bridge/: "netlink" (sockets, links, packets, nft) and "mdb" (MDB
// reads/writes). The daemon may register them with its own sinks first; otherwise
// they are created once on first use with the default logger's sinks.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace mcs::bridge::log {

std::shared_ptr<spdlog::logger> netlink();
std::shared_ptr<spdlog::logger> mdb();

}  // namespace mcs::bridge::log
