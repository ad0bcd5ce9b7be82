// Command line of mcsnoopd.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/base/result.h"

namespace mcs::daemon {

struct Options {
    std::vector<std::string> bridges;      // --bridge BR (repeatable): run on BR with defaults
    std::optional<std::string> configFile;  // --config FILE
    std::optional<std::string> checkConfig; // --check-config FILE: validate and exit 0/1
    std::string runtimeDir = "/run/mcsnoopd";
    std::optional<std::string> busAddress;  // --bus-address ADDR (else DBUS_SYSTEM_BUS_ADDRESS / system bus)
    bool dbus = true;                       // --no-dbus
    bool flushOnExit = false;               // --flush-on-exit: remove our MDB entries on SIGTERM
    bool strict = false;                    // --strict: SHOULD-level packet checks
    bool keepCapabilities = false;          // --keep-capabilities: no drop once set up (debugging)
    bool timestamps = false;                // --log-timestamps (journald adds its own)
    std::string logLevel = "info";          // --log-level LEVEL
    bool logLevelGiven = false;
    std::vector<std::pair<std::string, std::string>> subsystemLevels;  // --log SUBSYS=LEVEL
    bool version = false;
    bool help = false;
    bool verbose = false;                   // -v with --check-config: print the effective config
    // Debugging options (mcsnoopd(8), DEBUGGING OPTIONS; not in --help): fault tests
    // force a monitor overrun and reach the hash_max ceiling with a few entries.
    std::optional<int> netlinkRcvbuf;       // --netlink-rcvbuf BYTES: monitor sockets' receive buffer
    std::optional<uint32_t> hashMaxCeiling; // --hash-max-ceiling N: never raise mcast_hash_max beyond N
};

Result<Options, std::string> parseOptions(int argc, char** argv);
std::string usage();

}  // namespace mcs::daemon
