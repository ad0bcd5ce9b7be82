#include "agent/daemon/options.h"

#include <string_view>

namespace mcs::daemon {

std::string usage() {
    return R"(Usage: mcsnoopd [OPTIONS]
IGMP/MLD snooping agent for Linux bridges.

  -c, --config FILE        configuration file (TOML, see mcsnoopd.conf(5))
  -b, --bridge BRIDGE      snoop on BRIDGE with default settings (repeatable;
                           adds to the bridges of the configuration file)
      --check-config FILE  validate FILE and exit 0 (valid) or 1 (invalid)
  -v                       with --check-config: print the effective configuration
      --runtime-dir DIR    state directory (default /run/mcsnoopd)
      --bus-address ADDR   D-Bus address (default: DBUS_SYSTEM_BUS_ADDRESS or the system bus)
      --no-dbus            do not connect to D-Bus
      --flush-on-exit      remove our MDB entries when stopping (default: keep forwarding)
      --strict             apply SHOULD-level packet validity checks
      --log-level LEVEL    trace, debug, info, warn, error, critical, off (default info)
      --log SUBSYS=LEVEL   level of one subsystem: daemon core igmp mld querier mdb
                           netlink dbus config
      --log-timestamps     prefix log lines with a timestamp
      --version            print the version and exit
  -h, --help               this text
)";
}

Result<Options, std::string> parseOptions(int argc, char** argv) {
    Options o;
    auto need = [&](int& i, std::string_view opt) -> Result<std::string, std::string> {
        if (i + 1 >= argc) return unexpected("option " + std::string(opt) + " needs an argument");
        return std::string(argv[++i]);
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto takeValue = [&](std::string& dst) -> std::optional<std::string> {
            auto v = need(i, a);
            if (!v) return v.error();
            dst = *v;
            return std::nullopt;
        };
        std::string value;
        std::optional<std::string> err;
        if (a == "-c" || a == "--config") {
            if (!(err = takeValue(value))) o.configFile = value;
        } else if (a == "-b" || a == "--bridge") {
            if (!(err = takeValue(value))) o.bridges.push_back(value);
        } else if (a == "--check-config") {
            if (!(err = takeValue(value))) o.checkConfig = value;
        } else if (a == "--runtime-dir") {
            err = takeValue(o.runtimeDir);
        } else if (a == "--bus-address") {
            if (!(err = takeValue(value))) o.busAddress = value;
        } else if (a == "--no-dbus") {
            o.dbus = false;
        } else if (a == "--flush-on-exit") {
            o.flushOnExit = true;
        } else if (a == "--strict") {
            o.strict = true;
        } else if (a == "--log-level") {
            err = takeValue(o.logLevel);
            o.logLevelGiven = true;
        } else if (a == "--log") {
            if (!(err = takeValue(value))) {
                auto eq = value.find('=');
                if (eq == std::string::npos) return unexpected("--log expects SUBSYS=LEVEL, got '" + value + "'");
                o.subsystemLevels.emplace_back(value.substr(0, eq), value.substr(eq + 1));
            }
        } else if (a == "--log-timestamps") {
            o.timestamps = true;
        } else if (a == "--version") {
            o.version = true;
        } else if (a == "-v") {
            o.verbose = true;
        } else if (a == "-h" || a == "--help") {
            o.help = true;
        } else {
            return unexpected("unknown option '" + std::string(a) + "'");
        }
        if (err) return unexpected(*err);
    }
    return o;
}

}  // namespace mcs::daemon
