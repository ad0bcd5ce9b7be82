#include "bridge/link_query.h"

#include <cerrno>

namespace mcs::bridge {

Result<LinkMessage, Error> readLink(NlSocket& sock, IfIndex ifindex) {
    NlMsgPtr req = buildLinkGetRequest(ifindex);
    if (!req) return fail(Error::fromErrno(ENOMEM, "RTM_GETLINK"));
    std::optional<LinkMessage> out;
    const std::string ctx = "RTM_GETLINK ifindex " + std::to_string(ifindex.value);
    auto st = sock.get(req.get(), [&](const nlmsghdr& nlh) {
        if (auto m = parseLinkMessage(nlh); m && m->ifindex == ifindex) out = std::move(*m);
    }, ctx);
    if (!st) return fail(st.error());
    if (!out) return fail(Error::fromErrno(ENODEV, ctx + ": no reply"));
    return std::move(*out);
}

}  // namespace mcs::bridge
