// Kernel UAPI values newer than the build host's headers: Debian 12 ships 6.1 uapi
// headers, which stop at MDBE_ATTR_SOURCE. These are ABI (include/uapi/linux/
// if_bridge.h, netlink.h) and never change.
//
// They live in a namespace instead of `#ifndef X / #define X`: in <linux/if_bridge.h>
// they are enum members, which the preprocessor cannot see, so an #ifndef guard would
// define a macro that rewrites the enum of newer headers into `2,` and break the build
// the day the headers catch up. Namespaced constants cannot collide.
#pragma once

#include <cstdint>

namespace mcs::bridge::uapi {

// MDBA_SET_ENTRY_ATTRS members (RTM_NEWMDB / RTM_DELMDB).
inline constexpr uint16_t kMdbeAttrSource = 1;     // 5.10: makes the key (S,G)
inline constexpr uint16_t kMdbeAttrSrcList = 2;    // 6.3: (*,G) source list, nested
inline constexpr uint16_t kMdbeAttrGroupMode = 3;  // 6.3: u8 MCAST_EXCLUDE 0 / MCAST_INCLUDE 1
inline constexpr uint16_t kMdbeAttrRtprot = 4;     // 6.3: u8 >= RTPROT_STATIC
inline constexpr uint16_t kMdbeAttrStateMask = 10; // 6.8: bulk delete filter
inline constexpr uint16_t kMdbeSrcListEntry = 1;   // nested, one per source
inline constexpr uint16_t kMdbeSrcattrAddress = 1; // in_addr / in6_addr

// Group modes as the MDB carries them (linux/in.h MCAST_EXCLUDE / MCAST_INCLUDE).
inline constexpr uint8_t kMcastExclude = 0;
inline constexpr uint8_t kMcastInclude = 1;

// br_mdb_entry.flags bits (dump only).
inline constexpr uint8_t kMdbFlagsOffload = 1 << 0;
inline constexpr uint8_t kMdbFlagsFastLeave = 1 << 1;
inline constexpr uint8_t kMdbFlagsStarExcl = 1 << 2;
inline constexpr uint8_t kMdbFlagsBlocked = 1 << 3;
inline constexpr uint8_t kMdbFlagsOffloadFailed = 1 << 4;  // 6.14

// rtnetlink multicast group of MDB notifications (no RTMGRP_ macro exists for it).
inline constexpr int kRtnlgrpMdb = 26;

// RTPROT_KERNEL: what the kernel stamps on entries it learned from reports.
inline constexpr uint8_t kRtprotKernel = 2;
inline constexpr uint8_t kRtprotStatic = 4;

}  // namespace mcs::bridge::uapi
