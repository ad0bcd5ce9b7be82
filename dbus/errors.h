// D-Bus error names of the control API: "org.mcsnoopd.Error." + the ControlErrorKind
// string (agent/daemon/control.h, docs/dbus.md).
#pragma once

#include <string>

#include <sdbus-c++/Error.h>

#include "agent/daemon/control.h"

namespace mcs::dbus {

inline constexpr const char* kErrorPrefix = "org.mcsnoopd.Error.";

[[noreturn]] inline void raise(const daemon::ControlError& e) {
    throw sdbus::Error(kErrorPrefix + std::string(daemon::to_string(e.kind)), e.message);
}

inline void check(const daemon::Status& s) {
    if (s) raise(*s);
}

// Runs an adaptor body: sdbus-c++ turns only sdbus::Error into an error reply, any
// other exception would unwind through sd-bus's C code.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const sdbus::Error&) {
        throw;
    } catch (const std::exception& e) {
        throw sdbus::Error(kErrorPrefix + std::string("Failed"), e.what());
    }
}

}  // namespace mcs::dbus
