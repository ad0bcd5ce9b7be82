#include "bridge/mdb_monitor.h"

#include <linux/rtnetlink.h>

#include <cerrno>

#include "agent/base/enum_table.h"
#include "bridge/log.h"
#include "bridge/mdb_message.h"
#include "bridge/uapi_compat.h"

namespace mcs::bridge {

namespace {
constexpr EnumTable<MdbEventType, 5> kNames{{
    {MdbEventType::EntryAdded, "entry-added"},
    {MdbEventType::EntryRemoved, "entry-removed"},
    {MdbEventType::RouterAdded, "router-added"},
    {MdbEventType::RouterRemoved, "router-removed"},
    {MdbEventType::Overrun, "overrun"},
}};
}  // namespace

std::string_view to_string(MdbEventType t) { return enumName(kNames, t); }

Result<MdbMonitor, Error> MdbMonitor::open(uint8_t ourProtocol, Callback cb, int rcvbuf) {
    NlSocketOptions o;
    o.groups = {uapi::kRtnlgrpMdb};
    o.nonblocking = true;
    o.rcvbuf = rcvbuf;
    auto s = NlSocket::open(o);
    if (!s) return fail(s.error());
    return MdbMonitor(std::move(*s), ourProtocol, std::move(cb));
}

void MdbMonitor::emit(const MdbEvent& e) {
    ++stats_.events;
    if (cb_) cb_(e);
}

Status MdbMonitor::process(size_t maxDatagrams) {
    auto lg = log::mdb();
    for (size_t n = 0; n < maxDatagrams; ++n) {
        auto d = sock_.receive();
        if (!d) {
            if (d.error().code != ENOBUFS) return fail(d.error());
            ++stats_.overruns;
            lg->warn("MDB monitor: notifications lost (socket overrun): the MDB must be re-read");
            for (;;) {  // what is still queued is older than the re-read the daemon will do
                auto x = sock_.receive();
                if (x && x->empty()) break;
                if (!x && x.error().code != ENOBUFS) return fail(x.error());
            }
            emit(MdbEvent{});
            continue;
        }
        if (d->empty()) break;
        forEachMessage(*d, [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_type != RTM_NEWMDB && nlh.nlmsg_type != RTM_DELMDB) return;
            ++stats_.messages;
            const bool added = nlh.nlmsg_type == RTM_NEWMDB;
            MdbParsed p;
            parseMdbMessage(nlh, p);
            stats_.malformed += p.malformed;
            for (MdbEntry& e : p.entries) {
                MdbEvent ev;
                ev.type = added ? MdbEventType::EntryAdded : MdbEventType::EntryRemoved;
                ev.origin = classifyEntry(e, proto_, nullptr);
                if (lg->should_log(spdlog::level::trace))
                    lg->trace("MDB {}: {} ({})", to_string(ev.type), e.str(), to_string(ev.origin));
                ev.entry = std::move(e);
                emit(ev);
            }
            for (const MdbRouterPort& r : p.routers) {
                MdbEvent ev;
                ev.type = added ? MdbEventType::RouterAdded : MdbEventType::RouterRemoved;
                ev.router = r;
                lg->debug("MDB {}: bridge {} port {}", to_string(ev.type), log::ifname(r.bridge), log::ifname(r.port));
                emit(ev);
            }
        });
    }
    return okStatus();
}

}  // namespace mcs::bridge
