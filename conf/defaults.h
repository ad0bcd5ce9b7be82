// Defaults taken from the key table, shared by the parser and resolution.
#pragma once

#include "conf/config.h"

namespace mcs::conf {

Limits defaultLimits();
Limits applyOverrides(Limits base, const LimitOverrides& o);
GlobalConfig defaultGlobal();

}  // namespace mcs::conf
