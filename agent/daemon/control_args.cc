#include "agent/daemon/control_args.h"

#include "querier/config.h"
#include "querier/timing.h"

namespace mcs::daemon {

namespace {

ControlError err(ControlErrorKind k, std::string msg) { return ControlError{k, std::move(msg)}; }

bool linkLocalNeverTracked(const IpAddr& g) {
    return g.isLinkLocalMulticast() && !g.isSolicitedNode();
}

template <typename T>
Result<T, ControlError> settingAs(const SettingMap& m, const std::string& key) {
    const auto& v = m.at(key);
    if (const auto* p = std::get_if<T>(&v)) return *p;
    const char* want = std::is_same_v<T, bool> ? "a boolean (b)"
                       : std::is_same_v<T, uint32_t> ? "an unsigned integer (u)"
                                                     : "a string (s)";
    return unexpected(err(ControlErrorKind::InvalidArgs, "querier setting " + key + " must be " + want));
}

}  // namespace

std::string_view to_string(ControlErrorKind k) { return enumName(kControlErrorKindNames, k); }

bool QuerierOverrides::empty() const { return *this == QuerierOverrides{}; }

void QuerierOverrides::mergeFrom(const QuerierOverrides& o) {
    if (o.enabled) enabled = o.enabled;
    if (o.address4) address4 = o.address4;
    if (o.address6) address6 = o.address6;
    if (o.igmpVersion) igmpVersion = o.igmpVersion;
    if (o.mldVersion) mldVersion = o.mldVersion;
    if (o.queryInterval) queryInterval = o.queryInterval;
    if (o.queryResponseInterval) queryResponseInterval = o.queryResponseInterval;
    if (o.lastMemberQueryInterval) lastMemberQueryInterval = o.lastMemberQueryInterval;
    if (o.robustness) robustness = o.robustness;
}

// ---------------------------------------------------------------- parsing

Result<IpAddr, ControlError> parseAddress(std::string_view what, std::string_view text) {
    auto a = IpAddr::parse(text);
    if (!a)
        return unexpected(err(ControlErrorKind::InvalidArgs,
                              std::string(what) + " '" + std::string(text) + "' is not an IP address"));
    return *a;
}

Result<core::GroupRange, ControlError> parseFilterRule(const FilterRule& r, bool& allow) {
    if (r.action == "allow")
        allow = true;
    else if (r.action == "deny")
        allow = false;
    else
        return unexpected(err(ControlErrorKind::InvalidArgs,
                              "filter action '" + r.action + "' must be 'allow' or 'deny'"));
    auto prefix = parseAddress("filter prefix", r.prefix);
    if (!prefix) return unexpected(prefix.error());
    const unsigned bits = prefix->isV4() ? 32 : 128;
    if (r.length > bits)
        return unexpected(err(ControlErrorKind::InvalidArgs,
                              "filter prefix length " + std::to_string(r.length) + " of " + r.prefix +
                                  " is above " + std::to_string(bits)));
    core::GroupRange g;
    g.prefix = *prefix;
    g.length = r.length;
    if (!r.source.empty()) {
        auto src = parseAddress("filter source", r.source);
        if (!src) return unexpected(src.error());
        if (src->family() != prefix->family() || src->isMulticast() || src->isUnspecified())
            return unexpected(err(ControlErrorKind::InvalidArgs,
                                  "filter source " + r.source + " must be a unicast address of the prefix's family"));
        g.source = *src;
    }
    return g;
}

Result<QuerierOverrides, ControlError> parseQuerierSettings(const SettingMap& m) {
    QuerierOverrides q;
    auto invalid = [](std::string msg) { return unexpected(err(ControlErrorKind::InvalidArgs, std::move(msg))); };
    for (const auto& [key, value] : m) {
        if (key == "Enabled") {
            auto b = settingAs<bool>(m, key);
            if (!b) return unexpected(b.error());
            q.enabled = *b;
        } else if (key == "Address" || key == "Address6") {
            auto s = settingAs<std::string>(m, key);
            if (!s) return unexpected(s.error());
            const Family f = key == "Address" ? Family::V4 : Family::V6;
            std::optional<IpAddr> addr;
            if (!s->empty()) {
                auto a = parseAddress("querier address", *s);
                if (!a) return unexpected(a.error());
                if (a->family() != f) return invalid("querier " + key + " '" + *s + "' must be an " +
                                                     std::string(to_string(f)) + " address");
                if (auto e = querier::validateSourceAddress(*a, f))
                    return invalid("querier " + key + " '" + *s + "': " + std::string(querier::to_string(*e)));
                addr = *a;
            }
            (f == Family::V4 ? q.address4 : q.address6) = addr;
        } else if (key == "IgmpVersion") {
            auto n = settingAs<uint32_t>(m, key);
            if (!n) return unexpected(n.error());
            if (*n != 2 && *n != 3) return invalid("IgmpVersion must be 2 or 3");
            q.igmpVersion = *n == 2 ? wire::ProtoVersion::IgmpV2 : wire::ProtoVersion::IgmpV3;
        } else if (key == "MldVersion") {
            auto n = settingAs<uint32_t>(m, key);
            if (!n) return unexpected(n.error());
            if (*n != 1 && *n != 2) return invalid("MldVersion must be 1 or 2");
            q.mldVersion = *n == 1 ? wire::ProtoVersion::MldV1 : wire::ProtoVersion::MldV2;
        } else if (key == "QueryInterval") {
            auto n = settingAs<uint32_t>(m, key);
            if (!n) return unexpected(n.error());
            if (*n < 1 || *n > querier::kMaxQqiSec) return invalid("QueryInterval must be 1..31744 seconds");
            q.queryInterval = seconds(*n);
        } else if (key == "QueryResponseInterval") {
            auto n = settingAs<uint32_t>(m, key);
            if (!n) return unexpected(n.error());
            if (*n < 100) return invalid("QueryResponseInterval must be at least 100 ms");
            q.queryResponseInterval = milliseconds(*n);
        } else if (key == "LastMemberQueryInterval") {
            auto n = settingAs<uint32_t>(m, key);
            if (!n) return unexpected(n.error());
            if (*n < 100) return invalid("LastMemberQueryInterval must be at least 100 ms");
            q.lastMemberQueryInterval = milliseconds(*n);
        } else if (key == "Robustness") {
            auto n = settingAs<uint32_t>(m, key);
            if (!n) return unexpected(n.error());
            if (*n < 1 || *n > 255) return invalid("Robustness must be 1..255");
            q.robustness = *n;
        } else {
            return invalid("unknown querier setting '" + key +
                           "' (known: Enabled, Address, Address6, IgmpVersion, MldVersion, "
                           "QueryInterval, QueryResponseInterval, LastMemberQueryInterval, Robustness)");
        }
    }
    if (q.empty()) return invalid("no querier setting given");
    return q;
}

Result<core::StaticGroup, ControlError> parseStaticGroup(std::string_view group, std::string_view source,
                                                         std::string_view port) {
    auto g = parseAddress("group", group);
    if (!g) return unexpected(g.error());
    if (!g->isMulticast())
        return unexpected(err(ControlErrorKind::InvalidArgs, "'" + std::string(group) + "' is not a multicast group"));
    if (linkLocalNeverTracked(*g))
        return unexpected(err(ControlErrorKind::InvalidArgs,
                              "'" + std::string(group) +
                                  "' is link-local: always flooded, never an MDB entry (RFC 4541 §2.1.2)"));
    core::StaticGroup sg;
    sg.group = *g;
    if (!source.empty()) {
        auto src = parseAddress("source", source);
        if (!src) return unexpected(src.error());
        if (src->family() != g->family() || src->isMulticast() || src->isUnspecified())
            return unexpected(err(ControlErrorKind::InvalidArgs,
                                  "source '" + std::string(source) + "' must be a unicast address of the group's family"));
        sg.source = *src;
    }
    if (port.empty()) return unexpected(err(ControlErrorKind::InvalidArgs, "no port given"));
    sg.port = std::string(port);
    return sg;
}

}  // namespace mcs::daemon
