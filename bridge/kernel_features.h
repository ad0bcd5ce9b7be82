// What the running kernel's bridge MDB API supports, probed once without leaving a
// trace (kernel-bridge.md §3, §7):
//  - rtprot:      MDBE_ATTR_RTPROT (6.3+; 6.1 answers "Unknown attribute type")
//  - sourceLists: MDBE_ATTR_GROUP_MODE / MDBE_ATTR_SRC_LIST and NLM_F_REPLACE (6.3+)
//  - sgEntries:   MDBE_ATTR_SOURCE, userspace (S,G) entries (5.10+)
//  - bulkDelete:  RTM_DELMDB + NLM_F_BULK flush (6.8+)
//
// How: each attribute is offered on a *host* entry of a 239.255.255.x group. Kernels
// that know the attribute parse it (the nested set is parsed strictly) and then refuse
// it for host entries with a plain message ("Protocol cannot be set for host groups");
// kernels that don't know it refuse it during parsing, and the ack points at the
// attribute (NLMSGERR_ATTR_OFFS inside our MDBA_SET_ENTRY_ATTRS). Nothing is installed
// either way; if a kernel ever accepted the request, the host entry is deleted again
// and the feature counted as absent (the attribute was evidently ignored). The bulk
// probe is a flush without MDBA_SET_ENTRY: 6.8+ reports that attribute missing
// (NLMSGERR_ATTR_MISS_TYPE), 5.19-6.7 refuse NLM_F_BULK with EOPNOTSUPP.
//
// The bridge must be up with mcast_snooping on: before that, every MDB request fails
// the same way whatever its attributes, so the probe refuses to guess.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "agent/base/types.h"
#include "bridge/error.h"
#include "bridge/nl_socket.h"

namespace mcs::bridge {

struct KernelFeatures {
    bool rtprot = false;
    bool sourceLists = false;
    bool sgEntries = false;
    bool bulkDelete = false;
    bool operator==(const KernelFeatures&) const = default;
    std::string str() const;  // "rtprot=yes source-lists=yes sg=yes bulk-delete=yes"
};

Result<KernelFeatures, Error> probeKernelFeatures(NlSocket& sock, IfIndex bridge);

// The probe primitive: does the kernel know MDBA_SET_ENTRY_ATTRS member `type`?
// (Offers it with `value` on a host entry, as described above.)
Result<bool, Error> probeMdbEntryAttr(NlSocket& sock, IfIndex bridge, uint16_t type,
                                      std::span<const uint8_t> value);

}  // namespace mcs::bridge
