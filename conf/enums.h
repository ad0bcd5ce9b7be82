// String tables of the configuration enums: the same names are parsed, rendered,
// documented (conf/keys.h `values`, checked by a test) and logged.
#pragma once

#include "agent/base/enum_table.h"
#include "conf/config.h"

namespace mcs::conf {

inline constexpr EnumTable<LogLevel, 7> kLogLevelNames{{
    {LogLevel::Trace, "trace"},
    {LogLevel::Debug, "debug"},
    {LogLevel::Info, "info"},
    {LogLevel::Warn, "warn"},
    {LogLevel::Error, "error"},
    {LogLevel::Critical, "critical"},
    {LogLevel::Off, "off"},
}};

inline constexpr EnumTable<Subsystem, 8> kSubsystemNames{{
    {Subsystem::Igmp, "igmp"},
    {Subsystem::Mld, "mld"},
    {Subsystem::Querier, "querier"},
    {Subsystem::Mdb, "mdb"},
    {Subsystem::Netlink, "netlink"},
    {Subsystem::Dbus, "dbus"},
    {Subsystem::Config, "config"},
    {Subsystem::Core, "core"},
}};

inline constexpr EnumTable<FilterMode, 3> kFilterModeNames{{
    {FilterMode::Allow, "allow"},
    {FilterMode::Deny, "deny"},
    {FilterMode::None, "none"},
}};

inline constexpr EnumTable<MaxGroupsAction, 2> kMaxGroupsActionNames{{
    {MaxGroupsAction::Deny, "deny"},
    {MaxGroupsAction::Replace, "replace"},
}};

inline constexpr EnumTable<MrouterMode, 3> kMrouterModeNames{{
    {MrouterMode::Auto, "auto"},
    {MrouterMode::Static, "static"},
    {MrouterMode::Never, "never"},
}};

// EnumList keys: families and mrouter.learn-from.
enum class FamilyName : uint8_t { Ipv4, Ipv6 };
inline constexpr EnumTable<FamilyName, 2> kFamilyNames{{
    {FamilyName::Ipv4, "ipv4"},
    {FamilyName::Ipv6, "ipv6"},
}};

enum class LearnSource : uint8_t { Query, Pim, Mrd };
inline constexpr EnumTable<LearnSource, 3> kLearnSourceNames{{
    {LearnSource::Query, "query"},
    {LearnSource::Pim, "pim"},
    {LearnSource::Mrd, "mrd"},
}};

// "a, b, c": the form used in kKeys `values` and in diagnostics' range.
template <typename E, size_t N>
std::string joinNames(const EnumTable<E, N>& t) {
    std::string s;
    for (const auto& [e, n] : t) {
        if (!s.empty()) s += ", ";
        s += n;
    }
    return s;
}

}  // namespace mcs::conf
