#include "bridge/error.h"

#include <netlink/errno.h>
#include <netlink/netlink.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mcs::bridge {

namespace {
// libnl collapses errno into NLE_* codes; map the ones callers branch on back, so
// `code` stays an errno whatever produced the error.
int errnoFromLibnl(int nle) {
    switch (nle) {
    case NLE_AGAIN: return EAGAIN;
    case NLE_INTR: return EINTR;
    case NLE_NOMEM: return ENOMEM;
    case NLE_EXIST: return EEXIST;
    case NLE_INVAL: return EINVAL;
    case NLE_RANGE: return ERANGE;
    case NLE_MSGSIZE: return EMSGSIZE;
    case NLE_OPNOTSUPP: return EOPNOTSUPP;
    case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
    case NLE_OBJ_NOTFOUND: return ENOENT;
    case NLE_NOACCESS: return EACCES;
    case NLE_PERM: return EPERM;
    case NLE_BUSY: return EBUSY;
    case NLE_NODEV: return ENODEV;
    case NLE_BAD_SOCK: return EBADF;
    default: return EIO;
    }
}
}  // namespace

Error Error::fromErrno(int err, std::string context, std::string extack) {
    Error e;
    e.code = std::abs(err);
    e.text = std::strerror(e.code);
    e.extack = std::move(extack);
    e.context = std::move(context);
    return e;
}

Error Error::fromLibnl(int err, std::string context) {
    Error e;
    const int nle = std::abs(err);
    e.code = errnoFromLibnl(nle);
    e.text = nl_geterror(nle);
    e.context = std::move(context);
    return e;
}

std::string Error::str() const {
    std::string s = context.empty() ? std::string("error") : context;
    s += ": ";
    s += text;
    if (!extack.empty()) {
        s += " (";
        s += extack;
        s += ')';
    }
    return s;
}

}  // namespace mcs::bridge
