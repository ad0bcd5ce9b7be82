// The loggers of bridge/: "netlink" (sockets, links, packets, nft) and "mdb" (MDB
// reads/writes). The daemon may register them with its own sinks first; otherwise
// they are created once on first use with the default logger's sinks.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "agent/base/types.h"

namespace mcs::bridge::log {

std::shared_ptr<spdlog::logger> netlink();
std::shared_ptr<spdlog::logger> mdb();

// "v1(4)" -- interface name and index for log context; "?(4)" if it is gone.
std::string ifname(IfIndex i);

}  // namespace mcs::bridge::log
