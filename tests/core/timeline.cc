#include "tests/core/timeline.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

using Tokens = std::vector<std::string>;

Tokens split(const std::string& line) {
    Tokens t;
    std::istringstream in(line);
    for (std::string w; in >> w;) t.push_back(w);
    return t;
}

struct Error {
    std::string what;
};

[[noreturn]] void fail(const std::string& what) { throw Error{what}; }

IpAddr addr(const std::string& s) {
    auto a = IpAddr::parse(s);
    if (!a) fail("bad address '" + s + "'");
    return *a;
}

std::vector<IpAddr> addrSet(const std::string& s) {
    if (s.size() < 2 || s.front() != '{' || s.back() != '}') fail("bad set '" + s + "'");
    std::vector<IpAddr> v;
    std::string body = s.substr(1, s.size() - 2);
    std::istringstream in(body);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) v.push_back(addr(item));
    return v;
}

Duration duration(const std::string& s) {
    size_t pos = 0;
    double v = 0;
    try {
        v = std::stod(s, &pos);
    } catch (...) {
        fail("bad time '" + s + "'");
    }
    const std::string unit = s.substr(pos);
    if (unit == "s") return milliseconds(static_cast<int64_t>(v * 1000));
    if (unit == "ms") return milliseconds(static_cast<int64_t>(v));
    if (unit == "m") return milliseconds(static_cast<int64_t>(v * 60000));
    fail("bad time unit '" + s + "'");
}

bool onOff(const std::string& s) {
    if (s == "on") return true;
    if (s == "off") return false;
    fail("expected on|off, got '" + s + "'");
}

uint32_t number(const std::string& s) {
    try {
        return static_cast<uint32_t>(std::stoul(s));
    } catch (...) {
        fail("bad number '" + s + "'");
    }
}

Family family(const std::string& s) {
    if (s == "ipv4") return Family::V4;
    if (s == "ipv6") return Family::V6;
    fail("expected ipv4|ipv6, got '" + s + "'");
}

RecordType recordType(const std::string& s) {
    static const std::map<std::string, RecordType> m{
        {"IS_IN", RecordType::IsInclude},       {"IS_EX", RecordType::IsExclude},
        {"TO_IN", RecordType::ToInclude},       {"TO_EX", RecordType::ToExclude},
        {"ALLOW", RecordType::AllowNewSources}, {"BLOCK", RecordType::BlockOldSources}};
    auto it = m.find(s);
    if (it == m.end()) fail("bad record type '" + s + "'");
    return it->second;
}

ProtoVersion version(const std::string& s) {
    static const std::map<std::string, ProtoVersion> m{
        {"igmpv1", ProtoVersion::IgmpV1}, {"igmpv2", ProtoVersion::IgmpV2}, {"igmpv3", ProtoVersion::IgmpV3},
        {"mldv1", ProtoVersion::MldV1},   {"mldv2", ProtoVersion::MldV2}};
    auto it = m.find(s);
    if (it == m.end()) fail("bad version '" + s + "'");
    return it->second;
}

// key=value option lookup in a token list.
std::optional<std::string> option(const Tokens& t, const std::string& key) {
    for (const auto& w : t)
        if (w.rfind(key + "=", 0) == 0) return w.substr(key.size() + 1);
    return std::nullopt;
}

std::string setText(const std::vector<IpAddr>& v) {
    std::string s = "{";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i].str();
    return s + "}";
}

const Snooper* gDumping = nullptr;
std::string_view dumpName(IfIndex i) { return gDumping ? gDumping->portName(i) : std::string_view("?"); }

class Runner {
public:
    std::vector<TimelineFailure> run(const std::string& text) {
        std::istringstream in(text);
        std::vector<std::string> lines;
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        for (size_t i = 0; i < lines.size(); ++i) {
            line_ = static_cast<int>(i + 1);
            Tokens t = split(lines[i]);
            if (t.empty() || t[0][0] == '#') continue;
            try {
                const std::string& cmd = t[0] == "at" && t.size() > 2 ? t[2] : t[0];
                if (cmd.rfind("expect-", 0) == 0 && cmd != "expect-verdict") {
                    std::vector<std::string> block;
                    size_t j = i + 1;
                    for (; j < lines.size() && split(lines[j]) != Tokens{"end"}; ++j) block.push_back(lines[j]);
                    if (j == lines.size()) fail("expect block without 'end'");
                    i = j;
                    statement(t, block);
                } else {
                    statement(t, {});
                }
            } catch (const Error& e) {
                failures_.push_back({line_, e.what});
            }
        }
        return failures_;
    }

private:
    Snooper& sn() {
        if (!sn_) sn_ = std::make_unique<Snooper>("br0", IfIndex{100}, VlanId{10}, cfg_);
        return *sn_;
    }
    IfIndex portId(const std::string& name) {
        auto it = ports_.find(name);
        if (it == ports_.end()) fail("unknown port '" + name + "'");
        return it->second;
    }

    void statement(Tokens tok, const std::vector<std::string>& block) {
        if (tok[0] == "at") {
            if (tok.size() < 3) fail("'at' needs a time and an action");
            const TimePoint when = t(0) + duration(tok[1]);
            if (when < now_) fail("time goes backwards");
            now_ = when;
            runUntil(sn(), now_);
            tok.erase(tok.begin(), tok.begin() + 2);
        }
        const std::string& cmd = tok[0];
        const Tokens args(tok.begin() + 1, tok.end());
        if (cmd == "config") return configure(args);
        if (cmd == "port" || cmd == "port-add") return addPort(args);
        if (cmd == "rx") return rx(args);
        if (cmd == "tick") return;
        if (cmd == "tcn") return sn().onTopologyChange(now_);
        if (cmd == "querier") return sn().setOwnQuerierActive(family(at(args, 0)), onOff(at(args, 1)), now_);
        if (cmd == "own-general-query") return sn().ownGeneralQuerySent(family(at(args, 0)), now_);
        if (cmd == "port-down") return sn().portDown(portId(at(args, 0)), now_);
        if (cmd == "port-up") return sn().portUp(portId(at(args, 0)), now_);
        if (cmd == "port-remove") return sn().portRemoved(portId(at(args, 0)), now_);
        if (cmd == "stp") {
            auto s = stpStateFromString(at(args, 1));
            if (!s) fail("bad STP state");
            return sn().portStpState(portId(at(args, 0)), *s, now_);
        }
        if (cmd == "expect-verdict") return expectVerdict(args);
        if (cmd == "expect-mdb") return compare("mdb", mdb(args), block);
        if (cmd == "expect-out") return compare("outbound", outbound(), block);
        if (cmd == "expect-events") return compare("events", events(), block);
        if (cmd == "expect-ports") return compare("ports", portsDump(), block);
        if (cmd == "expect-mrouters") return compare("mrouters", mrouters(family(at(args, 0))), block);
        if (cmd == "expect-group") return compare("group", groupDump(addr(at(args, 0))), block);
        fail("unknown command '" + cmd + "'");
    }

    static const std::string& at(const Tokens& t, size_t i) {
        if (i >= t.size()) fail("missing argument");
        return t[i];
    }

    void addPort(const Tokens& a) {
        PortStatus st;
        for (size_t i = 2; i < a.size(); ++i) {
            if (a[i] == "down") st.up = false;
            else if (auto s = option({a[i]}, "stp")) {
                auto v = stpStateFromString(*s);
                if (!v) fail("bad STP state");
                st.stp = *v;
            } else fail("bad port option '" + a[i] + "'");
        }
        const IfIndex id{static_cast<int>(number(at(a, 1)))};
        ports_[at(a, 0)] = id;
        sn().portAdded(id, at(a, 0), now_, st);
    }

    // ---- config ----
    void configure(const Tokens& a) {
        if (a.empty()) fail("empty config");
        if (a[0] == "port") {
            PortPolicy& p = cfg_.ports[at(a, 1)];
            portSetting(p, Tokens(a.begin() + 2, a.end()));
        } else {
            vlanSetting(a);
        }
        if (sn_) sn_->setConfig(cfg_, now_);
    }

    static GroupRange rangeOf(const Tokens& a, size_t i) {
        const std::string& r = at(a, i);
        const auto slash = r.find('/');
        GroupRange g{addr(r.substr(0, slash)), 0, std::nullopt};
        g.length = static_cast<uint8_t>(slash == std::string::npos ? g.prefix.size() * 8 : number(r.substr(slash + 1)));
        if (a.size() > i + 2 && a[i + 1] == "source") g.source = addr(a[i + 2]);
        return g;
    }

    static void filterSetting(GroupFilter& f, const Tokens& a) {
        (at(a, 0) == "deny" ? f.deny : at(a, 0) == "allow" ? f.allow : (fail("filter allow|deny"), f.deny))
            .push_back(rangeOf(a, 1));
    }

    static MaxGroups maxGroups(const Tokens& a, size_t i) {
        auto act = maxGroupsActionFromString(at(a, i + 1));
        if (!act) fail("bad max-groups action");
        return MaxGroups{number(at(a, i)), *act};
    }

    void portSetting(PortPolicy& p, const Tokens& a) {
        const std::string& k = at(a, 0);
        if (k == "immediate-leave") p.immediateLeave = onOff(at(a, 1));
        else if (k == "flood-reports") p.floodReports = onOff(at(a, 1));
        else if (k == "flood-unregistered") p.floodUnregistered = onOff(at(a, 1));
        else if (k == "tcn-flood") p.tcnFlood = onOff(at(a, 1));
        else if (k == "max-groups") p.maxGroups = maxGroups(a, 1);
        else if (k == "filter") {
            if (!p.filter) p.filter = GroupFilter{};
            filterSetting(*p.filter, Tokens(a.begin() + 1, a.end()));
        } else if (k == "mrouter") {
            auto m = mrouterModeFromString(at(a, 1));
            if (!m) fail("bad mrouter mode");
            p.mrouter = *m;
        } else fail("unknown port setting '" + k + "'");
    }

    void timersSetting(ProtocolTimers& pt, const Tokens& a) {
        for (size_t i = 1; i < a.size(); ++i) {
            const auto eq = a[i].find('=');
            const std::string k = a[i].substr(0, eq), v = a[i].substr(eq + 1);
            if (k == "rv") pt.robustness = static_cast<uint8_t>(number(v));
            else if (k == "qi") pt.queryInterval = duration(v);
            else if (k == "qri") pt.queryResponseInterval = duration(v);
            else if (k == "lmqi") pt.lastMemberQueryInterval = duration(v);
            else if (k == "lmqc") pt.lastMemberQueryCount = static_cast<uint8_t>(number(v));
            else fail("unknown timer '" + k + "'");
        }
    }

    void vlanSetting(const Tokens& a) {
        const std::string& k = a[0];
        VlanPolicy& v = cfg_.vlan;
        if (k == "immediate-leave") v.immediateLeave = onOff(at(a, 1));
        else if (k == "flood-unregistered") v.floodUnregistered = onOff(at(a, 1));
        else if (k == "flood-reports") v.floodReports = onOff(at(a, 1));
        else if (k == "filter") filterSetting(v.filter, Tokens(a.begin() + 1, a.end()));
        else if (k == "max-groups-port") v.maxGroupsPerPort = maxGroups(a, 1);
        else if (k == "max-groups-vlan") v.maxGroupsVlan = maxGroups(a, 1);
        else if (k == "static" || k == "no-static") {
            StaticGroup s{addr(at(a, 2)), std::nullopt, at(a, 1)};
            if (a.size() > 4 && a[3] == "source") s.source = addr(a[4]);
            auto& l = cfg_.staticGroups;
            if (k == "static") l.push_back(s);
            else l.erase(std::remove(l.begin(), l.end(), s), l.end());
        } else if (k == "tcn") {
            const std::string& w = at(a, 1);
            if (w == "flood") cfg_.tcn.flood = onOff(at(a, 2));
            else if (w == "query-solicit") cfg_.tcn.querySolicit = onOff(at(a, 2));
            else if (w == "root") cfg_.tcn.bridgeIsRoot = onOff(at(a, 2));
            else if (w == "count") cfg_.tcn.floodQueryCount = static_cast<uint8_t>(number(at(a, 2)));
            else fail("unknown tcn setting");
        } else if (k == "igmp") timersSetting(cfg_.igmp, a);
        else if (k == "mld") timersSetting(cfg_.mld, a);
        else if (k == "mrd-solicit") cfg_.mrouter.mrdSolicit = onOff(at(a, 1));
        else if (k == "track-all-link-scope-v6") cfg_.trackAllLinkScopeV6 = onOff(at(a, 1));
        else if (k == "limit") {
            Limits& l = cfg_.limits;
            const std::string& w = at(a, 1);
            const uint32_t n = number(at(a, 2));
            if (w == "groups-per-vlan") l.groupsPerVlan = n;
            else if (w == "groups-per-port") l.groupsPerPort = n;
            else if (w == "sources-per-group") l.sourcesPerGroup = n;
            else if (w == "sources-per-vlan") l.sourcesPerVlan = n;
            else if (w == "hosts-per-group-port") l.hostsPerGroupPort = n;
            else if (w == "records-per-report") l.recordsPerReport = n;
            else fail("unknown limit");
        } else fail("unknown setting '" + k + "'");
    }

    // ---- rx ----
    void rx(const Tokens& a) {
        const auto p = option(a, "port");
        if (!p) fail("rx needs port=");
        const IfIndex port = portId(*p);
        Tokens m(a.begin() + 1, a.end());
        last_ = sn().onMessage(port, message(m), now_);
    }

    wire::Decoded message(const Tokens& m) {
        const std::string& kind = at(m, 0);
        auto fromAt = [&](size_t i) {
            if (at(m, i) != "from") fail("expected 'from'");
            return addr(at(m, i + 1));
        };
        if (kind == "igmpv3" || kind == "mldv2") {
            const IpAddr from = fromAt(1);
            std::vector<wire::GroupRecord> recs;
            for (size_t i = 3; i < m.size();) {
                if (m[i] == ";") {
                    ++i;
                    continue;
                }
                recs.push_back({recordType(m[i]), addr(at(m, i + 1)), addrSet(at(m, i + 2))});
                i += 3;
            }
            return frame(from, wire::Report{version(kind), std::move(recs), 0});
        }
        if (kind == "igmpv1" || kind == "igmpv2" || kind == "mldv1") {
            const std::string& what = at(m, 1);
            const IpAddr g = addr(at(m, 2));
            const IpAddr from = fromAt(3);
            if (what == "report") return oldReport(version(kind), from, g);
            if (what == "leave" || what == "done") return leave(version(kind), from, g);
            fail("expected report|leave|done");
        }
        if (kind == "query") {
            const ProtoVersion v = version(at(m, 1));
            wire::Query q;
            q.version = v;
            q.group = IpAddr::unspecified(wire::familyOf(v));
            q.maxRespMs = 10000;
            const IpAddr from = fromAt(2);
            for (size_t i = 4; i < m.size(); ++i) {
                if (m[i] == "group") q.group = addr(at(m, ++i));
                else if (m[i] == "sources") q.sources = addrSet(at(m, ++i));
                else if (m[i] == "s") q.suppressRouterSide = true;
                else if (auto x = option({m[i]}, "mrt")) q.maxRespMs = static_cast<uint32_t>(duration(*x).count());
                else if (auto y = option({m[i]}, "qrv")) q.qrv = static_cast<uint8_t>(number(*y));
                else if (auto z = option({m[i]}, "qqi")) q.qqiSec = number(*z);
                else if (m[i].rfind("port=", 0) != 0) fail("bad query option '" + m[i] + "'");
            }
            return frame(from, q);
        }
        if (kind == "pim") {
            auto h = option(m, "holdtime");
            return pimHello(fromAt(1), static_cast<uint16_t>(h ? number(*h) : 105));
        }
        if (kind == "mrd-adv") {
            auto iv = option(m, "interval");
            return frame(fromAt(1), wire::MrdAdvertisement{static_cast<uint8_t>(iv ? number(*iv) : 20), 125, 2});
        }
        if (kind == "mrd-term") return frame(fromAt(1), wire::MrdTermination{});
        if (kind == "bpdu") return bpduTc();
        fail("unknown message '" + kind + "'");
    }

    // ---- expectations ----
    void expectVerdict(const Tokens& a) {
        if (!last_) fail("no rx before expect-verdict");
        std::string got = std::string(to_string(last_->action));
        if (last_->action == RxAction::Forward)
            for (IfIndex p : last_->ports) got += " " + std::string(sn().portName(p));
        if (last_->action == RxAction::Drop) got += " " + std::string(to_string(last_->reason));
        std::string want;
        for (const auto& w : a) want += (want.empty() ? "" : " ") + w;
        if (got != want) fail("verdict: got '" + got + "', want '" + want + "'");
    }

    void compare(const std::string& what, const std::string& got, const std::vector<std::string>& block) {
        std::string want;
        for (const auto& l : block) {
            const Tokens t = split(l);
            if (t.empty()) continue;
            for (size_t i = 0; i < t.size(); ++i) want += (i ? " " : "") + t[i];
            want += '\n';
        }
        std::string norm;
        std::istringstream in(got);
        for (std::string l; std::getline(in, l);) {
            const Tokens t = split(l);
            for (size_t i = 0; i < t.size(); ++i) norm += (i ? " " : "") + t[i];
            if (!t.empty()) norm += '\n';
        }
        if (norm != want) fail(what + " differs\n--- got:\n" + norm + "--- want:\n" + want);
    }

    std::string mdb(const Tokens& a) {
        KernelCaps caps;
        if (!a.empty()) {
            if (a[0] == "sg") caps.srcList = false;
            else if (a[0] == "asm") caps = KernelCaps{false, false, 31};
            else if (a[0] != "srclist") fail("caps: srclist|sg|asm");
        }
        gDumping = &sn();
        std::string s = dump(sn().desiredMdb(caps), dumpName);
        gDumping = nullptr;
        return s;
    }

    std::string name(IfIndex p) { return std::string(sn().portName(p)); }
    std::string when(TimePoint x) const {
        const auto ms = std::chrono::duration_cast<milliseconds>(x - t(0)).count();
        std::ostringstream o;
        o << static_cast<double>(ms) / 1000.0 << "s";
        return o.str();
    }

    std::string outbound() {
        std::string s;
        for (const auto& o : sn().takeOutbound()) {
            const std::string where = o.port ? "port=" + name(*o.port) : "vlan";
            std::visit(
                [&](const auto& m) {
                    using T = std::decay_t<decltype(m)>;
                    if constexpr (std::is_same_v<T, GroupQueryRequest>)
                        s += "group-query " + where + " " + std::string(to_string(m.mode)) + " " + m.group.str() +
                             " " + setText(m.sources) + " s=" + (m.suppressRouterSide ? "1" : "0") + "\n";
                    else if constexpr (std::is_same_v<T, QuerySolicitation>)
                        s += "query-solicitation " + where + " " + std::string(to_string(m.family)) + "\n";
                    else if constexpr (std::is_same_v<T, GeneralQueryRequest>)
                        s += "general-query " + where + " " + std::string(to_string(m.family)) + "\n";
                    else
                        s += "mrd-solicitation " + where + " " + std::string(to_string(m.family)) + "\n";
                },
                o.msg);
        }
        return s;
    }

    std::string events() {
        std::string s;
        for (const auto& e : sn().takeEvents()) {
            std::visit(
                [&](const auto& m) {
                    using T = std::decay_t<decltype(m)>;
                    if constexpr (std::is_same_v<T, GroupJoined>)
                        s += "joined " + m.group.str() + " " + name(m.port) + " " + std::string(to_string(m.origin)) + "\n";
                    else if constexpr (std::is_same_v<T, GroupLeft>)
                        s += "left " + m.group.str() + " " + name(m.port) + " " + std::string(to_string(m.reason)) + "\n";
                    else if constexpr (std::is_same_v<T, MrouterPortChanged>)
                        s += "mrouter " + name(m.port) + " " + std::string(to_string(m.family)) + (m.on ? " on " : " off ") +
                             std::string(to_string(m.origin)) + "\n";
                    else if constexpr (std::is_same_v<T, FloodStarted>)
                        s += "flood-start\n";
                    else
                        s += "flood-end " + std::string(to_string(m.reason)) + "\n";
                },
                e);
        }
        return s;
    }

    std::string portsDump() {
        std::string s;
        for (const auto& p : sn().desiredPorts())
            s += name(p.port) + " router=" + (p.mcastRouter ? "1" : "0") + " flood=" + (p.floodUnregistered ? "1" : "0") + "\n";
        return s;
    }

    std::string mrouters(Family f) {
        std::string s;
        for (const auto& m : sn().mrouterPorts(f)) {
            s += m.portName;
            for (const auto& e : m.evidence)
                s += " " + std::string(to_string(e.origin)) + (e.expiry ? "@" + when(*e.expiry) : "");
            s += "\n";
        }
        return s;
    }

    std::string groupDump(const IpAddr& g) {
        auto info = sn().group(g);
        if (!info) return "none\n";
        std::string s;
        for (const auto& p : info->ports) {
            s += p.portName + " " + std::string(to_string(p.origin)) + " " + std::string(to_string(p.mode)) + " " +
                 std::string(to_string(p.compat));
            if (p.groupTimer) s += " timer@" + when(*p.groupTimer);
            for (const auto& src : p.sources)
                s += " " + src.addr.str() + (src.isStatic ? "(static)" : src.expiry ? "@" + when(*src.expiry) : "@0");
            s += "\n";
        }
        return s;
    }

    SnooperConfig cfg_;
    std::unique_ptr<Snooper> sn_;
    std::map<std::string, IfIndex> ports_;
    TimePoint now_ = t(0);
    std::optional<RxVerdict> last_;
    int line_ = 0;
    std::vector<TimelineFailure> failures_;
};

}  // namespace

std::vector<TimelineFailure> runTimeline(const std::string& text) { return Runner().run(text); }

}  // namespace mcs::core::test
