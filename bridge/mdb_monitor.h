// Optional second monitor: MDB notifications (RTNLGRP_MDB). Reports entries appearing
// and disappearing (one port group per notification, kernel-bridge.md §3.6) with their
// origin, so the daemon notices kernel-learned or foreign entries, and router-port
// transitions. Notifications are lost under bursts (ENOBUFS): that is reported as an
// Overrun event, after which the daemon re-reads the MDB (readMdb) -- the monitor
// keeps no table of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "bridge/error.h"
#include "bridge/mdb_entry.h"
#include "bridge/mdb_reader.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

enum class MdbEventType : uint8_t { EntryAdded, EntryRemoved, RouterAdded, RouterRemoved, Overrun };
std::string_view to_string(MdbEventType t);

struct MdbEvent {
    MdbEventType type = MdbEventType::Overrun;
    MdbEntry entry;           // Entry*
    EntryOrigin origin = EntryOrigin::Kernel;  // Entry*: by protocol only (no record)
    MdbRouterPort router;     // Router*
};

struct MdbMonitorStats {
    uint64_t messages = 0;
    uint64_t events = 0;
    uint64_t overruns = 0;
    uint64_t malformed = 0;
};

class MdbMonitor {
public:
    using Callback = std::function<void(const MdbEvent&)>;
    static Result<MdbMonitor, Error> open(uint8_t ourProtocol, Callback cb, int rcvbuf = 8 << 20);

    int fd() const { return sock_.fd(); }
    Status process(size_t maxDatagrams = 256);
    const MdbMonitorStats& stats() const { return stats_; }

private:
    MdbMonitor(NlSocket s, uint8_t proto, Callback cb) : sock_(std::move(s)), proto_(proto), cb_(std::move(cb)) {}
    void emit(const MdbEvent& e);

    NlSocket sock_;
    uint8_t proto_;
    Callback cb_;
    MdbMonitorStats stats_;
};

}  // namespace mcs::bridge
