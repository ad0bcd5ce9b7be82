// mcsnoopd: IGMP/MLD snooping agent for Linux bridges.
#include <cstdio>
#include <iostream>

#include "agent/daemon/daemon.h"
#include "agent/daemon/logging.h"
#include "agent/daemon/options.h"
#include "conf/config.h"
#include "version.h"

int main(int argc, char** argv) {
    using namespace mcs;
    auto opts = daemon::parseOptions(argc, argv);
    if (!opts) {
        std::cerr << "mcsnoopd: " << opts.error() << "\n" << daemon::usage();
        return 2;
    }
    if (opts->help) {
        std::cout << daemon::usage();
        return 0;
    }
    if (opts->version) {
        std::cout << "mcsnoopd " << MCS_VERSION << "\n";
        return 0;
    }
    if (opts->checkConfig) {
        auto c = conf::loadConfigFile(*opts->checkConfig);
        if (!c) {
            for (const auto& d : c.error()) std::cerr << d.str() << "\n";
            return 1;
        }
        if (opts->verbose) std::cout << conf::render(*c, conf::RenderMode::Effective);
        std::cout << *opts->checkConfig << ": configuration is valid\n";
        return 0;
    }
    auto lvl = spdlog::level::from_str(opts->logLevel);
    daemon::initLogging(lvl, opts->timestamps);
    for (const auto& [sub, level] : opts->subsystemLevels)
        if (!daemon::setLogLevel(sub, level)) {
            std::cerr << "mcsnoopd: unknown subsystem or level in --log " << sub << "=" << level << "\n";
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
