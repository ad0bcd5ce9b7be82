// D-Bus object paths of the control API: /org/mcsnoopd/bridge/NAME[/vlan/VID], with
// NAME escaped like sd_bus_path_encode() (every byte outside [A-Za-z0-9] becomes "_"
// and two lower-case hex digits; "" becomes "_"), so any interface name is a valid
// path element.
#pragma once

#include <string>
#include <string_view>

#include "agent/base/types.h"

namespace mcs::daemon {

inline constexpr const char* kObjectRoot = "/org/mcsnoopd";

std::string escapePathLabel(std::string_view s);
std::string unescapePathLabel(std::string_view s);
std::string bridgePath(std::string_view bridge);
std::string vlanPath(std::string_view bridge, VlanId vid);

}  // namespace mcs::daemon
