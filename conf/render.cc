// Config -> canonical TOML. What was set is written as keys (so the text parses back to
// an equal Config); in Effective mode the resolved values follow as comments.
#include <functional>

#include "conf/config.h"
#include "conf/enums.h"
#include "conf/keys.h"
#include "conf/text.h"

namespace mcs::conf {

namespace {

using Line = std::pair<std::string, std::string>;  // key, value text
using Lines = std::vector<Line>;

std::string str(bool b) { return b ? "true" : "false"; }
std::string str(Duration d) { return formatSeconds(d.count()); }
std::string str(const IpAddr& a) { return tomlString(a.str()); }

std::string list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + "]";
}

std::string names(const std::vector<std::string>& ports) {
    std::vector<std::string> q;
    for (const auto& p : ports) q.push_back(tomlString(p));
    return list(q);
}

std::string inlineTable(const Lines& lines) {
    if (lines.empty()) return "{}";
    std::string out = "{ ";
    for (size_t i = 0; i < lines.size(); ++i)
        out += (i ? ", " : "") + lines[i].first + " = " + lines[i].second;
    return out + " }";
}

std::string str(const Families& f) {
    std::vector<std::string> v;
    if (f.ipv4) v.push_back(tomlString("ipv4"));
    if (f.ipv6) v.push_back(tomlString("ipv6"));
    return list(v);
}

std::string str(const MrouterLearn& l) {
    std::vector<std::string> v;
    if (l.query) v.push_back(tomlString("query"));
    if (l.pim) v.push_back(tomlString("pim"));
    if (l.mrd) v.push_back(tomlString("mrd"));
    return list(v);
}

std::string str(const MaxGroups& m) {
    return inlineTable(
        {{"limit", std::to_string(m.limit)}, {"action", tomlString(to_string(m.action))}});
}

std::string str(const Filter& f) {
    Lines l{{"mode", tomlString(to_string(f.mode))}};
    if (!f.entries.empty()) {
        std::vector<std::string> groups;
        for (const FilterEntry& e : f.entries) {
            if (e.source)
                groups.push_back(inlineTable({{"prefix", tomlString(e.group.str())},
                                              {"source", tomlString(e.source->str())}}));
            else
                groups.push_back(tomlString(e.group.str()));
        }
        l.emplace_back("groups", list(groups));
    }
    return inlineTable(l);
}

std::string str(const StaticGroup& g) {
    Lines l{{"group", str(g.group)}};
    if (g.source) l.emplace_back("source", str(*g.source));
    if (g.vlan) l.emplace_back("vlan", std::to_string(g.vlan->value));
    l.emplace_back("ports", names(g.ports));
    return inlineTable(l);
}

std::string str(const std::vector<StaticGroup>& groups) {
    std::string out = "[\n";
    for (const StaticGroup& g : groups) out += "    " + str(g) + ",\n";
    return out + "]";
}

template <typename T, typename F>
void opt(Lines& out, std::string_view key, const std::optional<T>& v, F&& fmt) {
    if (v) out.emplace_back(std::string(key), fmt(*v));
}

std::string num(uint32_t v) { return std::to_string(v); }

Lines querierLines(const QuerierSettings& q) {
    Lines l;
    opt(l, "enabled", q.enabled, [](bool b) { return str(b); });
    opt(l, "address", q.address, [](const IpAddr& a) { return str(a); });
    opt(l, "address6", q.address6, [](const IpAddr& a) { return str(a); });
    opt(l, "interval", q.interval, [](Duration d) { return str(d); });
    opt(l, "response-interval", q.responseInterval, [](Duration d) { return str(d); });
    opt(l, "last-member-interval", q.lastMemberInterval, [](Duration d) { return str(d); });
    opt(l, "last-member-count", q.lastMemberCount, num);
    opt(l, "robustness", q.robustness, num);
    opt(l, "startup-query-interval", q.startupQueryInterval, [](Duration d) { return str(d); });
    opt(l, "startup-query-count", q.startupQueryCount, num);
    return l;
}

Lines limitLines(const LimitOverrides& o) {
    Lines l;
    opt(l, "max-groups-per-vlan", o.maxGroupsPerVlan, num);
    opt(l, "max-sources-per-group", o.maxSourcesPerGroup, num);
    opt(l, "max-hosts-per-group-port", o.maxHostsPerGroupPort, num);
    opt(l, "max-records-per-report", o.maxRecordsPerReport, num);
    opt(l, "report-rate-limit", o.reportRateLimit, num);
    return l;
}

Lines limitLines(const Limits& v) {
    return limitLines(LimitOverrides{v.maxGroupsPerVlan, v.maxSourcesPerGroup,
                                     v.maxHostsPerGroupPort, v.maxRecordsPerReport,
                                     v.reportRateLimit});
}

// The keys of [[bridge]] / [[bridge.vlan]] that were set. querier and limits go inline
// unless the caller writes them as sub-table sections.
Lines settingsLines(const SnoopingSettings& s, bool inlineSubtables) {
    Lines l;
    opt(l, "snooping", s.snooping, [](bool b) { return str(b); });
    opt(l, "families", s.families, [](const Families& f) { return str(f); });
    opt(l, "igmp-version", s.igmpVersion, [](uint8_t v) { return std::to_string(unsigned{v}); });
    opt(l, "mld-version", s.mldVersion, [](uint8_t v) { return std::to_string(unsigned{v}); });
    opt(l, "immediate-leave", s.immediateLeave, [](bool b) { return str(b); });
    opt(l, "flood-unregistered", s.floodUnregistered, [](bool b) { return str(b); });
    opt(l, "flood-reports", s.floodReports, [](bool b) { return str(b); });
    opt(l, "static-mrouter-ports", s.staticMrouterPorts, [](const auto& v) { return names(v); });
    if (!s.staticGroups.empty()) l.emplace_back("static-groups", str(s.staticGroups));
    opt(l, "filter", s.filter, [](const Filter& f) { return str(f); });
    opt(l, "max-groups", s.maxGroups, [](const MaxGroups& m) { return str(m); });
    Lines tcn;
    opt(tcn, "flood-query-count", s.tcn.floodQueryCount, num);
    opt(tcn, "solicit", s.tcn.solicit, [](bool b) { return str(b); });
    opt(tcn, "solicit-when-root", s.tcn.solicitWhenRoot, [](bool b) { return str(b); });
    if (!tcn.empty()) l.emplace_back("tcn", inlineTable(tcn));
    Lines mr;
    opt(mr, "learn-from", s.mrouter.learnFrom, [](const MrouterLearn& m) { return str(m); });
    opt(mr, "timeout", s.mrouter.timeout, [](Duration d) { return str(d); });
    if (!mr.empty()) l.emplace_back("mrouter", inlineTable(mr));
    if (inlineSubtables) {
        if (Lines q = querierLines(s.querier); !q.empty())
            l.emplace_back("querier", inlineTable(q));
        if (Lines lim = limitLines(s.limits); !lim.empty())
            l.emplace_back("limits", inlineTable(lim));
    }
    return l;
}

Lines portLines(const PortConfig& p) {
    Lines l{{"name", tomlString(p.name)}};
    opt(l, "immediate-leave", p.immediateLeave, [](bool b) { return str(b); });
    opt(l, "flood-reports", p.floodReports, [](bool b) { return str(b); });
    opt(l, "flood-unregistered", p.floodUnregistered, [](bool b) { return str(b); });
    opt(l, "tcn-flood", p.tcnFlood, [](bool b) { return str(b); });
    opt(l, "mrouter", p.mrouter, [](MrouterMode m) { return tomlString(to_string(m)); });
    opt(l, "max-groups", p.maxGroups, [](const MaxGroups& m) { return str(m); });
    opt(l, "filter", p.filter, [](const Filter& f) { return str(f); });
    opt(l, "report-rate-limit", p.reportRateLimit, num);
    return l;
}

Lines vlanPolicyLines(const VlanPolicy& p) {
    Lines l{
        {"snooping", str(p.snooping)},
        {"families", str(p.families)},
        {"igmp-version", std::to_string(unsigned{p.igmpVersion})},
        {"mld-version", std::to_string(unsigned{p.mldVersion})},
        {"immediate-leave", str(p.immediateLeave)},
        {"flood-unregistered", str(p.floodUnregistered)},
        {"flood-reports", str(p.floodReports)},
        {"static-mrouter-ports", names(p.staticMrouterPorts)},
    };
    std::vector<std::string> groups;
    for (const StaticGroup& g : p.staticGroups) groups.push_back(str(g));
    l.emplace_back("static-groups", list(groups));
    l.emplace_back("filter", str(p.filter));
    l.emplace_back("max-groups", p.maxGroups ? str(*p.maxGroups) : "\"none\"");
    l.emplace_back("tcn", inlineTable({{"flood-query-count", num(p.tcn.floodQueryCount)},
                                       {"solicit", str(p.tcn.solicit)},
                                       {"solicit-when-root", str(p.tcn.solicitWhenRoot)}}));
    l.emplace_back("mrouter", inlineTable({{"learn-from", str(p.mrouter.learnFrom)},
                                           {"timeout", str(p.mrouter.timeout)}}));
    const QuerierPolicy& q = p.querier;
    l.emplace_back("querier", inlineTable({
                                  {"enabled", str(q.enabled)},
                                  {"address", q.address ? str(*q.address) : "\"bridge\""},
                                  {"address6", q.address6 ? str(*q.address6) : "\"bridge\""},
                                  {"interval", str(q.interval)},
                                  {"response-interval", str(q.responseInterval)},
                                  {"last-member-interval", str(q.lastMemberInterval)},
                                  {"last-member-count", num(q.lastMemberCount)},
                                  {"robustness", num(q.robustness)},
                                  {"startup-query-interval", str(q.startupQueryInterval)},
                                  {"startup-query-count", num(q.startupQueryCount)},
                              }));
    l.emplace_back("limits", inlineTable(limitLines(p.limits)));
    return l;
}

Lines portPolicyLines(const PortPolicy& p) {
    return {
        {"immediate-leave", str(p.immediateLeave)},
        {"flood-unregistered", str(p.floodUnregistered)},
        {"flood-reports", str(p.floodReports)},
        {"tcn-flood", str(p.tcnFlood)},
        {"mrouter", tomlString(to_string(p.mrouter))},
        {"max-groups", p.maxGroups ? str(*p.maxGroups) : "\"none\""},
        {"filter", str(p.filter)},
        {"report-rate-limit", num(p.reportRateLimit)},
    };
}

void write(std::string& out, const Lines& lines, std::string_view prefix = "") {
    for (const auto& [k, v] : lines) {
        out += prefix;
        out += k + " = ";
        // Multi-line values (static-groups) keep the comment prefix on every line.
        for (char c : v) {
            out += c;
            if (c == '\n') out += prefix;
        }
        out += '\n';
    }
}

}  // namespace

std::string render(const Config& c, RenderMode mode) {
    const bool effective = mode == RenderMode::Effective;
    std::string out;
    const GlobalConfig& g = c.global;
    out += "[global]\n";
    Lines gl{{"runtime-dir", tomlString(g.runtimeDir)},
             {"log-level", tomlString(to_string(g.logLevel))}};
    if (!g.logLevels.empty()) {
        Lines levels;
        for (const auto& [sub, level] : g.logLevels)
            levels.emplace_back(std::string(to_string(sub)), tomlString(to_string(level)));
        gl.emplace_back("log", inlineTable(levels));
    }
    gl.emplace_back("dbus", str(g.dbus));
    gl.emplace_back("strict-validation", str(g.strictValidation));
    write(out, gl);
    out += "\n[global.limits]\n";
    write(out, limitLines(g.limits));

    for (const BridgeConfig& b : c.bridges) {
        out += "\n[[bridge]]\n";
        write(out, {{"name", tomlString(b.name)}});
        write(out, settingsLines(b.settings, false));
        if (Lines q = querierLines(b.settings.querier); !q.empty()) {
            out += "\n[bridge.querier]\n";
            write(out, q);
        }
        if (Lines l = limitLines(b.settings.limits); !l.empty()) {
            out += "\n[bridge.limits]\n";
            write(out, l);
        }
        for (const VlanConfig& v : b.vlans) {
            out += "\n[[bridge.vlan]]\n";
            write(out, {{"id", std::to_string(v.id.value)}});
            write(out, settingsLines(v.settings, true));
        }
        for (const PortConfig& p : b.ports) {
            out += "\n[[bridge.port]]\n";
            write(out, portLines(p));
        }
        if (!effective) continue;
        out +=
            cat("\n# Effective policy of bridge ", quoted(b.name), ", vlan 0",
                b.vlans.empty() ? "" : " and every VLAN without a [[bridge.vlan]] section", ":\n");
        write(out, vlanPolicyLines(resolveVlan(b, VlanId{0})), "#   ");
        for (const VlanConfig& v : b.vlans) {
            out +=
                cat("# Effective policy of bridge ", quoted(b.name), ", vlan ", v.id.value, ":\n");
            write(out, vlanPolicyLines(resolveVlan(b, v.id)), "#   ");
        }
        for (const PortConfig& p : b.ports) {
            out += cat("# Effective policy of port ", quoted(p.name), " (vlan 0):\n");
            write(out, portPolicyLines(resolvePort(b, VlanId{0}, p.name)), "#   ");
        }
    }
    return out;
}

}  // namespace mcs::conf
