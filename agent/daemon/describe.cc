#include "agent/daemon/describe.h"

#include <algorithm>

#include "agent/daemon/bridge_runtime.h"
#include "agent/daemon/daemon.h"
#include "version.h"

namespace mcs::daemon {

namespace {

constexpr Family kFamilies[] = {Family::V4, Family::V6};

json::Value orNull(const std::string& s) { return s.empty() ? json::Value() : json::Value(s); }

json::Value countersJson(const std::vector<std::pair<std::string, uint64_t>>& list) {
    json::Value o = json::Value::object();
    for (const auto& [k, v] : list) o[k] = v;
    return o;
}

bool isRuntimeStatic(const Control& c, const std::string& bridge, VlanId vid, const core::StaticGroup& g) {
    for (const Overrides* o : {c.overrides(Scope{bridge, std::nullopt}), c.overrides(Scope{bridge, vid})})
        if (o && o->staticGroups.count(g)) return true;
    return false;
}

bool isRuntimeMrouter(const Control& c, const std::string& bridge, VlanId vid, const std::string& port) {
    for (const Overrides* o : {c.overrides(Scope{bridge, std::nullopt}), c.overrides(Scope{bridge, vid})})
        if (o && o->mrouterPorts.count(port)) return true;
    return false;
}

std::vector<FilterRow> filterRows(const core::GroupFilter& f) {
    std::vector<FilterRow> out;
    for (bool allow : {true, false})
        for (const auto& r : allow ? f.allow : f.deny)
            out.push_back(FilterRow{Control::filterRuleAction(allow), r.prefix.str(), r.length,
                                    r.source ? r.source->str() : std::string()});
    return out;
}

QuerierSummary summary(const querier::Querier& q) {
    QuerierSummary s;
    s.state = std::string(querier::to_string(q.state()));
    s.inactiveReason = std::string(querier::to_string(q.inactiveReason()));
    if (auto e = q.electedQuerier()) {
        s.elected = e->address.str();
        s.electedIsSelf = e->self;
    }
    s.version = std::string(wire::to_string(q.operatingVersion()));
    return s;
}

uint64_t ms(Duration d) { return static_cast<uint64_t>(std::max<int64_t>(d.count(), 0)); }

}  // namespace

uint64_t remainingMs(std::optional<TimePoint> t, TimePoint now) {
    if (!t) return 0;
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(*t - now).count();
    if (left <= 0) return 1;   // due: it runs at the next timer round
    return static_cast<uint64_t>((left + 999) / 1000);
}

// ---------------------------------------------------------------- rows

std::vector<GroupRow> groupRows(const BridgeRuntime& br, VlanId vid, TimePoint now) {
    std::vector<GroupRow> rows;
    const core::Snooper* sn = br.agent->snooper(vid);
    if (!sn) return rows;
    sn->forEachGroup([&](const core::GroupInfo& g) {
        for (const auto& p : g.ports) {
            GroupRow r;
            r.group = g.group.str();
            r.port = p.portName;
            r.origin = std::string(core::to_string(p.origin));
            r.mode = std::string(to_string(p.mode));
            r.timerMs = remainingMs(p.groupTimer, now);
            r.compat = std::string(core::to_string(p.compat));
            for (const auto& s : p.sources)
                r.sources.push_back(SourceRow{s.addr.str(), remainingMs(s.expiry, now), s.isStatic});
            rows.push_back(std::move(r));
        }
    });
    return rows;
}

std::vector<MrouterRow> mrouterRows(const BridgeRuntime& br, VlanId vid, TimePoint now) {
    std::vector<MrouterRow> rows;
    const core::Snooper* sn = br.agent->snooper(vid);
    if (!sn) return rows;
    for (Family f : kFamilies)
        for (const auto& m : sn->mrouterPorts(f))
            for (const auto& e : m.evidence)
                rows.push_back(MrouterRow{m.portName, std::string(to_string(f)),
                                          std::string(core::to_string(e.origin)), remainingMs(e.expiry, now)});
    return rows;
}

std::optional<QuerierDetail> querierDetail(const BridgeRuntime& br, VlanId vid, Family f, TimePoint now) {
    const querier::Querier* q = br.agent->querier(vid, f);
    if (!q) return std::nullopt;
    QuerierDetail d;
    d.summary = summary(*q);
    if (auto e = q->electedQuerier()) d.electedVersion = std::string(wire::to_string(e->version));
    d.configuredVersion = std::string(wire::to_string(q->config().version));
    if (auto s = q->sourceAddress()) d.sourceAddress = s->str();
    auto t = q->timers();
    d.nextGeneralQueryMs = remainingMs(t.nextGeneralQuery, now);
    d.otherQuerierPresentMs = remainingMs(t.otherQuerierPresent, now);
    d.startupQueriesLeft = t.startupQueriesLeft;
    auto tm = q->timing();
    d.robustness = tm.robustness;
    d.queryIntervalMs = ms(tm.queryInterval);
    d.queryResponseIntervalMs = ms(tm.queryResponseInterval);
    d.lastMemberQueryIntervalMs = ms(tm.lastMemberQueryInterval);
    d.lastMemberQueryCount = tm.lastMemberQueryCount;
    for (const auto& [k, v] : querier::counterList(q->counters())) d.counters.emplace_back(std::string(k), v);
    return d;
}

std::vector<std::pair<std::string, uint64_t>> vlanCounters(const BridgeRuntime& br, VlanId vid) {
    std::vector<std::pair<std::string, uint64_t>> out;
    const core::Snooper* sn = br.agent->snooper(vid);
    if (!sn) return out;
    const auto& c = sn->counters();
    for (size_t i = 0; i < core::kRxKindCount; ++i)
        out.emplace_back("rx." + std::string(core::to_string(static_cast<core::RxKind>(i))), c.rx[i]);
    for (size_t i = 1; i < core::kCauseCount; ++i)   // Cause::None counts nothing
        out.emplace_back("cause." + std::string(core::to_string(static_cast<core::Cause>(i))), c.causes[i]);
    for (size_t i = 0; i < core::kStatCount; ++i)
        out.emplace_back("stat." + std::string(core::to_string(static_cast<core::Stat>(i))), c.stats[i]);
    for (Family f : kFamilies)
        if (const querier::Querier* q = br.agent->querier(vid, f))
            for (const auto& [k, v] : querier::counterList(q->counters()))
                out.emplace_back("querier." + std::string(to_string(f)) + "." + std::string(k), v);
    return out;
}

std::vector<std::pair<std::string, uint64_t>> bridgeCounters(const BridgeRuntime& br) {
    const auto& c = br.agent->counters();
    std::vector<std::pair<std::string, uint64_t>> out{
        {"frames-received", c.framesReceived}, {"frames-forwarded", c.framesForwarded},
        {"frames-sent", c.framesSent},         {"keepalive-queries", c.keepaliveQueries},
        {"unknown-vlan", c.unknownVlan},       {"tx-errors", br.txErrors},
        {"mdb-errors", br.mdbErrors},
        {"report-rate-limited", c.reportRateLimited}, {"socket-drops", br.socketDropsTotal()},
    };
    // Per port (rate limiting and socket overruns are per port): only ports that have some.
    auto vids = br.agent->vlans();
    if (!vids.empty())
        for (const auto& port : br.agent->snooper(vids.front())->ports()) {
            if (auto n = br.agent->reportRateLimited(port.port))
                out.emplace_back("report-rate-limited." + port.name, n);
            if (auto n = br.socketDrops(port.port)) out.emplace_back("socket-drops." + port.name, n);
        }
    for (size_t i = 0; i < wire::kDropReasonCount; ++i)
        out.emplace_back("drop." + std::string(wire::to_string(static_cast<wire::DropReason>(i))),
                         c.drops.raw()[i]);
    return out;
}

VlanProperties vlanProperties(const Control& c, const BridgeRuntime& br, VlanId vid) {
    VlanProperties p;
    const core::Snooper* sn = br.agent->snooper(vid);
    const VlanSettings* st = br.agent->settings(vid);
    if (!sn || !st) return p;
    const auto& cfg = sn->config();
    p.snooping = st->snooping;
    p.immediateLeave = cfg.vlan.immediateLeave;
    p.maxGroups = cfg.vlan.maxGroupsPerPort.limit;
    p.maxGroupsAction = std::string(core::to_string(cfg.vlan.maxGroupsPerPort.action));
    p.filter = filterRows(cfg.vlan.filter);
    for (const auto& g : cfg.staticGroups)
        p.staticGroups.push_back(StaticGroupRow{g.group.str(), g.source ? g.source->str() : std::string(),
                                                g.port,
                                                isRuntimeStatic(c, br.name, vid, g) ? "runtime" : "config"});
    for (const auto& [name, pp] : cfg.ports)
        if (pp.mrouter == core::MrouterMode::Static)
            p.staticMrouterPorts.emplace_back(name, isRuntimeMrouter(c, br.name, vid, name) ? "runtime" : "config");
    p.groupCount = static_cast<uint32_t>(sn->groupCount());
    for (Family f : kFamilies)
        for (const auto& m : sn->mrouterPorts(f)) p.mrouterPorts.emplace_back(m.portName, std::string(to_string(f)));
    if (const auto* q = br.agent->querier(vid, Family::V4)) p.igmpQuerier = summary(*q);
    if (const auto* q = br.agent->querier(vid, Family::V6)) p.mldQuerier = summary(*q);
    if (const Overrides* o = c.overrides(Scope{br.name, vid})) p.overrides = o->names();
    return p;
}

BridgeProperties bridgeProperties(const Control& c, const BridgeRuntime& br) {
    BridgeProperties p;
    auto vids = br.agent->vlans();
    for (auto v : vids) p.vlans.push_back(v.value);
    if (!vids.empty())
        for (const auto& port : br.agent->snooper(vids.front())->ports())
            p.ports.push_back(PortRow{port.port.value, port.name, port.status.up,
                                      std::string(core::to_string(port.status.stp))});
    if (const Overrides* o = c.overrides(Scope{br.name, std::nullopt})) p.overrides = o->names();
    return p;
}

// ---------------------------------------------------------------- JSON

namespace {

json::Value querierJson(const BridgeRuntime& br, VlanId vid, Family f, TimePoint now) {
    auto d = querierDetail(br, vid, f, now);
    if (!d) return json::Value();
    json::Value q = json::Value::object();
    q["state"] = d->summary.state;
    q["inactive_reason"] = d->summary.inactiveReason;
    if (d->summary.elected.empty()) {
        q["elected"] = json::Value();
    } else {
        auto& e = q["elected"];
        e["address"] = d->summary.elected;
        e["self"] = d->summary.electedIsSelf;
        e["version"] = d->electedVersion;
    }
    q["operating_version"] = d->summary.version;
    q["configured_version"] = d->configuredVersion;
    q["source_address"] = orNull(d->sourceAddress);
    q["next_general_query_ms"] = d->nextGeneralQueryMs;
    q["other_querier_present_ms"] = d->otherQuerierPresentMs;
    q["startup_queries_left"] = d->startupQueriesLeft;
    auto& t = q["timing"];
    t["robustness"] = d->robustness;
    t["query_interval_ms"] = d->queryIntervalMs;
    t["query_response_interval_ms"] = d->queryResponseIntervalMs;
    t["last_member_query_interval_ms"] = d->lastMemberQueryIntervalMs;
    t["last_member_query_count"] = d->lastMemberQueryCount;
    // The querier the snooping core heard on the wire (ours is never "heard").
    const core::Snooper* sn = br.agent->snooper(vid);
    if (auto h = sn ? sn->querier(f) : std::nullopt) {
        auto& hj = q["heard"];
        hj["address"] = h->address.str();
        hj["port"] = std::string(sn->portName(h->port));
        hj["version"] = std::string(wire::to_string(h->version));
        hj["timer_ms"] = remainingMs(h->expiry, now);
        hj["qrv"] = h->qrv;
        hj["qqi_s"] = h->qqiSec;
        hj["max_resp_ms"] = h->maxRespMs;
    } else {
        q["heard"] = json::Value();
    }
    q["counters"] = countersJson(d->counters);
    return q;
}

}  // namespace

json::Value describeVlan(const Control& c, const BridgeRuntime& br, VlanId vid, TimePoint now) {
    json::Value v = json::Value::object();
    const core::Snooper* sn = br.agent->snooper(vid);
    if (!sn) return v;
    const auto props = vlanProperties(c, br, vid);
    v["vid"] = vid.value;
    v["path"] = vlanPath(br.name, vid);
    v["snooping"] = props.snooping;
    auto& ov = v["overrides"] = json::Value::array();
    for (const auto& n : props.overrides) ov.push(n);

    auto& s = v["settings"];
    s["immediate_leave"] = props.immediateLeave;
    s["max_groups"]["limit"] = props.maxGroups;
    s["max_groups"]["action"] = props.maxGroupsAction;
    auto& fl = s["filter"] = json::Value::array();
    for (const auto& r : props.filter) {
        json::Value j;
        j["action"] = r.action;
        j["prefix"] = r.prefix;
        j["length"] = r.length;
        j["source"] = orNull(r.source);
        fl.push(std::move(j));
    }
    auto& sg = s["static_groups"] = json::Value::array();
    for (const auto& r : props.staticGroups) {
        json::Value j;
        j["group"] = r.group;
        j["source"] = orNull(r.source);
        j["port"] = r.port;
        j["origin"] = r.origin;
        sg.push(std::move(j));
    }
    auto& sm = s["static_mrouter_ports"] = json::Value::array();
    for (const auto& [port, origin] : props.staticMrouterPorts) {
        json::Value j;
        j["port"] = port;
        j["origin"] = origin;
        sm.push(std::move(j));
    }

    // A reply over the bus's message limit (dbus-daemon: 32 MiB by default) makes the
    // bus drop our connection, and with it the whole API: at ~150 bytes of JSON per
    // group-port, cap the list. GetGroups returns every group of a VLAN.
    size_t listed = 0;
    v["groups_total"] = static_cast<uint64_t>(sn->groupCount());
    v["groups_truncated"] = sn->groupCount() > kDescribeGroupsMax;
    auto& groups = v["groups"] = json::Value::array();
    sn->forEachGroup([&](const core::GroupInfo& g) {
        if (listed++ >= kDescribeGroupsMax) return;
        json::Value gj;
        gj["group"] = g.group.str();
        auto& ports = gj["ports"] = json::Value::array();
        for (const auto& p : g.ports) {
            json::Value pj;
            pj["port"] = p.portName;
            pj["origin"] = std::string(core::to_string(p.origin));
            pj["mode"] = std::string(to_string(p.mode));
            pj["timer_ms"] = remainingMs(p.groupTimer, now);
            pj["compat"] = std::string(core::to_string(p.compat));
            pj["hosts"] = p.trackedHosts;
            auto& srcs = pj["sources"] = json::Value::array();
            for (const auto& src : p.sources) {
                json::Value sj;
                sj["address"] = src.addr.str();
                sj["timer_ms"] = remainingMs(src.expiry, now);
                sj["static"] = src.isStatic;
                srcs.push(std::move(sj));
            }
            ports.push(std::move(pj));
        }
        groups.push(std::move(gj));
    });

    auto& mr = v["mrouter_ports"] = json::Value::array();
    for (Family f : kFamilies)
        for (const auto& m : sn->mrouterPorts(f)) {
            json::Value mj;
            mj["port"] = m.portName;
            mj["family"] = std::string(to_string(f));
            auto& origins = mj["origins"] = json::Value::array();
            for (const auto& e : m.evidence) {
                json::Value ej;
                ej["origin"] = std::string(core::to_string(e.origin));
                ej["timer_ms"] = remainingMs(e.expiry, now);
                origins.push(std::move(ej));
            }
            mr.push(std::move(mj));
        }

    v["querier"]["ipv4"] = querierJson(br, vid, Family::V4, now);
    v["querier"]["ipv6"] = querierJson(br, vid, Family::V6, now);
    auto fi = sn->flood();
    v["flood"]["active"] = fi.active;
    v["flood"]["queries_seen"] = fi.queriesSeen;
    v["flood"]["timer_ms"] = remainingMs(fi.until, now);
    v["counters"] = countersJson(vlanCounters(br, vid));
    return v;
}

json::Value describeBridge(const Control& c, const BridgeRuntime& br, TimePoint now) {
    json::Value b = json::Value::object();
    const auto props = bridgeProperties(c, br);
    b["name"] = br.name;
    b["ifindex"] = br.ifindex.value;
    b["path"] = bridgePath(br.name);
    auto& ports = b["ports"] = json::Value::array();
    for (const auto& p : props.ports) {
        json::Value pj;
        pj["ifindex"] = p.ifindex;
        pj["name"] = p.name;
        pj["up"] = p.up;
        pj["stp_state"] = p.stp;
        const IfIndex pi{p.ifindex};
        pj["report_rate_limit"] = br.agent->reportRateLimit(pi);
        pj["report_rate_limited"] = br.agent->reportRateLimited(pi);
        pj["socket_drops"] = br.socketDrops(pi);
        ports.push(std::move(pj));
    }
    auto& ov = b["overrides"] = json::Value::array();
    for (const auto& n : props.overrides) ov.push(n);
    b["counters"] = countersJson(bridgeCounters(br));
    auto& vlans = b["vlans"] = json::Value::array();
    for (auto vid : br.agent->vlans()) vlans.push(describeVlan(c, br, vid, now));
    return b;
}

json::Value document(json::Value v) {
    json::Value d = json::Value::object();
    d["schema"] = kDescribeSchema;
    for (auto& [k, m] : v.members()) d[k] = m;
    return d;
}

json::Value describeDaemon(const Control& c, TimePoint now) {
    json::Value d = json::Value::object();
    d["schema"] = kDescribeSchema;
    d["version"] = MCS_VERSION;
    auto& bridges = d["bridges"] = json::Value::array();
    for (const auto& [ifi, br] : c.daemon().bridges()) bridges.push(describeBridge(c, *br, now));
    return d;
}

}  // namespace mcs::daemon
