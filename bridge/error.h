// The one error type of bridge/: an errno plus the text that explains it (libnl's
// nl_geterror, strerror, and the kernel's extended ack when netlink gave one), and
// what we were doing. Every kernel-facing call returns Result<T, Error> or Status.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "agent/base/result.h"

namespace mcs::bridge {

struct Error {
    int code = 0;           // positive errno (best effort when the source was libnl)
    std::string text;       // strerror(code) or nl_geterror()
    std::string extack;     // NLMSGERR_ATTR_MSG from the kernel, may be empty
    std::string context;    // "RTM_NEWMDB br0 port 5 ..." -- what failed

    static Error fromErrno(int err, std::string context, std::string extack = {});
    // libnl returns negative NLE_* codes; `err` may be given with either sign.
    static Error fromLibnl(int err, std::string context);
    // "context: text (extack)"
    std::string str() const;
};

using Status = Result<std::monostate, Error>;
inline Status okStatus() { return std::monostate{}; }
inline Unexpected<Error> fail(Error e) { return unexpected(std::move(e)); }

}  // namespace mcs::bridge
