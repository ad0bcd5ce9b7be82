// Applies an MdbDelta to one bridge with RTM_NEWMDB / RTM_DELMDB.
//
//  - Entries are permanent by default: the kernel's IGMP/MLD engine, timers, port-down
//    and snooping-off flushes leave them alone (kernel-bridge.md §3.9), so the daemon is
//    the only one changing them. Port entries carry our routing protocol (kMcsRtProt)
//    when the kernel supports MDBE_ATTR_RTPROT (6.3+); host entries accept neither.
//  - (*,G) carry filter mode + source list when the kernel supports them (6.3+); older
//    kernels get a plain (*,G) (EXCLUDE {}: forwards more, never less) and `change`
//    becomes a no-op. More than 31 sources (the kernel's limit) degrade the same way.
//  - Operations go out in batches, many messages per sendmsg, only the last acked;
//    failures still come back one by one and are mapped to their entries by seq.
//  - Order and (S,G) fix-ups: see mdb_plan.h.
//  - mcast_hash_max guard: the kernel disables snooping on the whole bridge when an add
//    would exceed it (E2BIG). Before adding we count what is installed (dump, only when
//    the estimate gets close) and raise hash_max ahead of need; past the configured
//    ceiling, adds are refused here (ENOSPC, counted in ApplyResult::refused) instead of
//    letting the kernel trip. The refusal is logged as an error when it starts (then
//    once a minute) and at info when adds fit again; the caller retries refused adds.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/base/mdb.h"
#include "bridge/error.h"
#include "bridge/kernel_features.h"
#include "bridge/mdb_plan.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

// Our routing protocol number on MDB entries (MDBE_ATTR_RTPROT). The kernel accepts
// 4..255 and interprets none of them; 183 (0xb7) is assigned neither in
// <linux/rtnetlink.h> nor in iproute2's rt_protos (static 4 ... bgp 186, eigrp 192).
// `bridge mdb show` prints it as "proto 183"; an operator can name it in
// /etc/iproute2/rt_protos.d/mcsnoopd.conf ("183 mcsnoopd").
inline constexpr uint8_t kMcsRtProt = 183;

struct WriterOptions {
    uint8_t rtprot = kMcsRtProt;
    bool permanent = true;
    size_t batchMessages = 256;        // per sendmsg
    size_t batchBytes = 64 * 1024;     // stays well under the socket send buffer
    uint32_t hashMaxCeiling = 1u << 18;  // never raise mcast_hash_max beyond this
};

struct FailedEntry {
    MdbOp op = MdbOp::Add;
    OpReason reason = OpReason::Delta;
    MdbKey key;
    int error = 0;         // errno
    std::string message;   // strerror + kernel extack
};

struct ApplyResult {
    size_t attempted = 0;    // kernel operations sent (fix-ups included)
    size_t succeeded = 0;    // delta entries now in the requested state
    std::vector<FailedEntry> failed;
    size_t refused = 0;      // adds refused by the hash_max guard (ENOSPC in `failed`)
    size_t degraded = 0;     // installed in a simpler form than asked (see above)
    size_t fixups = 0;       // re-seat / STAR_EXCL clean-up operations
    bool snoopingDisabled = false;  // the bridge's mcast_snooping is off (E2BIG or admin)
    std::optional<uint32_t> hashMaxRaisedTo;
    bool verifiedByDump = false;    // acks were lost; outcomes read back from the MDB
    bool ok() const { return failed.empty() && !snoopingDisabled; }
};

class MdbWriter {
public:
    static Result<MdbWriter, Error> open(const KernelFeatures& features, const WriterOptions& opts = {});

    ApplyResult apply(IfIndex bridge, const MdbDelta& delta);

    // Tells the writer what is already installed (startup reconcile), so the (S,G)
    // fix-ups know the stand-alone (S,G) entries.
    void adopt(IfIndex bridge, const MdbSnapshot& applied);
    // The bridge went away: drop what we knew about it.
    void forget(IfIndex bridge);

    // Deletes every entry of ours on the bridge (shutdown, or reconcile of leftovers):
    // NLM_F_BULK flush by protocol on 6.8+ kernels with RTPROT, else dump and delete
    // what classifyEntry() calls ours. Returns how many entries were ours.
    Result<size_t, Error> removeAll(IfIndex bridge, const std::set<MdbKey>* record = nullptr);

    const KernelFeatures& features() const { return features_; }
    const WriterOptions& options() const { return opts_; }

private:
    struct BridgeBook {
        SgIndex sg;
        bool counted = false;
        size_t estimate = 0;   // upper bound of MDB hash entries on the bridge
        // hash_max guard refusing adds since (logged when it starts, then once a minute)
        std::optional<std::chrono::steady_clock::time_point> refusingSince;
        std::chrono::steady_clock::time_point refusalLogged{};
    };
    MdbWriter(NlSocket s, const KernelFeatures& f, const WriterOptions& o)
        : sock_(std::move(s)), features_(f), opts_(o) {}

    NlSocket sock_;
    KernelFeatures features_;
    WriterOptions opts_;
    std::map<int, BridgeBook> books_;
    // The batch being encoded, sent in place; kept so each apply() does not grow a new one.
    std::vector<uint8_t> batchBuf_;
};

}  // namespace mcs::bridge
