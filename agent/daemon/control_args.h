// Values of the control API and their parsing from D-Bus-shaped arguments (strings,
// integers, dictionaries) with named errors: the part of the control API that needs
// no running daemon (mcs_api; unit-tested in tests/dbus).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "agent/base/enum_table.h"
#include "agent/base/result.h"
#include "agent/base/time.h"
#include "agent/base/types.h"
#include "agent/core/config.h"
#include "agent/wire/message.h"

namespace mcs::daemon {

// D-Bus error names are "org.mcsnoopd.Error." + the string of the kind.
enum class ControlErrorKind : uint8_t {
    NoSuchBridge,
    NoSuchVlan,
    NoSuchPort,
    NoSuchEntry,     // remove of something that was not added at runtime
    InvalidArgs,
    LimitReached,
    NotPermitted,    // allowed callers, but not an operation this API offers
    ReloadFailed,
    Failed,
    AccessDenied,    // a privileged method, and the caller is neither root nor in group mcsnoopd
};
inline constexpr EnumTable<ControlErrorKind, 10> kControlErrorKindNames{{
    {ControlErrorKind::NoSuchBridge, "NoSuchBridge"},
    {ControlErrorKind::NoSuchVlan, "NoSuchVlan"},
    {ControlErrorKind::NoSuchPort, "NoSuchPort"},
    {ControlErrorKind::NoSuchEntry, "NoSuchEntry"},
    {ControlErrorKind::InvalidArgs, "InvalidArgs"},
    {ControlErrorKind::LimitReached, "LimitReached"},
    {ControlErrorKind::NotPermitted, "NotPermitted"},
    {ControlErrorKind::ReloadFailed, "ReloadFailed"},
    {ControlErrorKind::Failed, "Failed"},
    {ControlErrorKind::AccessDenied, "AccessDenied"},
}};
std::string_view to_string(ControlErrorKind k);

struct ControlError {
    ControlErrorKind kind;
    std::string message;
};
// nullopt: done.
using Status = std::optional<ControlError>;

// Limits on what callers can make us keep (style.md §15).
inline constexpr size_t kMaxRuntimeStaticGroups = 1024;   // per bridge, all scopes
inline constexpr size_t kMaxRuntimeMrouterPorts = 256;    // per bridge, all scopes
inline constexpr size_t kMaxFilterRules = 256;            // per SetFilter

// Where an operation applies.
struct Scope {
    std::string bridge;
    std::optional<VlanId> vid;   // nullopt: the whole bridge
};

struct QuerierOverrides {
    std::optional<bool> enabled;
    std::optional<std::optional<IpAddr>> address4;   // inner nullopt: the bridge's address
    std::optional<std::optional<IpAddr>> address6;
    std::optional<wire::ProtoVersion> igmpVersion;
    std::optional<wire::ProtoVersion> mldVersion;
    std::optional<Duration> queryInterval;
    std::optional<Duration> queryResponseInterval;
    std::optional<Duration> lastMemberQueryInterval;
    std::optional<uint32_t> robustness;
    bool empty() const;
    void mergeFrom(const QuerierOverrides& o);   // o's set fields win
    bool operator==(const QuerierOverrides&) const = default;
};

// SetQuerier's dictionary values.
using SettingValue = std::variant<bool, uint32_t, std::string>;
using SettingMap = std::map<std::string, SettingValue>;

// SetFilter's rule: (action, prefix, length, source).
struct FilterRule {
    std::string action;
    std::string prefix;
    uint8_t length = 0;
    std::string source;
};

// Parsing helpers shared with tests: an address, a filter rule, a querier dictionary.
Result<IpAddr, ControlError> parseAddress(std::string_view what, std::string_view text);
Result<core::GroupRange, ControlError> parseFilterRule(const FilterRule& r, bool& allow);
Result<QuerierOverrides, ControlError> parseQuerierSettings(const SettingMap& m);
// A static membership: multicast group (never link-local), optional unicast source of
// the same family, port name.
Result<core::StaticGroup, ControlError> parseStaticGroup(std::string_view group, std::string_view source,
                                                         std::string_view port);

}  // namespace mcs::daemon
