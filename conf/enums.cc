#include "conf/enums.h"

namespace mcs::conf {

std::string_view to_string(LogLevel v) { return enumName(kLogLevelNames, v); }
std::string_view to_string(Subsystem v) { return enumName(kSubsystemNames, v); }
std::string_view to_string(FilterMode v) { return enumName(kFilterModeNames, v); }
std::string_view to_string(MaxGroupsAction v) { return enumName(kMaxGroupsActionNames, v); }
std::string_view to_string(MrouterMode v) { return enumName(kMrouterModeNames, v); }

}  // namespace mcs::conf
