#include "bridge/packet_filter.h"

#include <linux/if_ether.h>

#include <array>

namespace mcs::bridge {

namespace {

// Jump targets by instruction index; off() turns them into cBPF's relative offsets
// (the next instruction is 0), so the table below reads like assembly with labels.
enum : int {
    kIp4 = 7,          // IPv4: look at the protocol
    kIp6 = 10,         // IPv6: look at the next header
    kIcmpDirect = 22,  // ICMPv6 right after the IPv6 header
    kIcmp = 23,        // ICMPv6 type at 54 + X
    kAccept = 31,
    kDrop = 32,
};
constexpr __u8 off(int from, int to) { return static_cast<__u8>(to - from - 1); }

constexpr __u32 kEthIp = ETH_P_IP, kEthIp6 = ETH_P_IPV6;
constexpr __u32 kProtoIgmp = 2, kProtoPim = 103, kProtoIcmp6 = 58, kHopByHop = 0;
constexpr __u32 kSnapLen = 0x40000;

// Frame offsets: 12 EtherType; IPv4 at 14 (23 = protocol); IPv6 at 14 (20 = next
// header, 54 = first extension / payload; in a Hop-by-Hop header 54 = next header,
// 55 = length in 8-octet units not counting the first 8).
constexpr std::array<sock_filter, kDrop + 1> kProgram{{
    /*  0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),                                    // A = EtherType
    /*  1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kEthIp, off(1, kIp4), 0),
    /*  2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kEthIp6, off(2, kIp6), 0),
    // BPDU: destination 01:80:c2:00:00:00 (IEEE 802.1D bridge group address)
    /*  3 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),                                     // A = dst[0..3]
    /*  4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0180c200, 0, off(4, kDrop)),
    /*  5 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),                                     // A = dst[4..5]
    /*  6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0000, off(6, kAccept), off(6, kDrop)),
    // kIp4
    /*  7 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23),                                    // A = IPv4 protocol
    /*  8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoIgmp, off(8, kAccept), 0),        // IGMP incl. MRD
    /*  9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoPim, off(9, kAccept), off(9, kDrop)),
    // kIp6
    /* 10 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),                                    // A = next header
    /* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoIcmp6, off(11, kIcmpDirect), 0),
    /* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoPim, off(12, kAccept), 0),
    /* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kHopByHop, 0, off(13, kDrop)),
    /* 14 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),                                    // A = HbH next header
    /* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoPim, off(15, kAccept), 0),
    /* 16 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kProtoIcmp6, 0, off(16, kDrop)),
    /* 17 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 55),                                    // A = HbH length field
    /* 18 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
    /* 19 */ BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 3),                                    // A = HbH bytes
    /* 20 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),                                           // X = A
    /* 21 */ BPF_JUMP(BPF_JMP | BPF_JA, off(21, kIcmp), 0, 0),
    // kIcmpDirect
    /* 22 */ BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0),                                    // X = 0
    // kIcmp: a load past the end of a short frame ends the program with 0 (drop)
    /* 23 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 54),                                    // A = ICMPv6 type
    /* 24 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 130, off(24, kAccept), 0),            // MLD query
    /* 25 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 131, off(25, kAccept), 0),            // MLDv1 report
    /* 26 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 132, off(26, kAccept), 0),            // MLDv1 done
    /* 27 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 143, off(27, kAccept), 0),            // MLDv2 report
    /* 28 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 151, off(28, kAccept), 0),            // MRD advertisement
    /* 29 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 152, off(29, kAccept), 0),            // MRD solicitation
    /* 30 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 153, off(30, kAccept), off(30, kDrop)),  // MRD termination
    // kAccept
    /* 31 */ BPF_STMT(BPF_RET | BPF_K, kSnapLen),
    // kDrop
    /* 32 */ BPF_STMT(BPF_RET | BPF_K, 0),
}};

}  // namespace

std::span<const sock_filter> snoopFilterProgram() { return kProgram; }

}  // namespace mcs::bridge
