// Giving up what mcsnoopd does not need once it is set up (issue #10, "Security"):
// capabilities and who may change the daemon's state over the control API.
//
// Capabilities: raw capget/capset/prctl, not libcap. We handle a fixed set of two
// capabilities, the kernel interface (capability(7), version 3 of the capset ABI) is
// stable, and libcap would be one more runtime dependency of the package for what is
// ~100 lines here; libcap's text form is not needed for one log line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/base/result.h"
#include "agent/daemon/control_args.h"

namespace mcs::daemon {

// One bit per capability number (linux/capability.h), as /proc/PID/status shows them.
using CapMask = uint64_t;

struct CapState {
    CapMask effective = 0;
    CapMask permitted = 0;
    CapMask inheritable = 0;
    CapMask bounding = 0;
    CapMask ambient = 0;
    bool noNewPrivs = false;
    std::string str() const;   // "eff=cap_net_admin,cap_net_raw prm=... bnd=... amb=... nnp=yes"
};

// What the daemon keeps once its sockets are open (the reasons are in privileges.cc).
CapMask keptCapabilities();

// "cap_net_admin,cap_net_raw" ("none" for 0; unknown bits as cap_N).
std::string capNames(CapMask m);

Result<CapState, std::string> currentCapabilities();

// Reduces the calling process to keptCapabilities(): bounding set (when CAP_SETPCAP
// allows), permitted, effective, inheritable (no capset at all when they already are);
// the same as ambient capabilities, others lowered, so that programs we run (nft) keep
// them also when we do not run as uid 0; sets no_new_privs. Must run while the process
// has one thread (capabilities are per thread). The uid stays. Returns the resulting
// state, or why it failed (the process may then hold less than before, never more).
Result<CapState, std::string> dropCapabilities();

// The daemon's use of dropCapabilities(): logs the resulting set (one info line), or
// with keep (--keep-capabilities) what stays. false: the drop failed (logged); the
// daemon must not go on half-privileged.
bool limitCapabilities(bool keep);

// The control API's access rule, the same as the bus policy's (packaging/dbus/
// org.mcsnoopd.conf): root and the members of the system group "mcsnoopd" may call the
// methods annotated org.mcsnoopd.Privileged. The daemon applies it itself so that a bus
// without that policy (a session bus, a missing or edited policy file) does not open
// them to everyone.
inline constexpr const char* kOperatorGroup = "mcsnoopd";

// Membership is looked up in the group database (getgrouplist of the uid's passwd
// entry), as dbus-daemon does for <policy group=...>: a caller's supplementary groups
// would have to come from /proc, which is racy.
bool mayChangeState(uid_t uid);

// nullopt when uid may call `method`, else an AccessDenied error naming it.
Status checkPrivilegedCaller(uid_t uid, std::string_view method);

}  // namespace mcs::daemon
