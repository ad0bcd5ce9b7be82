#include "bridge/log.h"

#include <net/if.h>

namespace mcs::bridge::log {

namespace {
std::shared_ptr<spdlog::logger> getOrCreate(const char* name) {
    if (auto l = spdlog::get(name)) return l;
    auto def = spdlog::default_logger();
    auto l = std::make_shared<spdlog::logger>(name, def->sinks().begin(), def->sinks().end());
    l->set_level(def->level());
    try {
        spdlog::register_logger(l);
    } catch (const spdlog::spdlog_ex&) {
        // Someone registered it between our get() and here: use theirs.
        if (auto other = spdlog::get(name)) return other;
    }
    return l;
}
}  // namespace

// Looked up each time (a mutex and a map lookup) so a daemon that re-registers
// loggers with new sinks or levels is honoured immediately.
std::shared_ptr<spdlog::logger> netlink() { return getOrCreate("netlink"); }
std::shared_ptr<spdlog::logger> mdb() { return getOrCreate("mdb"); }

std::string ifname(IfIndex i) {
    char buf[IF_NAMESIZE] = {};
    const char* n = if_indextoname(static_cast<unsigned>(i.value), buf);
    return std::string(n ? n : "?") + "(" + std::to_string(i.value) + ")";
}

}  // namespace mcs::bridge::log
