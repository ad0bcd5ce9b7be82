#include "bridge/mdb_reader.h"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <cerrno>

#include "agent/base/enum_table.h"
#include "bridge/log.h"
#include "bridge/mdb_message.h"
#include "bridge/uapi_compat.h"

namespace mcs::bridge {

namespace {
constexpr EnumTable<EntryOrigin, 4> kOriginNames{{
    {EntryOrigin::Ours, "ours"},
    {EntryOrigin::Kernel, "kernel"},
    {EntryOrigin::Admin, "admin"},
    {EntryOrigin::Host, "host"},
}};
}  // namespace

std::string_view to_string(EntryOrigin o) { return enumName(kOriginNames, o); }

Result<MdbReadResult, Error> readMdb(NlSocket& sock, std::optional<IfIndex> bridge) {
    NlMsgPtr req = buildMdbDumpRequest();
    if (!req) return fail(Error::fromErrno(ENOMEM, "RTM_GETMDB"));
    MdbParsed parsed;
    auto st = sock.dump(
        req.get(),
        [&](const nlmsghdr& nlh) {
            if (nlh.nlmsg_type == RTM_GETMDB || nlh.nlmsg_type == RTM_NEWMDB) parseMdbMessage(nlh, parsed);
        },
        [&] { parsed = {}; }, "RTM_GETMDB dump");
    if (!st) return fail(st.error());
    MdbReadResult out;
    out.skippedL2 = parsed.skippedL2;
    out.malformed = parsed.malformed;
    for (auto& e : parsed.entries)
        if (!bridge || e.bridge == *bridge) out.entries.push_back(std::move(e));
    for (auto& r : parsed.routers)
        if (!bridge || r.bridge == *bridge) out.routers.push_back(r);
    if (out.malformed)
        log::mdb()->warn("MDB dump{}: {} malformed attributes skipped",
                         bridge ? " of bridge " + std::to_string(bridge->value) : std::string(), out.malformed);
    return out;
}

EntryOrigin classifyEntry(const MdbEntry& e, uint8_t ourProtocol, const std::set<MdbKey>* record) {
    const bool recorded = record && record->count(e.key);
    if (e.isHost()) return recorded ? EntryOrigin::Ours : EntryOrigin::Host;
    if (e.protocol && *e.protocol == ourProtocol) return EntryOrigin::Ours;
    if (e.protocol && *e.protocol == uapi::kRtprotKernel) return EntryOrigin::Kernel;
    // Without MDBE_ATTR_RTPROT our entries carry the default "static": only the record
    // can tell them from an administrator's.
    if (recorded) return EntryOrigin::Ours;
    if (e.state == MdbState::Permanent || e.protocol) return EntryOrigin::Admin;
    return EntryOrigin::Kernel;
}

MdbSnapshot ownedSnapshot(const std::vector<MdbEntry>& entries, uint8_t ourProtocol,
                          const std::set<MdbKey>* record) {
    MdbSnapshot snap;
    std::vector<const MdbEntry*> sgs;
    for (const MdbEntry& e : entries) {
        if (classifyEntry(e, ourProtocol, record) != EntryOrigin::Ours) continue;
        if (!e.key.isStarG()) {
            sgs.push_back(&e);
            continue;
        }
        MdbAttrs a;
        a.mode = e.mode.value_or(FilterMode::Exclude);
        for (const MdbSource& s : e.sources) a.sources.push_back(s.addr);
        std::sort(a.sources.begin(), a.sources.end());
        a.sources.erase(std::unique(a.sources.begin(), a.sources.end()), a.sources.end());
        snap[e.key] = std::move(a);
    }
    for (const MdbEntry* e : sgs) {
        MdbKey star = e->key;
        star.source = IpAddr::unspecified(e->key.group.family());
        auto it = snap.find(star);
        if (it != snap.end() &&
            std::binary_search(it->second.sources.begin(), it->second.sources.end(), e->key.source))
            continue;  // derived from that (*,G)'s source list
        snap[e->key] = MdbAttrs{FilterMode::Include, {}};
    }
    return snap;
}

}  // namespace mcs::bridge
