// The packet socket's classic BPF program, run by a small cBPF interpreter on
// annotated frames (no kernel). The kernel's own verdict on real traffic is in
// packet_socket_test.cc.
#include <gtest/gtest.h>
#include <linux/filter.h>

#include <cstdint>
#include <vector>

#include "bridge/packet_filter.h"

namespace mcs::bridge {
namespace {

using Bytes = std::vector<uint8_t>;

// The subset of cBPF the program uses; a load past the end returns 0 like the kernel.
uint32_t runBpf(std::span<const sock_filter> prog, const Bytes& p) {
    uint32_t a = 0, x = 0;
    size_t pc = 0;
    auto in = [&](uint64_t off, uint64_t n) { return off + n <= p.size(); };
    while (pc < prog.size()) {
        const sock_filter& i = prog[pc++];
        switch (i.code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (!in(i.k, 4)) return 0;
            a = uint32_t(p[i.k]) << 24 | uint32_t(p[i.k + 1]) << 16 | uint32_t(p[i.k + 2]) << 8 | p[i.k + 3];
            break;
        case BPF_LD | BPF_H | BPF_ABS:
            if (!in(i.k, 2)) return 0;
            a = uint32_t(p[i.k]) << 8 | p[i.k + 1];
            break;
        case BPF_LD | BPF_B | BPF_ABS:
            if (!in(i.k, 1)) return 0;
            a = p[i.k];
            break;
        case BPF_LD | BPF_B | BPF_IND:
            if (!in(uint64_t(x) + i.k, 1)) return 0;
            a = p[x + i.k];
            break;
        case BPF_LDX | BPF_W | BPF_IMM: x = i.k; break;
        case BPF_ALU | BPF_ADD | BPF_K: a += i.k; break;
        case BPF_ALU | BPF_LSH | BPF_K: a <<= i.k; break;
        case BPF_MISC | BPF_TAX: x = a; break;
        case BPF_JMP | BPF_JA: pc += i.k; break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += (a == i.k) ? i.jt : i.jf; break;
        case BPF_RET | BPF_K: return i.k;
        default: ADD_FAILURE() << "opcode " << i.code << " at " << pc - 1; return 0;
        }
    }
    ADD_FAILURE() << "fell off the program";
    return 0;
}

bool accepted(const Bytes& frame) { return runBpf(snoopFilterProgram(), frame) != 0; }

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// Ethernet headers
const Bytes kEthIgmp{0x01, 0x00, 0x5e, 0x00, 0x00, 0x16,  // dst 01:00:5e:00:00:16 (224.0.0.22)
                     0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,  // src
                     0x08, 0x00};                         // EtherType IPv4
const Bytes kEthMld{0x33, 0x33, 0x00, 0x00, 0x00, 0x16,   // dst 33:33:00:00:00:16 (ff02::16)
                    0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,   // src
                    0x86, 0xdd};                          // EtherType IPv6

// IPv4 header with Router Alert, protocol `proto`
Bytes ip4(uint8_t proto) {
    return {0x46, 0xc0, 0x00, 0x28,  // version 4, IHL 6, TOS 0xc0, total length 40
            0x00, 0x00, 0x40, 0x00,  // id 0, DF
            0x01, proto, 0x00, 0x00, // TTL 1, protocol, checksum (not checked here)
            0xc0, 0x00, 0x02, 0x0b,  // src 192.0.2.11
            0xe0, 0x00, 0x00, 0x16,  // dst 224.0.0.22
            0x94, 0x04, 0x00, 0x00}; // option: Router Alert
}

// IPv6 header, next header `nh`
Bytes ip6(uint8_t nh) {
    return {0x60, 0x00, 0x00, 0x00,  // version 6
            0x00, 0x24, nh, 0x01,    // payload length 36, next header, hop limit 1
            0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,   // src fe80::b
            0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};  // dst ff02::16
}
// Hop-by-Hop with Router Alert (8 bytes), next header `nh`
Bytes hbh(uint8_t nh) { return {nh, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00}; }
// Hop-by-Hop of 16 bytes (length field 1): Router Alert + PadN
Bytes hbh16(uint8_t nh) { return {nh, 0x01, 0x05, 0x02, 0x00, 0x00, 0x01, 0x08, 0, 0, 0, 0, 0, 0, 0, 0}; }
// ICMPv6 header + 4 bytes, type `t`
Bytes icmp6(uint8_t t) { return {t, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}; }

const Bytes kIgmpV3Report{0x22, 0x00, 0x00, 0x00,  // type 0x22, reserved, checksum
                          0x00, 0x00, 0x00, 0x01,  // reserved, 1 record
                          0x04, 0x00, 0x00, 0x00,  // CHANGE_TO_EXCLUDE, aux 0, 0 sources
                          0xef, 0x01, 0x02, 0x03}; // group 239.1.2.3

TEST(BpfFilter, AcceptsIgmpOfEveryKind) {
    EXPECT_TRUE(accepted(cat({kEthIgmp, ip4(2), kIgmpV3Report})));
    for (uint8_t type : std::vector<uint8_t>{0x11, 0x12, 0x16, 0x17, 0x30, 0x31, 0x32})  // query, v1/v2 report, leave, MRD
        EXPECT_TRUE(accepted(cat({kEthIgmp, ip4(2), Bytes{type, 0, 0, 0, 0xef, 1, 2, 3}}))) << int(type);
}

TEST(BpfFilter, AcceptsPimV4AndV6) {
    EXPECT_TRUE(accepted(cat({kEthIgmp, ip4(103), Bytes{0x20, 0, 0, 0}})));  // PIMv2 hello
    EXPECT_TRUE(accepted(cat({kEthMld, ip6(103), Bytes{0x20, 0, 0, 0}})));
    EXPECT_TRUE(accepted(cat({kEthMld, ip6(0), hbh(103), Bytes{0x20, 0, 0, 0}})));
}

TEST(BpfFilter, AcceptsMldAndMrdWithAndWithoutHopByHop) {
    for (uint8_t t : std::vector<uint8_t>{130, 131, 132, 143, 151, 152, 153}) {
        EXPECT_TRUE(accepted(cat({kEthMld, ip6(0), hbh(58), icmp6(t)}))) << int(t);
        EXPECT_TRUE(accepted(cat({kEthMld, ip6(0), hbh16(58), icmp6(t)}))) << int(t);
        EXPECT_TRUE(accepted(cat({kEthMld, ip6(58), icmp6(t)}))) << int(t);
    }
}

TEST(BpfFilter, AcceptsBpduOnly) {
    const Bytes bpdu{0x01, 0x80, 0xc2, 0x00, 0x00, 0x00,  // dst: bridge group address
                     0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,  // src
                     0x00, 0x26,                          // 802.3 length 38
                     0x42, 0x42, 0x03,                    // LLC: DSAP/SSAP STP, UI
                     0x00, 0x00, 0x00, 0x00};             // protocol id, version, type (config)
    EXPECT_TRUE(accepted(bpdu));
    Bytes lldp = bpdu;
    lldp[5] = 0x0e;  // 01:80:c2:00:00:0e: LLDP, not for us
    EXPECT_FALSE(accepted(lldp));
}

TEST(BpfFilter, DropsEverythingElse) {
    EXPECT_FALSE(accepted(cat({kEthIgmp, ip4(1), Bytes{8, 0, 0, 0}})));    // ICMP echo
    EXPECT_FALSE(accepted(cat({kEthIgmp, ip4(17), Bytes{0, 0, 0, 0}})));   // UDP (multicast data)
    EXPECT_FALSE(accepted(cat({kEthMld, ip6(58), icmp6(128)})));          // ICMPv6 echo
    EXPECT_FALSE(accepted(cat({kEthMld, ip6(58), icmp6(135)})));          // neighbour solicitation
    EXPECT_FALSE(accepted(cat({kEthMld, ip6(0), hbh(17), Bytes{0, 0}})));  // HbH + UDP
    EXPECT_FALSE(accepted(cat({kEthMld, ip6(17), Bytes{0, 0, 0, 0}})));
    Bytes arp{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0b, 0x08, 0x06, 0, 1, 8, 0};
    EXPECT_FALSE(accepted(arp));
}

TEST(BpfFilter, ShortFramesAreDropped) {
    Bytes f = cat({kEthMld, ip6(0), hbh(58)});  // ends before the ICMPv6 type
    EXPECT_FALSE(accepted(f));
    EXPECT_FALSE(accepted(Bytes(kEthIgmp.begin(), kEthIgmp.begin() + 13)));
    Bytes longHbh = cat({kEthMld, ip6(0), Bytes{58, 200}});  // HbH claims 1608 bytes
    longHbh.resize(200, 0);
    EXPECT_FALSE(accepted(longHbh));
}

}  // namespace
}  // namespace mcs::bridge
