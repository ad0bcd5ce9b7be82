// mcsnoopctl: command-line client of mcsnoopd. It talks only D-Bus (org.mcsnoopd on
// the system bus, DBUS_SYSTEM_BUS_ADDRESS or --bus-address), reads through the
// Describe() JSON documents and changes things through the Bridge1/Vlan1/Manager1
// methods. Exit status: 0 done, 1 error (the D-Bus error name and message are
// printed), 2 usage. Manual: packaging/man/mcsnoopctl.8; API: docs/dbus.md.
#include <sdbus-c++/sdbus-c++.h>

#include <charconv>
#include <functional>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/daemon/json.h"
#include "agent/daemon/object_paths.h"
#include "dbus/ctl/table.h"
#include "version.h"

namespace {

using mcs::ctl::formatTimer;
using mcs::ctl::Table;
namespace json = mcs::json;

constexpr const char* kService = "org.mcsnoopd";
constexpr const char* kRoot = "/org/mcsnoopd";
constexpr const char* kManager = "org.mcsnoopd.Manager1";
constexpr const char* kBridge = "org.mcsnoopd.Bridge1";
constexpr const char* kVlan = "org.mcsnoopd.Vlan1";

struct UsageError {
    std::string message;
};
struct Failure {
    std::string message;
};

const char* kUsage = R"(usage: mcsnoopctl [OPTIONS] COMMAND

Options:
  -j, --json             JSON output for show and monitor (docs/dbus.md)
  -p, --pretty           indent JSON output
  --bus-address ADDRESS  D-Bus address (default: DBUS_SYSTEM_BUS_ADDRESS, else the system bus)
  -h, --help             this text
  -V, --version

Commands:
  show groups|mrouters|querier|counters|bridges [BRIDGE] [vlan N]
  describe [BRIDGE [vlan N]]                 the daemon's JSON document
  set BRIDGE [vlan N] SETTING...             runtime overrides, one or more of:
      snooping on|off
      immediate-leave on|off
      max-groups N [deny|replace]            (0: no limit)
      filter none | filter allow|deny PREFIX[/LEN] [source S] ...
      querier on|off [address A] [address6 A] [igmp-version 2|3] [mld-version 1|2]
              [interval SECONDS] [response-interval MS] [robustness N]
      reset                                  drop this scope's overrides
  add|del static-group BRIDGE [vlan N] GROUP [source S] port PORT
  add|del mrouter BRIDGE [vlan N] port PORT
  flush BRIDGE [vlan N]
  topology-change BRIDGE [vlan N...]
  reload [keep-overrides]
  monitor                                    print signals until interrupted
)";

struct Options {
    bool json = false;
    bool pretty = false;
    std::optional<std::string> busAddress;
};

// ---------------------------------------------------------------- arguments

class Args {
public:
    explicit Args(std::vector<std::string> a) : a_(std::move(a)) {}
    bool done() const { return i_ >= a_.size(); }
    const std::string* peek() const { return done() ? nullptr : &a_[i_]; }
    bool accept(std::string_view word) {
        if (done() || a_[i_] != word) return false;
        ++i_;
        return true;
    }
    std::string next(std::string_view what) {
        if (done()) throw UsageError{"missing " + std::string(what)};
        return a_[i_++];
    }
    void finish() const {
        if (!done()) throw UsageError{"unexpected argument '" + a_[i_] + "'"};
    }

private:
    std::vector<std::string> a_;
    size_t i_ = 0;
};

uint32_t parseNumber(const std::string& s, std::string_view what, uint64_t max) {
    uint64_t v = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v > max)
        throw UsageError{std::string(what) + " '" + s + "' is not a number in 0.." + std::to_string(max)};
    return static_cast<uint32_t>(v);
}

bool parseOnOff(const std::string& s) {
    if (s == "on") return true;
    if (s == "off") return false;
    throw UsageError{"expected on or off, got '" + s + "'"};
}

// BRIDGE [vlan N]
struct Target {
    std::string bridge;
    std::optional<uint16_t> vid;
};

Target parseTarget(Args& a, bool bridgeRequired) {
    Target t;
    if (const std::string* p = a.peek(); p && *p != "vlan")
        t.bridge = a.next("bridge");
    else if (bridgeRequired)
        throw UsageError{"missing bridge"};
    if (a.accept("vlan")) {
        if (t.bridge.empty()) throw UsageError{"vlan needs a bridge"};
        t.vid = static_cast<uint16_t>(parseNumber(a.next("VLAN id"), "VLAN id", 4094));
    }
    return t;
}

// ---------------------------------------------------------------- D-Bus

class Client {
public:
    explicit Client(const Options& o) {
        conn_ = o.busAddress ? sdbus::createSessionBusConnectionWithAddress(*o.busAddress)
                             : sdbus::createSystemBusConnection();
    }

    sdbus::IConnection& connection() { return *conn_; }

    sdbus::IProxy& proxy(const std::string& path) {
        auto& p = proxies_[path];
        if (!p) p = sdbus::createProxy(*conn_, kService, path);
        return *p;
    }

    // The object path and interface of a target (the daemon checks the names).
    std::pair<std::string, const char*> resolve(const Target& t) {
        sdbus::ObjectPath path;
        if (t.vid) {
            proxy(kRoot).callMethod("GetVlan").onInterface(kManager).withArguments(t.bridge, *t.vid).storeResultsTo(path);
            return {path, kVlan};
        }
        proxy(kRoot).callMethod("GetBridgeByName").onInterface(kManager).withArguments(t.bridge).storeResultsTo(path);
        return {path, kBridge};
    }

    // The bridges of the target as JSON objects (schema "bridge", docs/dbus.md),
    // VLANs narrowed to the target's.
    std::vector<json::Value> bridges(const Target& t) {
        std::string text;
        std::vector<json::Value> out;
        if (t.bridge.empty()) {
            proxy(kRoot).callMethod("Describe").onInterface(kManager).storeResultsTo(text);
            auto doc = parse(text);
            for (const auto& b : doc["bridges"].items()) out.push_back(b);
            return out;
        }
        auto [path, iface] = resolve(t);
        auto bridgePath = t.vid ? path.substr(0, path.rfind("/vlan/")) : path;
        proxy(bridgePath).callMethod("Describe").onInterface(kBridge).storeResultsTo(text);
        auto b = parse(text);
        if (t.vid) {
            json::Value only = json::Value::array();
            for (const auto& v : b["vlans"].items())
                if (v["vid"].u64() == *t.vid) only.push(v);
            b["vlans"] = only;
        }
        out.push_back(std::move(b));
        return out;
    }

    static json::Value parse(const std::string& text) {
        auto v = json::parse(text);
        if (!v) throw Failure{"mcsnoopd sent bad JSON: " + v.error()};
        return *v;
    }

private:
    std::unique_ptr<sdbus::IConnection> conn_;
    std::map<std::string, std::unique_ptr<sdbus::IProxy>> proxies_;
};

// ---------------------------------------------------------------- show

void emit(const Options& o, const json::Value& v) { std::cout << v.dump(o.pretty ? 2 : -1) << '\n'; }

void showGroups(const Options& o, const std::vector<json::Value>& bridges) {
    json::Value rows = json::Value::array();
    Table t({"BRIDGE", "VLAN", "GROUP", "PORT", "ORIGIN", "MODE", "TIMER", "COMPAT", "SOURCES"});
    for (const auto& b : bridges)
        for (const auto& v : b["vlans"].items()) {
            // Describe lists the first groups of a very large VLAN only (docs/dbus.md).
            if (v["groups_truncated"].boolean())
                std::cerr << "mcsnoopctl: bridge " << b["name"].str() << " vlan " << v["vid"].str() << ": "
                          << v["groups"].items().size() << " of " << v["groups_total"].str()
                          << " groups shown (the VLAN's GetGroups D-Bus method lists all)\n";
            for (const auto& g : v["groups"].items())
                for (const auto& p : g["ports"].items()) {
                    json::Value r;
                    r["bridge"] = b["name"];
                    r["vlan"] = v["vid"];
                    r["group"] = g["group"];
                    for (const auto& [k, val] : p.members()) r[k] = val;
                    rows.push(r);
                    std::string sources;
                    for (const auto& s : p["sources"].items()) {
                        if (!sources.empty()) sources += ",";
                        auto timer = s["timer_ms"].u64();
                        sources += s["address"].str() + "/" +
                                   (s["static"].boolean() ? "static" : timer ? formatTimer(timer) : "blocked");
                    }
                    t.add({b["name"].str(), v["vid"].str(), g["group"].str(), p["port"].str(), p["origin"].str(),
                           p["mode"].str(), formatTimer(p["timer_ms"].u64()), p["compat"].str(),
                           sources.empty() ? "-" : sources});
                }
        }
    if (o.json) return emit(o, rows);
    t.print(std::cout);
}

void showMrouters(const Options& o, const std::vector<json::Value>& bridges) {
    json::Value rows = json::Value::array();
    Table t({"BRIDGE", "VLAN", "PORT", "FAMILY", "ORIGIN", "TIMER"});
    for (const auto& b : bridges)
        for (const auto& v : b["vlans"].items())
            for (const auto& m : v["mrouter_ports"].items())
                for (const auto& e : m["origins"].items()) {
                    json::Value r;
                    r["bridge"] = b["name"];
                    r["vlan"] = v["vid"];
                    r["port"] = m["port"];
                    r["family"] = m["family"];
                    r["origin"] = e["origin"];
                    r["timer_ms"] = e["timer_ms"];
                    rows.push(r);
                    t.add({b["name"].str(), v["vid"].str(), m["port"].str(), m["family"].str(), e["origin"].str(),
                           formatTimer(e["timer_ms"].u64())});
                }
    if (o.json) return emit(o, rows);
    t.print(std::cout);
}

void showQuerier(const Options& o, const std::vector<json::Value>& bridges) {
    json::Value rows = json::Value::array();
    Table t({"BRIDGE", "VLAN", "FAMILY", "STATE", "ELECTED", "VERSION", "NEXT-QUERY", "OTHER-QUERIER"});
    for (const auto& b : bridges)
        for (const auto& v : b["vlans"].items())
            for (const char* fam : {"ipv4", "ipv6"}) {
                const auto& q = v["querier"][fam];
                if (q.isNull()) continue;
                json::Value r;
                r["bridge"] = b["name"];
                r["vlan"] = v["vid"];
                r["family"] = fam;
                for (const auto& [k, val] : q.members()) r[k] = val;
                rows.push(r);
                std::string state = q["state"].str();
                if (q["inactive_reason"].str() != "none") state += " (" + q["inactive_reason"].str() + ")";
                std::string elected = "-";
                if (q["elected"].isObject())
                    elected = q["elected"]["address"].str() + (q["elected"]["self"].boolean() ? " (us)" : "");
                t.add({b["name"].str(), v["vid"].str(), fam, state, elected, q["operating_version"].str(),
                       formatTimer(q["next_general_query_ms"].u64()), formatTimer(q["other_querier_present_ms"].u64())});
            }
    if (o.json) return emit(o, rows);
    t.print(std::cout);
}

void showCounters(const Options& o, const std::vector<json::Value>& bridges, bool bridgeLevel) {
    json::Value rows = json::Value::array();
    auto block = [&](const std::string& title, const json::Value& counters) {
        std::cout << title << ":\n";
        Table t({});
        for (const auto& [k, v] : counters.members())
            if (v.u64()) t.add({"  " + k, v.str()});
        if (t.empty())
            std::cout << "  (all zero)\n";
        else
            t.print(std::cout);
    };
    for (const auto& b : bridges) {
        if (bridgeLevel) {
            json::Value r;
            r["bridge"] = b["name"];
            r["vlan"] = json::Value();
            r["counters"] = b["counters"];
            rows.push(r);
            if (!o.json) block("bridge " + b["name"].str(), b["counters"]);
        }
        for (const auto& v : b["vlans"].items()) {
            json::Value r;
            r["bridge"] = b["name"];
            r["vlan"] = v["vid"];
            r["counters"] = v["counters"];
            rows.push(r);
            if (!o.json) block("bridge " + b["name"].str() + " vlan " + v["vid"].str(), v["counters"]);
        }
    }
    if (o.json) emit(o, rows);
}

void showBridges(const Options& o, const std::vector<json::Value>& bridges) {
    json::Value rows = json::Value::array();
    Table t({"BRIDGE", "IFINDEX", "VLANS", "PORTS", "OVERRIDES"});
    for (const auto& b : bridges) {
        json::Value r;
        r["bridge"] = b["name"];
        r["ifindex"] = b["ifindex"];
        auto& vl = r["vlans"] = json::Value::array();
        std::string vlans, ports, overrides;
        for (const auto& v : b["vlans"].items()) {
            vl.push(v["vid"]);
            vlans += (vlans.empty() ? "" : ",") + v["vid"].str();
        }
        r["ports"] = b["ports"];
        for (const auto& p : b["ports"].items())
            ports += (ports.empty() ? "" : ",") + p["name"].str() + (p["up"].boolean() ? "" : "(down)");
        r["overrides"] = b["overrides"];
        for (const auto& n : b["overrides"].items()) overrides += (overrides.empty() ? "" : ",") + n.str();
        rows.push(r);
        t.add({b["name"].str(), b["ifindex"].str(), vlans.empty() ? "-" : vlans, ports.empty() ? "-" : ports,
               overrides.empty() ? "-" : overrides});
    }
    if (o.json) return emit(o, rows);
    t.print(std::cout);
}

int cmdShow(const Options& o, Args& a) {
    std::string what = a.next("what to show (groups, mrouters, querier, counters, bridges)");
    Target t = parseTarget(a, false);
    a.finish();
    if (what != "groups" && what != "mrouters" && what != "querier" && what != "counters" && what != "bridges")
        throw UsageError{"cannot show '" + what + "'"};
    Client c(o);
    auto bridges = c.bridges(t);
    if (what == "groups") showGroups(o, bridges);
    else if (what == "mrouters") showMrouters(o, bridges);
    else if (what == "querier") showQuerier(o, bridges);
    else if (what == "counters") showCounters(o, bridges, !t.vid);
    else showBridges(o, bridges);
    return 0;
}

int cmdDescribe(const Options& o, Args& a) {
    Target t = parseTarget(a, false);
    a.finish();
    Client c(o);
    std::string text;
    if (t.bridge.empty()) {
        c.proxy(kRoot).callMethod("Describe").onInterface(kManager).storeResultsTo(text);
    } else {
        auto [path, iface] = c.resolve(t);
        c.proxy(path).callMethod("Describe").onInterface(iface).storeResultsTo(text);
    }
    std::cout << Client::parse(text).dump(o.pretty ? 2 : -1) << '\n';
    return 0;
}

// ---------------------------------------------------------------- changes

using FilterRule = sdbus::Struct<std::string, std::string, uint8_t, std::string>;

std::vector<FilterRule> parseFilter(Args& a) {
    std::vector<FilterRule> rules;
    if (a.accept("none")) return rules;
    while (const std::string* p = a.peek()) {
        if (*p != "allow" && *p != "deny") break;
        std::string action = a.next("filter action");
        std::string prefix = a.next("filter prefix");
        uint8_t len = prefix.find(':') == std::string::npos ? 32 : 128;
        if (auto slash = prefix.find('/'); slash != std::string::npos) {
            len = static_cast<uint8_t>(parseNumber(prefix.substr(slash + 1), "prefix length", 128));
            prefix.resize(slash);
        }
        std::string source;
        if (a.accept("source")) source = a.next("filter source");
        rules.emplace_back(action, prefix, len, source);
    }
    if (rules.empty()) throw UsageError{"filter needs 'none' or rules: allow|deny PREFIX[/LEN] [source S]"};
    return rules;
}

std::map<std::string, sdbus::Variant> parseQuerier(Args& a) {
    std::map<std::string, sdbus::Variant> s;
    s["Enabled"] = parseOnOff(a.next("on or off"));
    for (;;) {
        if (a.accept("address")) {
            std::string addr = a.next("address");
            s[addr.find(':') == std::string::npos ? "Address" : "Address6"] = addr;
        } else if (a.accept("address6")) {
            s["Address6"] = a.next("address");
        } else if (a.accept("igmp-version")) {
            s["IgmpVersion"] = parseNumber(a.next("IGMP version"), "IGMP version", 3);
        } else if (a.accept("mld-version")) {
            s["MldVersion"] = parseNumber(a.next("MLD version"), "MLD version", 2);
        } else if (a.accept("interval")) {
            s["QueryInterval"] = parseNumber(a.next("query interval"), "query interval", 31744);
        } else if (a.accept("response-interval")) {
            s["QueryResponseInterval"] =
                parseNumber(a.next("query response interval"), "query response interval", 0xffffffff);
        } else if (a.accept("robustness")) {
            s["Robustness"] = parseNumber(a.next("robustness"), "robustness", 255);
        } else {
            return s;
        }
    }
}

int cmdSet(const Options& o, Args& a) {
    Target t = parseTarget(a, true);
    if (a.done()) throw UsageError{"set needs a setting"};
    // Parse everything first: a usage error must not leave half of it applied.
    std::vector<std::function<void(sdbus::IProxy&, const char*)>> calls;
    while (!a.done()) {
        std::string what = a.next("setting");
        if (what == "snooping" || what == "immediate-leave") {
            bool on = parseOnOff(a.next("on or off"));
            const char* method = what == "snooping" ? "SetSnooping" : "SetImmediateLeave";
            calls.push_back([=](sdbus::IProxy& p, const char* i) { p.callMethod(method).onInterface(i).withArguments(on); });
        } else if (what == "max-groups") {
            uint32_t n = parseNumber(a.next("max-groups limit"), "max-groups limit", 0xffffffff);
            std::string action = "deny";
            if (const std::string* p = a.peek(); p && (*p == "deny" || *p == "replace")) action = a.next("action");
            calls.push_back([=](sdbus::IProxy& p, const char* i) {
                p.callMethod("SetMaxGroups").onInterface(i).withArguments(n, action);
            });
        } else if (what == "filter") {
            auto rules = parseFilter(a);
            calls.push_back([=](sdbus::IProxy& p, const char* i) { p.callMethod("SetFilter").onInterface(i).withArguments(rules); });
        } else if (what == "querier") {
            auto s = parseQuerier(a);
            calls.push_back([=](sdbus::IProxy& p, const char* i) { p.callMethod("SetQuerier").onInterface(i).withArguments(s); });
        } else if (what == "reset") {
            calls.push_back([](sdbus::IProxy& p, const char* i) { p.callMethod("ResetOverrides").onInterface(i); });
        } else {
            throw UsageError{"unknown setting '" + what + "'"};
        }
    }
    Client c(o);
    auto [path, iface] = c.resolve(t);
    for (auto& call : calls) call(c.proxy(path), iface);
    return 0;
}

int cmdStatic(const Options& o, Args& a, bool add) {
    std::string kind = a.next("static-group or mrouter");
    if (kind != "static-group" && kind != "mrouter") throw UsageError{"cannot add or delete '" + kind + "'"};
    Target t = parseTarget(a, true);
    std::string group, source;
    if (kind == "static-group") {
        group = a.next("group");
        if (a.accept("source")) source = a.next("source");
    }
    if (!a.accept("port")) throw UsageError{"missing 'port PORT'"};
    std::string port = a.next("port");
    a.finish();
    Client c(o);
    auto [path, iface] = c.resolve(t);
    if (kind == "static-group")
        c.proxy(path).callMethod(add ? "AddStaticGroup" : "RemoveStaticGroup").onInterface(iface)
            .withArguments(group, source, port);
    else
        c.proxy(path).callMethod(add ? "AddMrouterPort" : "RemoveMrouterPort").onInterface(iface).withArguments(port);
    return 0;
}

int cmdFlush(const Options& o, Args& a) {
    Target t = parseTarget(a, true);
    a.finish();
    Client c(o);
    auto [path, iface] = c.resolve(t);
    c.proxy(path).callMethod("FlushGroups").onInterface(iface);
    return 0;
}

int cmdTopologyChange(const Options& o, Args& a) {
    std::string bridge = a.next("bridge");
    std::vector<uint16_t> vids;
    if (a.accept("vlan")) {
        vids.push_back(static_cast<uint16_t>(parseNumber(a.next("VLAN id"), "VLAN id", 4094)));
        while (!a.done()) {
            a.accept("vlan");
            vids.push_back(static_cast<uint16_t>(parseNumber(a.next("VLAN id"), "VLAN id", 4094)));
        }
    }
    a.finish();
    Client c(o);
    c.proxy(kRoot).callMethod("TopologyChanged").onInterface(kManager).withArguments(bridge, vids);
    return 0;
}

int cmdReload(const Options& o, Args& a) {
    bool keep = a.accept("keep-overrides");
    a.finish();
    Client c(o);
    c.proxy(kRoot).callMethod("Reload").onInterface(kManager).withArguments(keep);
    return 0;
}

// ---------------------------------------------------------------- monitor

// "/org/mcsnoopd/bridge/br_2dlan/vlan/10" -> "bridge br-lan vlan 10"
std::string describePath(const std::string& path) {
    std::string prefix = std::string(kRoot) + "/bridge/";
    if (path.rfind(prefix, 0) != 0) return path;
    std::string rest = path.substr(prefix.size());
    std::string out = "bridge " + mcs::daemon::unescapePathLabel(rest.substr(0, rest.find('/')));
    if (auto v = rest.find("/vlan/"); v != std::string::npos) out += " vlan " + rest.substr(v + 6);
    return out;
}

int cmdMonitor(const Options& o, Args& a) {
    a.finish();
    Client c(o);
    auto print = [&](json::Value j, const std::string& text) {
        if (o.json)
            std::cout << j.dump(o.pretty ? 2 : -1) << '\n';
        else
            std::cout << text << '\n';
        std::cout.flush();
    };
    auto handler = [&](sdbus::Message& m) {
        try {
            const std::string member = m.getMemberName();
            const std::string path = m.getPath();
            json::Value j;
            j["signal"] = member;
            j["path"] = path;
            std::string where = describePath(path);
            if (member == "GroupJoined" || member == "GroupLeft") {
                std::string bridge, group, port, why;
                uint16_t vid = 0;
                m >> bridge >> vid >> group >> port >> why;
                j["bridge"] = bridge;
                j["vlan"] = vid;
                j["group"] = group;
                j["port"] = port;
                j[member == "GroupJoined" ? "origin" : "reason"] = why;
                print(j, where + ": group " + group + (member == "GroupJoined" ? " joined on " : " left on ") + port +
                             " (" + why + ")");
            } else if (member == "MrouterPortChanged") {
                std::string bridge, port, family, origin;
                uint16_t vid = 0;
                bool on = false;
                m >> bridge >> vid >> port >> family >> on >> origin;
                j["bridge"] = bridge;
                j["vlan"] = vid;
                j["port"] = port;
                j["family"] = family;
                j["is_router"] = on;
                j["origin"] = origin;
                print(j, where + ": " + family + " mrouter port " + port + (on ? " on" : " off") + " (" + origin + ")");
            } else if (member == "QuerierChanged") {
                std::string bridge, family, state, elected, version;
                uint16_t vid = 0;
                bool self = false;
                m >> bridge >> vid >> family >> state >> elected >> self >> version;
                j["bridge"] = bridge;
                j["vlan"] = vid;
                j["family"] = family;
                j["state"] = state;
                j["elected"] = elected;
                j["elected_is_self"] = self;
                j["version"] = version;
                print(j, where + ": " + family + " querier " + state + ", elected " +
                             (elected.empty() ? std::string("none") : elected + (self ? " (us)" : "")) + ", " + version);
            } else if (member == "PropertiesChanged") {
                std::string iface;
                std::map<std::string, sdbus::Variant> changed;
                m >> iface >> changed;
                auto& names = j["properties"] = json::Value::array();
                std::string list;
                for (const auto& [k, v] : changed) {
                    names.push(k);
                    list += (list.empty() ? "" : ", ") + k;
                }
                print(j, where + ": changed " + list);
            } else if (member == "InterfacesAdded" || member == "InterfacesRemoved") {
                sdbus::ObjectPath obj;
                m >> obj;
                j["object"] = std::string(obj);
                print(j, describePath(obj) + (member == "InterfacesAdded" ? ": appeared" : ": gone"));
            } else if (member == "NameOwnerChanged") {
                std::string name, from, to;
                m >> name >> from >> to;
                j["owner"] = to;
                print(j, to.empty() ? "mcsnoopd left the bus" : "mcsnoopd is on the bus");
            }
        } catch (const sdbus::Error& e) {
            std::cerr << "mcsnoopctl: cannot read signal: " << e.getMessage() << '\n';
        }
    };
    auto& conn = c.connection();
    conn.addMatch("type='signal',sender='org.mcsnoopd'", handler, sdbus::floating_slot);
    conn.addMatch("type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='org.mcsnoopd'", handler,
                  sdbus::floating_slot);
    if (!o.json) std::cout << "monitoring mcsnoopd (Ctrl-C stops)\n" << std::flush;
    conn.enterEventLoop();
    return 0;
}

int run(int argc, char** argv) {
    Options o;
    std::vector<std::string> rest;
    int i = 1;
    for (; i < argc; ++i) {
        std::string s = argv[i];
        if (s == "-j" || s == "--json") {
            o.json = true;
        } else if (s == "-p" || s == "--pretty") {
            o.pretty = true;
        } else if (s == "--bus-address") {
            if (++i >= argc) throw UsageError{"--bus-address needs an address"};
            o.busAddress = argv[i];
        } else if (s.rfind("--bus-address=", 0) == 0) {
            o.busAddress = s.substr(14);
        } else if (s == "-h" || s == "--help") {
            std::cout << kUsage;
            return 0;
        } else if (s == "-V" || s == "--version") {
            std::cout << "mcsnoopctl " << MCS_VERSION << '\n';
            return 0;
        } else if (!s.empty() && s[0] == '-') {
            throw UsageError{"unknown option '" + s + "'"};
        } else {
            break;
        }
    }
    for (; i < argc; ++i) rest.emplace_back(argv[i]);
    Args a(std::move(rest));
    std::string cmd = a.next("command");
    if (cmd == "show") return cmdShow(o, a);
    if (cmd == "describe") return cmdDescribe(o, a);
    if (cmd == "set") return cmdSet(o, a);
    if (cmd == "add") return cmdStatic(o, a, true);
    if (cmd == "del" || cmd == "delete") return cmdStatic(o, a, false);
    if (cmd == "flush") return cmdFlush(o, a);
    if (cmd == "topology-change") return cmdTopologyChange(o, a);
    if (cmd == "reload") return cmdReload(o, a);
    if (cmd == "monitor") return cmdMonitor(o, a);
    if (cmd == "help") {
        std::cout << kUsage;
        return 0;
    }
    throw UsageError{"unknown command '" + cmd + "'"};
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "mcsnoopctl: " << e.message << "\nTry 'mcsnoopctl --help'.\n";
        return 2;
    } catch (const sdbus::Error& e) {
        std::cerr << "mcsnoopctl: " << e.getName() << ": " << e.getMessage() << '\n';
        return 1;
    } catch (const Failure& e) {
        std::cerr << "mcsnoopctl: " << e.message << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "mcsnoopctl: " << e.what() << '\n';
        return 1;
    }
}
