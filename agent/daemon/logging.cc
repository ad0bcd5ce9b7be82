#include "agent/daemon/logging.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <string>

namespace mcs::daemon {

void initLogging(spdlog::level::level_enum level, bool timestamps) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    for (auto name : kSubsystems) {
        std::string n(name);
        if (spdlog::get(n)) continue;
        auto l = std::make_shared<spdlog::logger>(n, sink);
        l->set_level(level);
        l->set_pattern(timestamps ? "%Y-%m-%d %H:%M:%S.%e %l %n: %v" : "%l %n: %v");
        l->flush_on(spdlog::level::info);
        spdlog::register_logger(l);
    }
}

bool setLogLevel(std::string_view subsystem, std::string_view level) {
    auto lvl = spdlog::level::from_str(std::string(level));
    if (lvl == spdlog::level::off && level != "off") return false;
    if (subsystem == "all") {
        for (auto name : kSubsystems)
            if (auto l = spdlog::get(std::string(name))) l->set_level(lvl);
        return true;
    }
    auto l = spdlog::get(std::string(subsystem));
    if (!l) return false;
    l->set_level(lvl);
    return true;
}

std::shared_ptr<spdlog::logger> logger(std::string_view subsystem) {
    auto l = spdlog::get(std::string(subsystem));
    if (!l) {
        initLogging(spdlog::level::info, false);
        l = spdlog::get(std::string(subsystem));
    }
    return l ? l : spdlog::default_logger();
}

}  // namespace mcs::daemon
