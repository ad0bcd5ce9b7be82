#include "agent/daemon/options.h"

#include <charconv>
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
      --keep-capabilities  keep every capability once set up (debugging; by default
                           only CAP_NET_ADMIN and CAP_NET_RAW stay)
      --log-level LEVEL    trace, debug, info, warn, error, critical, off (default info)
      --log SUBSYS=LEVEL   level of one subsystem: daemon core igmp mld querier mdb
                           netlink dbus config
      --log-timestamps     prefix log lines with a timestamp
      --version            print the version and exit
  -h, --help               this text
)";
}

namespace {

// A whole decimal number in [lo, hi], else nullopt.
std::optional<uint64_t> number(std::string_view s, uint64_t lo, uint64_t hi) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
    return v;
}

}  // namespace

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
        } else if (a == "--keep-capabilities") {
            o.keepCapabilities = true;
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
        } else if (a == "--netlink-rcvbuf") {
            // The kernel doubles the value and enforces a minimum of a few KiB.
            if (!(err = takeValue(value))) {
                auto v = number(value, 1024, 1u << 30);
                if (!v) return unexpected("--netlink-rcvbuf expects a byte count 1024..1073741824, got '" + value + "'");
                o.netlinkRcvbuf = static_cast<int>(*v);
            }
        } else if (a == "--hash-max-ceiling") {
            if (!(err = takeValue(value))) {
                auto v = number(value, 16, 1u << 31);
                if (!v) return unexpected("--hash-max-ceiling expects a number 16..2147483648, got '" + value + "'");
                o.hashMaxCeiling = static_cast<uint32_t>(*v);
            }
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
