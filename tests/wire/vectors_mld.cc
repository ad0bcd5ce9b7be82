// MLD vectors: rfc-conformance.md §1.13 (the full MLDv1 report frame as given,
// ICMPv6 bodies wrapped with the canonical Hop-by-Hop Router Alert) and edge cases.
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

constexpr V6 kNoHopByHop{1, false, 0};   // the test writes its own extension headers

}  // namespace

void addMldVectors(std::vector<Vector>& out) {
    // ---- §1.13 full frame: MLDv1 Report fe80::2 -> ff12::1 ----
    out.push_back({"mldv1-report",
                   hex("33 33 00 00 00 01"   // dst MAC: 33:33 + low 32 bits of ff12::1
                       "02 00 00 00 00 01"   // src MAC
                       "86 dd"               // ethertype IPv6
                       "60 00 00 00"         // IPv6, traffic class 0, flow label 0
                       "00 20 00 01"         // payload length 32, next header HbH, hop limit 1
                       "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02"   // src fe80::2
                       "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01"   // dst ff12::1
                       "3a 00"         // HbH: next header ICMPv6, length 0
                       "05 02 00 00"   //   Router Alert, value 0 (MLD)
                       "01 00"         //   PadN, 0 bytes
                       "83 00 80 02"   // MLDv1 Report, code 0, checksum
                       "00 00 00 00"   // max response delay 0, reserved
                       "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01")});   // ff12::1

    // ---- §1.13 ICMPv6 bodies, wrapped ----
    out.push_back({"mldv1-gq", frame6("fe80::1", "ff02::1",
                                      hex("82 00 59 17"   // Query, code 0, checksum
                                          "27 10 00 00"   // max response delay 10000 ms
                                          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"))});
    out.push_back({"mldv1-done", frame6("fe80::2", "ff02::2",
                                        hex("84 00 7f 11"   // Done, code 0, checksum
                                            "00 00 00 00"   // unused
                                            "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01"))});
    out.push_back({"mldv2-gq", frame6("fe80::1", "ff02::1",
                                      hex("82 00 56 96"   // Query, code 0, checksum
                                          "27 10 00 00"   // MRC 10000 ms, reserved
                                          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"   // ::
                                          "02 7d 00 00"))});   // S 0 QRV 2, QQIC 125, 0 sources
    out.push_back({"mldv2-report-to-ex",
                   frame6("fe80::2", "ff02::16",
                          hex("8f 00 6f f8"   // MLDv2 Report, checksum
                              "00 00 00 01"   // reserved, 1 record
                              "04 00 00 00"   // TO_EX, aux 0, 0 sources
                              "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01"))});   // ff12::1

    // ---- Edge cases ----
    out.push_back({"mldv2-report-six-types",
                   frame6("fe80::2", "ff02::16",
                          hex("8f 00 4f e1"   // MLDv2 Report, checksum
                              "00 00 00 06"   // reserved, 6 records
                              "01 00 00 01"   // IS_IN, aux 0, 1 source
                              "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 01"   // ff15::1
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"   // 2001:db8::1
                              "02 00 00 00"   // IS_EX, aux 0, 0 sources
                              "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 02"   // ff15::2
                              "03 00 00 01"   // TO_IN, aux 0, 1 source
                              "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 03"   // ff15::3
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 03"   // 2001:db8::3
                              "04 00 00 01"   // TO_EX, aux 0, 1 source
                              "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 04"   // ff15::4
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 04"   // 2001:db8::4
                              "05 00 00 02"   // ALLOW, aux 0, 2 sources
                              "ff 3e 00 00 00 00 00 00 00 00 00 00 00 00 00 05"   // ff3e::5 (SSM)
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 05"   // 2001:db8::5
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 06"   // 2001:db8::6
                              "06 00 00 01"   // BLOCK, aux 0, 1 source
                              "ff 3e 00 00 00 00 00 00 00 00 00 00 00 00 00 06"   // ff3e::6
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 07"))});
    // Multicast-address-and-source-specific query (RFC 9777 §5.1.12).
    out.push_back({"mldv2-massq",
                   frame6("fe80::1", "ff15::1",
                          hex("82 00 96 9d"   // Query, code 0, checksum
                              "83 88 00 00"   // MRC 0x8388 = 40000 ms, reserved
                              "ff 15 00 00 00 00 00 00 00 00 00 00 00 00 00 01"   // ff15::1
                              "0b 3c 00 02"   // S 1 QRV 3, QQIC 60, 2 sources
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"   // 2001:db8::1
                              "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"))});
    // Solicited-node join before DAD, from :: (RFC 4541 §3 accepts it).
    out.push_back({"mldv1-report-unspecified-src",
                   frame6("::", "ff02::1:ff00:2",
                          hex("83 00 80 9f"   // MLDv1 Report, checksum
                              "00 00 00 00"   // max response delay, reserved
                              "ff 02 00 00 00 00 00 00 00 00 00 01 ff 00 00 02"))});
    out.push_back({"mldv1-done-global",   // MLD flavour of the query solicitation
                   frame6("fe80::2", "ff02::2",
                          hex("84 00 7e 25"   // Done, checksum
                              "00 00 00 00"   // unused
                              "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"))});   // ::
    // Linux pads the Hop-by-Hop header with two Pad1 instead of PadN.
    out.push_back(
        {"mldv1-report-linux-hbh", frame6("fe80::2", "ff12::1",
                                          hex("3a 00"         // HbH: next header ICMPv6, length 0
                                              "05 02 00 00"   //   Router Alert, value 0
                                              "00 00"         //   Pad1, Pad1
                                              "83 00 80 02"   // MLDv1 Report, checksum
                                              "00 00 00 00"   // max response delay, reserved
                                              "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01"),
                                          kNoHopByHop)});
    // HbH -> Destination Options -> atomic Fragment (RFC 6946) -> ICMPv6.
    out.push_back(
        {"mldv1-report-ext-chain", frame6("fe80::2", "ff12::1",
                                          hex("3c 00"         // HbH: next header DestOpt, length 0
                                              "05 02 00 00"   //   Router Alert, value 0
                                              "01 00"         //   PadN, 0 bytes
                                              "2c 00"   // DestOpt: next header Fragment, length 0
                                              "01 04 00 00 00 00"   // PadN, 4 bytes
                                              "3a 00"   // Fragment: next header ICMPv6, reserved
                                              "00 00"   //   offset 0, M 0 (atomic)
                                              "00 00 00 2a"   //   identification
                                              "83 00 80 02"   // MLDv1 Report, checksum
                                              "00 00 00 00"   // max response delay, reserved
                                              "ff 12 00 00 00 00 00 00 00 00 00 00 00 00 00 01"),
                                          kNoHopByHop)});
}

}  // namespace mcs::wire::test
