// One-shot RTM_GETLINK of a single link (bridge options, port attributes read-back).
#pragma once

#include "agent/base/types.h"
#include "bridge/error.h"
#include "bridge/link_message.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

Result<LinkMessage, Error> readLink(NlSocket& sock, IfIndex ifindex);

}  // namespace mcs::bridge
