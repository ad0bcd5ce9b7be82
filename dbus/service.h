// The D-Bus frontend of the control API: bus connection, the exported objects
// (objects.h) and their life cycle, signals. Runs on the daemon's event loop: the bus
// fd is one more epoll source, sd-bus's timeout comes in through the loop's extra
// timeout, and requests are processed once per round (no thread).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "agent/daemon/control.h"

namespace mcs::daemon {
class EventLoop;
}

namespace mcs::dbus {

inline constexpr const char* kBusName = "org.mcsnoopd";
inline constexpr const char* kRootPath = "/org/mcsnoopd";

// Connects (busAddress, else the system bus: DBUS_SYSTEM_BUS_ADDRESS or the default
// socket), exports the objects and takes the name org.mcsnoopd. nullptr when any of
// it fails: logged once, and the daemon runs without D-Bus (no retries).
std::unique_ptr<daemon::Frontend> startService(daemon::Control& control, daemon::EventLoop& loop,
                                               const std::optional<std::string>& busAddress);

}  // namespace mcs::dbus
