// mcsnoopd: IGMP/MLD snooping agent for Linux bridges.
// No <iostream> (nor any other stream) here or on the daemon's start-up path: the
// first stream constructed initialises libstdc++'s locale machinery (every facet of
// std::locale::classic() for char and wchar_t), ~0.5 MiB of library pages the daemon
// would keep resident for nothing (idle RSS, docs/benchmarks.md).
#include <cstdio>
#include <string>

#include "agent/daemon/daemon.h"
#include "agent/daemon/logging.h"
#include "agent/daemon/options.h"
#include "conf/config.h"
#include "version.h"

namespace {
void put(std::FILE* f, const std::string& s) { std::fwrite(s.data(), 1, s.size(), f); }
}  // namespace

int main(int argc, char** argv) {
    using namespace mcs;
    auto opts = daemon::parseOptions(argc, argv);
    if (!opts) {
        put(stderr, "mcsnoopd: " + opts.error() + "\n" + daemon::usage());
        return 2;
    }
    if (opts->help) {
        put(stdout, daemon::usage());
        return 0;
    }
    if (opts->version) {
        put(stdout, "mcsnoopd " MCS_VERSION "\n");
        return 0;
    }
    if (opts->checkConfig) {
        auto c = conf::loadConfigFile(*opts->checkConfig);
        if (!c) {
            for (const auto& d : c.error()) put(stderr, d.str() + "\n");
            return 1;
        }
        if (opts->verbose) put(stdout, conf::render(*c, conf::RenderMode::Effective));
        put(stdout, *opts->checkConfig + ": configuration is valid\n");
        return 0;
    }
    auto lvl = spdlog::level::from_str(opts->logLevel);
    daemon::initLogging(lvl, opts->timestamps);
    for (const auto& [sub, level] : opts->subsystemLevels)
        if (!daemon::setLogLevel(sub, level)) {
            put(stderr, "mcsnoopd: unknown subsystem or level in --log " + sub + "=" + level + "\n");
            return 2;
        }
    try {
        daemon::Daemon d(std::move(*opts));
        return d.run();
    } catch (const std::exception& e) {
        daemon::logger("daemon")->critical("fatal: {}", e.what());
        return 1;
    }
}
