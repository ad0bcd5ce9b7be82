#include "bridge/link_types.h"

#include "agent/base/enum_table.h"

namespace mcs::bridge {

namespace {
constexpr EnumTable<StpState, 5> kStpNames{{
    {StpState::Disabled, "disabled"},
    {StpState::Listening, "listening"},
    {StpState::Learning, "learning"},
    {StpState::Forwarding, "forwarding"},
    {StpState::Blocking, "blocking"},
}};
constexpr EnumTable<RouterMode, 4> kRouterNames{{
    {RouterMode::Disabled, "disabled"},
    {RouterMode::TempQuery, "temp_query"},
    {RouterMode::Permanent, "permanent"},
    {RouterMode::Temp, "temp"},
}};
}  // namespace

std::string_view to_string(StpState s) { return enumName(kStpNames, s); }
std::string_view to_string(RouterMode m) { return enumName(kRouterNames, m); }

}  // namespace mcs::bridge
