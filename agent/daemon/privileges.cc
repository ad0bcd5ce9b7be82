#include "agent/daemon/privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "agent/daemon/logging.h"

namespace mcs::daemon {

namespace {

constexpr CapMask bit(int cap) { return CapMask{1} << cap; }

// Kept after the sockets are open, each for what still happens at run time:
//  * CAP_NET_ADMIN: MDB entries (RTM_NEWMDB/DELMDB), bridge and port options
//    (mcast_router, mcast_flood, mcast_hash_max) over rtnetlink; SO_RCVBUFFORCE on the
//    netlink sockets opened for bridges that appear later (the MDB writer); the nft
//    suppression table (`nft -f -`, run for every bridge start/stop and port change,
//    inherits it).
//  * CAP_NET_RAW: packet sockets, opened for every port that appears or comes up
//    later, and the querier's frames sent through them.
// Nothing else is needed: the record files live in the runtime directory, which root
// owns (RuntimeDirectory=; --runtime-dir for tests), so no CAP_DAC_OVERRIDE; the bus
// connection is made before the drop and never re-made; sd_notify's socket is
// world-writable. CAP_SETPCAP, needed for the drop itself, goes with it.
constexpr CapMask kKept = bit(CAP_NET_ADMIN) | bit(CAP_NET_RAW);

// capability(7) names, by number; later kernels' additions print as cap_N.
constexpr std::array<const char*, 41> kNames{
    "cap_chown",           "cap_dac_override",    "cap_dac_read_search", "cap_fowner",
    "cap_fsetid",          "cap_kill",            "cap_setgid",          "cap_setuid",
    "cap_setpcap",         "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
    "cap_net_admin",       "cap_net_raw",         "cap_ipc_lock",        "cap_ipc_owner",
    "cap_sys_module",      "cap_sys_rawio",       "cap_sys_chroot",      "cap_sys_ptrace",
    "cap_sys_pacct",       "cap_sys_admin",       "cap_sys_boot",        "cap_sys_nice",
    "cap_sys_resource",    "cap_sys_time",        "cap_sys_tty_config",  "cap_mknod",
    "cap_lease",           "cap_audit_write",     "cap_audit_control",   "cap_setfcap",
    "cap_mac_override",    "cap_mac_admin",       "cap_syslog",          "cap_wake_alarm",
    "cap_block_suspend",   "cap_audit_read",      "cap_perfmon",         "cap_bpf",
    "cap_checkpoint_restore",
};

std::string errnoText(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

// The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap);
// without /proc, probe the bounding set: PR_CAPBSET_READ fails past the last one.
// (stdio, not iostreams, for /proc: see the note in main.cc.)
int lastCap() {
    int n = -1;
    if (std::FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "re")) {
        const int got = std::fscanf(f, "%d", &n);
        std::fclose(f);
        if (got == 1 && n > 0 && n < 64) return n;
    }
    n = 0;
    while (n < 63 && ::prctl(PR_CAPBSET_READ, n + 1, 0, 0, 0) >= 0) ++n;
    return n;
}

// Threads of this process (/proc/self/task); 1 when /proc is not there to tell.
int threadCount() {
    std::FILE* f = std::fopen("/proc/self/status", "re");
    if (!f) return 1;
    int n = 1;
    char line[256];
    // A line longer than the buffer comes in pieces; only the Threads line itself
    // starts with "Threads:".
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, "Threads:", 8) == 0) {
            n = std::atoi(line + 8);
            break;
        }
    std::fclose(f);
    return n;
}

struct Sets {
    CapMask effective, permitted, inheritable;
};

Result<Sets, std::string> capget() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    std::array<__user_cap_data_struct, _LINUX_CAPABILITY_U32S_3> data{};
    if (::syscall(SYS_capget, &hdr, data.data()) != 0) return unexpected(errnoText("capget", errno));
    auto join = [&](auto field) { return CapMask{data[0].*field} | (CapMask{data[1].*field} << 32); };
    return Sets{join(&__user_cap_data_struct::effective), join(&__user_cap_data_struct::permitted),
                join(&__user_cap_data_struct::inheritable)};
}

Result<bool, std::string> capset(const Sets& s) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    std::array<__user_cap_data_struct, _LINUX_CAPABILITY_U32S_3> data{};
    for (size_t i = 0; i < data.size(); ++i) {
        data[i].effective = static_cast<uint32_t>(s.effective >> (32 * i));
        data[i].permitted = static_cast<uint32_t>(s.permitted >> (32 * i));
        data[i].inheritable = static_cast<uint32_t>(s.inheritable >> (32 * i));
    }
    if (::syscall(SYS_capset, &hdr, data.data()) != 0) return unexpected(errnoText("capset", errno));
    return true;
}

}  // namespace

CapMask keptCapabilities() { return kKept; }

std::string capNames(CapMask m) {
    if (m == 0) return "none";
    std::string out;
    for (int c = 0; c < 64; ++c) {
        if (!(m & bit(c))) continue;
        if (!out.empty()) out += ',';
        out += static_cast<size_t>(c) < kNames.size() ? std::string(kNames[static_cast<size_t>(c)])
                                                      : "cap_" + std::to_string(c);
    }
    return out;
}

std::string CapState::str() const {
    return "eff=" + capNames(effective) + " prm=" + capNames(permitted) + " inh=" + capNames(inheritable) +
           " bnd=" + capNames(bounding) + " amb=" + capNames(ambient) + " nnp=" + (noNewPrivs ? "yes" : "no");
}

Result<CapState, std::string> currentCapabilities() {
    auto sets = capget();
    if (!sets) return unexpected(sets.error());
    CapState st;
    st.effective = sets->effective;
    st.permitted = sets->permitted;
    st.inheritable = sets->inheritable;
    const int last = lastCap();
    for (int c = 0; c <= last; ++c) {
        if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1) st.bounding |= bit(c);
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1) st.ambient |= bit(c);
    }
    st.noNewPrivs = ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
    return st;
}

Result<CapState, std::string> dropCapabilities() {
    auto before = capget();
    if (!before) return unexpected(before.error());
    // Order matters: the bounding set first, while CAP_SETPCAP may still be effective;
    // then permitted/effective/inheritable; ambient last (an ambient capability must be
    // permitted and inheritable).
    if (int n = threadCount(); n > 1)
        return unexpected("the process has " + std::to_string(n) + " threads: capabilities are per thread");
    const int last = lastCap();
    // Without CAP_SETPCAP (started unprivileged, or by systemd with
    // CapabilityBoundingSet= already applied) the bounding set stays as it is:
    // no_new_privs below keeps any exec from using it.
    if (before->effective & bit(CAP_SETPCAP)) {
        for (int c = 0; c <= last; ++c) {
            if (kKept & bit(c)) continue;
            if (::prctl(PR_CAPBSET_READ, c, 0, 0, 0) != 1) continue;
            if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
                return unexpected(
                    errnoText(("dropping " + capNames(bit(c)) + " from the bounding set").c_str(), errno));
        }
    }
    // Inheritable holds the kept ones only so that they can be ambient: without that an
    // exec'd nft would lose them whenever we do not run as uid 0.
    const CapMask keep = kKept & before->permitted;
    // No capset when there is nothing to change: the systemd unit gives exactly these
    // (CapabilityBoundingSet=, AmbientCapabilities=) and filters capset out
    // (SystemCallFilter=~@privileged). If it fails with nothing beyond them permitted,
    // only inheritable is short: then no ambient ones for nft, which as uid 0 still
    // gets them from the bounding set.
    Sets now = *before;
    if (before->effective != keep || before->permitted != keep || before->inheritable != keep) {
        if (auto r = capset(Sets{keep, keep, keep}); r)
            now = Sets{keep, keep, keep};
        else if ((before->permitted & ~kKept) != 0)
            return unexpected(r.error());
    }
    for (int c = 0; c <= last; ++c) {
        const int set = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
        if (!(keep & bit(c))) {
            if (set == 1 && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, c, 0, 0) != 0)
                return unexpected(errnoText(("lowering ambient " + capNames(bit(c))).c_str(), errno));
        } else if (set == 0 && (now.inheritable & now.permitted & bit(c)) &&
                   ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0) {
            return unexpected(errnoText(("raising ambient " + capNames(bit(c))).c_str(), errno));
        }
    }
    // No exec can give anything back (set-uid/file capabilities of what we run).
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return unexpected(errnoText("PR_SET_NO_NEW_PRIVS", errno));
    return currentCapabilities();
}

bool limitCapabilities(bool keep) {
    auto log = logger("daemon");
    if (keep) {
        auto st = currentCapabilities();
        log->warn("capabilities kept (--keep-capabilities): {}", st ? st->str() : st.error());
        return true;
    }
    auto st = dropCapabilities();
    if (!st) {
        log->critical("dropping capabilities failed: {}", st.error());
        return false;
    }
    log->info("capabilities: {} (uid {})", st->str(), ::getuid());
    if (CapMask missing = kKept & ~st->effective)
        log->warn("started without {}: the kernel will refuse what needs it (MDB, port options and nft "
                  "need cap_net_admin, packet sockets cap_net_raw)",
                  capNames(missing));
    return true;
}

bool mayChangeState(uid_t uid) {
    if (uid == 0) return true;
    // getpwuid_r/getgrnam_r: no static buffers (the sd-bus callback may not be the only
    // user), sized by sysconf and grown on ERANGE.
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* pwp = nullptr;
    while (::getpwuid_r(uid, &pw, buf.data(), buf.size(), &pwp) == ERANGE && buf.size() < (1u << 20))
        buf.resize(buf.size() * 2);
    if (!pwp) return false;   // no such user: not a member of anything
    std::vector<char> gbuf(16384);
    group gr{};
    group* grp = nullptr;
    while (::getgrnam_r(kOperatorGroup, &gr, gbuf.data(), gbuf.size(), &grp) == ERANGE && gbuf.size() < (1u << 20))
        gbuf.resize(gbuf.size() * 2);
    if (!grp) return false;   // no operator group: only root
    const gid_t want = grp->gr_gid;
    if (pw.pw_gid == want) return true;
    int n = 64;
    std::vector<gid_t> groups(static_cast<size_t>(n));
    for (int tries = 0; tries < 8; ++tries) {
        int got = n;
        if (::getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &got) >= 0) {
            for (int i = 0; i < got; ++i)
                if (groups[static_cast<size_t>(i)] == want) return true;
            return false;
        }
        n = got > n ? got : n * 2;   // -1: the list was longer; got says how long
        groups.resize(static_cast<size_t>(n));
    }
    return false;
}

Status checkPrivilegedCaller(uid_t uid, std::string_view method) {
    if (mayChangeState(uid)) return std::nullopt;
    return ControlError{ControlErrorKind::AccessDenied,
                        std::string(method) + " changes mcsnoopd's state: only root and members of the group '" +
                            kOperatorGroup + "' may call it (caller uid " + std::to_string(uid) + ")"};
}

}  // namespace mcs::daemon
