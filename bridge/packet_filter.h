// The classic BPF program attached to every port's packet socket: only the frames the
// snooping agent decodes get copied to userspace.
#pragma once

#include <linux/filter.h>

#include <span>

namespace mcs::bridge {

// Accepts (snap length 256 KiB, i.e. whole frames):
//  - IPv4 IGMP (protocol 2), every type: queries, v1/v2/v3 reports, leaves, MRD
//    (RFC 4286 types 0x30-0x32);
//  - IPv4 PIM (protocol 103);
//  - IPv6 ICMPv6 directly or behind one Hop-by-Hop header of any length, with type
//    130/131/132/143 (MLD query, v1 report, done, v2 report) or 151/152/153 (MRD);
//  - IPv6 PIM (next header 103) directly or behind Hop-by-Hop;
//  - IEEE 802.1D BPDUs (destination 01:80:c2:00:00:00).
// Offsets assume an untagged frame: the kernel moves 802.1Q tags into metadata before
// packet taps see the frame (skb_vlan_untag), and the VID comes from PACKET_AUXDATA.
std::span<const sock_filter> snoopFilterProgram();

}  // namespace mcs::bridge
