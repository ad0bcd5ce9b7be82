// systemd's readiness protocol (sd_notify(3)) without libsystemd: one datagram to
// $NOTIFY_SOCKET. OpenWrt's procd and plain shells leave NOTIFY_SOCKET unset, and
// then every call is a no-op.
#pragma once

#include <optional>
#include <string_view>

#include "agent/base/time.h"

namespace mcs::daemon {

// Sends `state` ("READY=1", "RELOADING=1\nMONOTONIC_USEC=...", "STOPPING=1",
// "WATCHDOG=1", "STATUS=..."). Returns false when not under systemd or on error.
bool notify(std::string_view state);
// RELOADING=1 with the MONOTONIC_USEC systemd >= 253 wants for Type=notify-reload.
bool notifyReloading();
// Half of $WATCHDOG_USEC (if set for this process): how often to send WATCHDOG=1.
std::optional<Duration> watchdogInterval();

}  // namespace mcs::daemon
