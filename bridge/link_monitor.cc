#include "bridge/link_monitor.h"

#include <linux/if.h>
#include <linux/rtnetlink.h>

#include <cerrno>

#include "agent/base/enum_table.h"
#include "bridge/log.h"

namespace mcs::bridge {

namespace {
constexpr EnumTable<LinkEventType, 12> kEventNames{{
    {LinkEventType::BridgeAdded, "bridge-added"},
    {LinkEventType::BridgeRemoved, "bridge-removed"},
    {LinkEventType::BridgeUp, "bridge-up"},
    {LinkEventType::BridgeDown, "bridge-down"},
    {LinkEventType::BridgeOptionsChanged, "bridge-options-changed"},
    {LinkEventType::PortAdded, "port-added"},
    {LinkEventType::PortRemoved, "port-removed"},
    {LinkEventType::PortUp, "port-up"},
    {LinkEventType::PortDown, "port-down"},
    {LinkEventType::PortStpState, "port-stp-state"},
    {LinkEventType::PortVlansChanged, "port-vlans-changed"},
    {LinkEventType::PortOptionsChanged, "port-options-changed"},
}};
}  // namespace

std::string_view to_string(LinkEventType t) { return enumName(kEventNames, t); }

std::string LinkEvent::str() const {
    std::string s(to_string(type));
    s += " bridge " + bridge.name + "(" + std::to_string(bridge.ifindex.value) + ")";
    if (port) {
        s += " port " + port->name + "(" + std::to_string(port->ifindex.value) + ")";
        if (type == LinkEventType::PortStpState) s += " stp " + std::string(to_string(port->attrs.stp));
    }
    return s;
}

Result<LinkMonitor, Error> LinkMonitor::open(const LinkMonitorOptions& opts, Callback cb) {
    NlSocketOptions eo;
    eo.groups = {RTNLGRP_LINK};
    eo.nonblocking = true;
    eo.rcvbuf = opts.rcvbuf;
    auto ev = NlSocket::open(eo);
    if (!ev) return fail(ev.error());
    auto cmd = NlSocket::open();
    if (!cmd) return fail(cmd.error());
    return LinkMonitor(std::move(*ev), std::move(*cmd), opts, std::move(cb));
}

LinkMonitor::LinkMonitor(NlSocket events, NlSocket cmd, const LinkMonitorOptions& o, Callback cb)
    : events_(std::move(events)), cmd_(std::move(cmd)), names_(o.bridgeNames.begin(), o.bridgeNames.end()),
      cb_(std::move(cb)) {}

void LinkMonitor::applyLink(Links& links, const LinkMessage& m) {
    const int i = m.ifindex.value;
    if (m.deleted) {
        links.erase(i);
        return;
    }
    LinkRec& r = links[i];
    r.name = m.name;
    r.flags = m.flags;
    r.operState = m.operState;
    r.master = m.master;
    r.mac = m.mac;
    r.isBridge = m.isBridge();
    if (m.bridgeOptions) r.bridgeOpts = *m.bridgeOptions;
    r.isPort = m.isBridgePort();
    if (m.portAttrs) r.portAttrs = *m.portAttrs;
    if (!r.isPort) r.vlans.clear();
}

void LinkMonitor::applyBridgePort(Links& links, const BridgePortMessage& m) {
    const int i = m.ifindex.value;
    // AF_BRIDGE messages about the bridge device itself (its own VLANs) name itself
    // as master; nothing of ours to learn there.
    if (m.master == m.ifindex) return;
    auto it = links.find(i);
    if (m.deleted) {
        // The port left its bridge (del_nbp); the AF_UNSPEC update follows.
        if (it != links.end()) {
            it->second.isPort = false;
            it->second.master = IfIndex{};
            it->second.vlans.clear();
        }
        return;
    }
    if (it == links.end()) return;  // the AF_UNSPEC message creates links
    LinkRec& r = it->second;
    if (m.master.valid()) {
        r.master = m.master;
        r.isPort = true;
    }
    if (m.attrs) r.portAttrs = *m.attrs;
    if (m.vlans) r.vlans = *m.vlans;
}

std::optional<BridgeInfo> LinkMonitor::bridgeView(int ifindex) const {
    auto it = links_.find(ifindex);
    if (it == links_.end() || !it->second.isBridge) return std::nullopt;
    const LinkRec& r = it->second;
    if (!names_.empty() && !names_.count(r.name)) return std::nullopt;
    BridgeInfo b;
    b.ifindex = IfIndex{ifindex};
    b.name = r.name;
    b.mac = r.mac;
    b.up = r.flags & IFF_UP;
    b.mcast = r.bridgeOpts;
    return b;
}

std::optional<PortInfo> LinkMonitor::portView(int ifindex) const {
    auto it = links_.find(ifindex);
    if (it == links_.end() || !it->second.isPort || !it->second.master.valid()) return std::nullopt;
    const LinkRec& r = it->second;
    if (!bridges_.count(r.master.value)) return std::nullopt;
    PortInfo p;
    p.ifindex = IfIndex{ifindex};
    p.name = r.name;
    p.bridge = r.master;
    p.mac = r.mac;
    p.up = (r.flags & IFF_UP) && (r.flags & IFF_RUNNING);
    p.operState = r.operState;
    p.attrs = r.portAttrs;
    p.vlans = r.vlans;
    return p;
}

void LinkMonitor::emit(LinkEventType t, const BridgeInfo& b, const std::optional<PortInfo>& p) {
    ++stats_.events;
    LinkEvent ev{t, b, p};
    log::netlink()->debug("link event: {}", ev.str());
    if (cb_) cb_(ev);
}

void LinkMonitor::refreshPort(int ifindex) {
    auto now = portView(ifindex);
    auto it = ports_.find(ifindex);
    if (it != ports_.end() && (!now || now->bridge != it->second.bridge)) {
        const PortInfo gone = it->second;
        ports_.erase(it);
        auto b = bridges_.find(gone.bridge.value);
        emit(LinkEventType::PortRemoved, b != bridges_.end() ? b->second : BridgeInfo{gone.bridge, {}, {}, false, {}},
             gone);
        it = ports_.end();
    }
    if (!now) return;
    const BridgeInfo& b = bridges_.at(now->bridge.value);
    if (it == ports_.end()) {
        ports_[ifindex] = *now;
        emit(LinkEventType::PortAdded, b, *now);
        return;
    }
    const PortInfo before = it->second;
    if (before == *now) return;
    it->second = *now;
    if (before.up != now->up) emit(now->up ? LinkEventType::PortUp : LinkEventType::PortDown, b, *now);
    if (before.attrs.stp != now->attrs.stp) emit(LinkEventType::PortStpState, b, *now);
    if (before.vlans != now->vlans) emit(LinkEventType::PortVlansChanged, b, *now);
    if (before.attrs.mcastRouter != now->attrs.mcastRouter || before.attrs.mcastFlood != now->attrs.mcastFlood ||
        before.attrs.fastLeave != now->attrs.fastLeave || before.name != now->name || before.mac != now->mac)
        emit(LinkEventType::PortOptionsChanged, b, *now);
}

void LinkMonitor::refreshBridge(int ifindex) {
    auto now = bridgeView(ifindex);
    auto it = bridges_.find(ifindex);
    if (it != bridges_.end() && !now) {
        // Ports go first, so every PortRemoved still names a known bridge.
        std::vector<int> doomed;
        for (const auto& [pi, p] : ports_)
            if (p.bridge.value == ifindex) doomed.push_back(pi);
        for (int pi : doomed) {
            const PortInfo gone = ports_.at(pi);
            ports_.erase(pi);
            emit(LinkEventType::PortRemoved, it->second, gone);
        }
        const BridgeInfo gone = it->second;
        bridges_.erase(it);
        emit(LinkEventType::BridgeRemoved, gone, std::nullopt);
        return;
    }
    if (!now) return;
    if (it == bridges_.end()) {
        bridges_[ifindex] = *now;
        emit(LinkEventType::BridgeAdded, *now, std::nullopt);
        // Ports seen before their bridge became visible (tracked name, dump order).
        for (const auto& [li, rec] : links_)
            if (rec.isPort && rec.master.value == ifindex) refreshPort(li);
        return;
    }
    const BridgeInfo before = it->second;
    if (before == *now) return;
    it->second = *now;
    if (before.up != now->up) emit(now->up ? LinkEventType::BridgeUp : LinkEventType::BridgeDown, *now, std::nullopt);
    if (before.mcast != now->mcast || before.name != now->name || before.mac != now->mac)
        emit(LinkEventType::BridgeOptionsChanged, *now, std::nullopt);
}

void LinkMonitor::refreshLink(int ifindex) {
    refreshBridge(ifindex);
    refreshPort(ifindex);
}

void LinkMonitor::handle(const nlmsghdr& nlh) {
    ++stats_.messages;
    if (auto m = parseLinkMessage(nlh)) {
        applyLink(links_, *m);
        refreshLink(m->ifindex.value);
    } else if (auto b = parseBridgePortMessage(nlh)) {
        applyBridgePort(links_, *b);
        refreshLink(b->ifindex.value);
    }
}

Status LinkMonitor::process(size_t maxDatagrams) {
    for (size_t n = 0; n < maxDatagrams; ++n) {
        auto d = events_.receive();
        if (!d) {
            if (d.error().code != ENOBUFS) return fail(d.error());
            ++stats_.overruns;
            log::netlink()->warn("link monitor: notifications lost (socket overrun), resynchronising");
            // What is still queued predates the dump we are about to take: drop it.
            for (;;) {
                auto x = events_.receive();
                if (x && x->empty()) break;
                if (!x && x.error().code != ENOBUFS) return fail(x.error());
            }
            if (auto st = resync(); !st) return st;
            continue;
        }
        if (d->empty()) break;
        forEachMessage(*d, [&](const nlmsghdr& nlh) { handle(nlh); });
    }
    return okStatus();
}

Status LinkMonitor::resync() {
    ++stats_.resyncs;
    Links fresh;
    NlMsgPtr req = buildLinkDumpRequest();
    if (!req) return fail(Error::fromErrno(ENOMEM, "RTM_GETLINK dump"));
    auto st = cmd_.dump(
        req.get(),
        [&](const nlmsghdr& nlh) {
            if (auto m = parseLinkMessage(nlh)) applyLink(fresh, *m);
        },
        [&] { fresh.clear(); }, "RTM_GETLINK dump");
    if (!st) return st;
    NlMsgPtr breq = buildBridgePortDumpRequest();
    if (!breq) return fail(Error::fromErrno(ENOMEM, "RTM_GETLINK AF_BRIDGE dump"));
    st = cmd_.dump(
        breq.get(),
        [&](const nlmsghdr& nlh) {
            if (auto b = parseBridgePortMessage(nlh)) applyBridgePort(fresh, *b);
        },
        {}, "RTM_GETLINK AF_BRIDGE dump");
    if (!st) return st;

    links_ = std::move(fresh);
    // Ports that changed or left first, then bridges (removal takes their ports along,
    // addition brings theirs), then every port again for the remaining additions.
    std::vector<int> known;
    for (const auto& [i, p] : ports_) known.push_back(i);
    for (int i : known) refreshPort(i);
    std::set<int> bridgesToCheck;
    for (const auto& [i, b] : bridges_) bridgesToCheck.insert(i);
    for (const auto& [i, r] : links_)
        if (r.isBridge) bridgesToCheck.insert(i);
    for (int i : bridgesToCheck) refreshBridge(i);
    for (const auto& [i, r] : links_)
        if (r.isPort) refreshPort(i);
    log::netlink()->debug("link monitor: resync done, {} bridges, {} ports", bridges_.size(), ports_.size());
    return okStatus();
}

}  // namespace mcs::bridge
