// Maps the resolved configuration (conf/) onto the core's and the querier's own
// config types: conf/ knows TOML and inheritance, the core knows none of it.
#pragma once

#include "agent/daemon/bridge_agent.h"
#include "conf/config.h"

namespace mcs::daemon {

// Settings of VLAN `vid` of bridge `b` (a bridge given only with --bridge uses a
// BridgeConfig with just its name: every default).
VlanSettings mapVlanSettings(const conf::BridgeConfig& b, VlanId vid);

}  // namespace mcs::daemon
