// PIM Hello, MRD and BPDU vectors (rfc-conformance.md §1.9, §1.10, §1.13;
// IEEE 802.1D-2004 §9.3).
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

constexpr V4 kPim4{1, false, 103};   // PIM: protocol 103, no Router Alert
constexpr V6 kPim6{1, false, 103};

}  // namespace

void addRouterVectors(std::vector<Vector>& out) {
    // ---- PIMv2 Hello ----
    out.push_back({"pim-hello-v4", frame4("192.0.2.1", "224.0.0.13",
                                          hex("20 00 df 93"   // PIM v2, Hello, checksum
                                              "00 01 00 02"   // option Holdtime, length 2
                                              "00 69"),       //   105 s
                                          kPim4)});
    out.push_back({"pim-hello-v4-options", frame4("192.0.2.1", "224.0.0.13",
                                                  hex("20 00 76 b7"   // PIM v2, Hello, checksum
                                                      "00 13 00 04"   // DR Priority, length 4
                                                      "00 00 00 01"   //   1
                                                      "00 14 00 04"   // Generation ID, length 4
                                                      "12 34 56 78"   //   0x12345678
                                                      "00 01 00 02"   // Holdtime, length 2
                                                      "00 69"),       //   105 s
                                                  kPim4)});
    out.push_back({"pim-hello-v6", frame6("fe80::1", "ff02::d",
                                          hex("20 00 e1 90"   // PIM v2, Hello, checksum (NH 103)
                                              "00 01 00 02"   // option Holdtime, length 2
                                              "00 69"),       //   105 s
                                          kPim6)});

    // ---- MRD (RFC 4286) ----
    out.push_back({"mrd-adv-v4", frame4("192.0.2.1", "224.0.0.106",
                                        hex("30 14 cf 6c"        // Advertisement, interval 20 s
                                            "00 7d 00 02"))});   // query interval 125, RV 2
    out.push_back({"mrd-solicitation-v4",
                   frame4("192.0.2.10", "224.0.0.2", hex("31 00 ce ff"))});   // Solicitation
    out.push_back({"mrd-termination-v4",
                   frame4("192.0.2.1", "224.0.0.106", hex("32 00 cd ff"))});   // Termination
    // A 42-byte frame as a NIC pads it to the 60-byte minimum: IP length rules.
    out.push_back({"mrd-solicitation-v4-padded",
                   frame4("192.0.2.10", "224.0.0.2", hex("31 00 ce ff")) +
                       hex("00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")});   // padding
    out.push_back({"mrd-adv-v6", frame6("fe80::1", "ff02::6a",
                                        hex("97 14 6a 3b"        // Advertisement, interval 20 s
                                            "00 7d 00 02"))});   // query interval 125, RV 2
    out.push_back({"mrd-solicitation-v6",
                   frame6("fe80::1", "ff02::2", hex("98 00 6a 3a"))});   // Solicitation
    out.push_back(
        {"mrd-termination-v6", frame6("fe80::1", "ff02::6a", hex("99 00 68 d2"))});   // Termination

    // ---- BPDUs ----
    out.push_back({"bpdu-tcn", hex("01 80 c2 00 00 00"   // dst: bridge group address
                                   "02 00 00 00 00 02"   // src MAC
                                   "00 07"               // 802.3 length: LLC 3 + BPDU 4
                                   "42 42 03"            // LLC DSAP, SSAP, UI
                                   "00 00"               // protocol identifier
                                   "00"                  // version 0 (STP)
                                   "80")});              // type: TCN
    out.push_back({"bpdu-config-tc",
                   hex("01 80 c2 00 00 00"         // dst: bridge group address
                       "02 00 00 00 00 02"         // src MAC
                       "00 26"                     // 802.3 length 38: LLC 3 + BPDU 35
                       "42 42 03"                  // LLC
                       "00 00 00 00"               // protocol 0, version 0, type Config
                       "01"                        // flags: TC
                       "80 00 02 00 00 00 00 01"   // root id: priority 32768, 02:00:00:00:00:01
                       "00 00 00 04"               // root path cost 4
                       "80 00 02 00 00 00 00 02"   // bridge id
                       "80 01"                     // port id
                       "00 00 14 00"               // message age 0, max age 20 s (1/256 s)
                       "02 00 0f 00")});           // hello 2 s, forward delay 15 s
    out.push_back({"bpdu-rst-tc",
                   hex("01 80 c2 00 00 00"         // dst: bridge group address
                       "02 00 00 00 00 02"         // src MAC
                       "00 27"                     // 802.3 length 39: LLC 3 + BPDU 36
                       "42 42 03"                  // LLC
                       "00 00 02 02"               // protocol 0, version 2 (RSTP), type RST
                       "3d"                        // flags: TC, designated, learning, forwarding
                       "80 00 02 00 00 00 00 01"   // root id
                       "00 00 00 00"               // root path cost 0
                       "80 00 02 00 00 00 00 01"   // bridge id
                       "80 02"                     // port id
                       "00 00 14 00 02 00 0f 00"   // message age, max age, hello, forward delay
                       "00")});                    // version 1 length 0
}

}  // namespace mcs::wire::test
