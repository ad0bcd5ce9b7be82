// IGMP vectors: rfc-conformance.md §1.13 (full frames as given, payloads wrapped
// into frames), the Linux selftest IGMPv3 reports (bridge_igmp.sh), and edge cases.
#include "tests/wire/vectors.h"

namespace mcs::wire::test {
namespace {

constexpr V4 kNoRouterAlert{1, false, 2};   // IGMPv1 hosts send no Router Alert
constexpr std::string_view kHost = "192.0.2.10";
constexpr std::string_view kQuerier = "192.0.2.1";

}  // namespace

void addIgmpVectors(std::vector<Vector>& out) {
    // ---- §1.13 full IPv4 frames (Ethernet header added) ----
    // IGMPv2 Report 192.0.2.10 -> 239.1.1.1
    out.push_back({"igmpv2-report", hex("01 00 5e 01 01 01"   // dst MAC (239.1.1.1)
                                        "02 00 00 00 00 01"   // src MAC
                                        "08 00"               // ethertype IPv4
                                        "46 c0 00 20"         // IPv4, IHL 6, TOS 0xc0, length 32
                                        "00 00 40 00"         // id 0, DF
                                        "01 02 32 0b"         // TTL 1, IGMP, header checksum
                                        "c0 00 02 0a"         // src 192.0.2.10
                                        "ef 01 01 01"         // dst 239.1.1.1
                                        "94 04 00 00"         // Router Alert, value 0
                                        "16 00 f9 fc"         // v2 Report, MRT 0, checksum
                                        "ef 01 01 01")});     // group 239.1.1.1
    // IGMPv3 General Query 192.0.2.1 -> 224.0.0.1, MRC 100, QRV 2, QQIC 125
    out.push_back({"igmpv3-gq", hex("01 00 5e 00 00 01"   // dst MAC (224.0.0.1)
                                    "02 00 00 00 00 01"   // src MAC
                                    "08 00"               // ethertype IPv4
                                    "46 c0 00 24"         // IPv4, IHL 6, TOS 0xc0, length 36
                                    "00 00 40 00"         // id 0, DF
                                    "01 02 42 11"         // TTL 1, IGMP, header checksum
                                    "c0 00 02 01"         // src 192.0.2.1
                                    "e0 00 00 01"         // dst 224.0.0.1
                                    "94 04 00 00"         // Router Alert
                                    "11 64 ec 1e"         // Query, MRC 100 (10 s), checksum
                                    "00 00 00 00"         // group 0 (general)
                                    "02 7d 00 00")});     // S 0 QRV 2, QQIC 125, 0 sources
    // IGMPv2 General Query from the proxy address 0.0.0.0 (RFC 4541 §2.1.1)
    out.push_back({"igmpv2-gq-proxy", hex("01 00 5e 00 00 01"   // dst MAC (224.0.0.1)
                                          "02 00 00 00 00 01"   // src MAC
                                          "08 00"               // ethertype IPv4
                                          "46 c0 00 20"         // IPv4, IHL 6, length 32
                                          "00 00 40 00"         // id 0, DF
                                          "01 02 04 17"         // TTL 1, IGMP, checksum
                                          "00 00 00 00"         // src 0.0.0.0
                                          "e0 00 00 01"         // dst 224.0.0.1
                                          "94 04 00 00"         // Router Alert
                                          "11 64 ee 9b"         // Query, MRT 100, checksum
                                          "00 00 00 00")});     // group 0 (general)

    // ---- §1.13 IGMP payloads, wrapped ----
    out.push_back({"igmpv1-report", frame4(kHost, "239.1.1.1",
                                           hex("12 00 fd fc"     // v1 Report, unused, checksum
                                               "ef 01 01 01"),   // group 239.1.1.1
                                           kNoRouterAlert)});
    out.push_back({"igmpv2-leave", frame4(kHost, "224.0.0.2",
                                          hex("17 00 f8 fc"        // Leave Group, checksum
                                              "ef 01 01 01"))});   // group 239.1.1.1
    out.push_back(
        {"igmp-global-leave", frame4(kHost, "224.0.0.2",
                                     hex("17 00 e8 ff"        // Leave Group, checksum
                                         "00 00 00 00"))});   // group 0: query solicitation
    out.push_back({"igmpv1-gq", frame4(kQuerier, "224.0.0.1",
                                       hex("11 00 ee ff"     // Query, Max Resp 0 => v1
                                           "00 00 00 00"),   // group 0
                                       kNoRouterAlert)});
    out.push_back({"igmpv2-gq", frame4(kQuerier, "224.0.0.1",
                                       hex("11 64 ee 9b"        // Query, MRT 100 (10 s)
                                           "00 00 00 00"))});   // group 0
    out.push_back({"igmpv2-gsq", frame4(kQuerier, "239.1.1.1",
                                        hex("11 0a fe f2"        // Query, MRT 10 (1 s)
                                            "ef 01 01 01"))});   // group 239.1.1.1
    out.push_back({"igmpv3-gsq", frame4(kQuerier, "239.1.1.1",
                                        hex("11 0a fc 75"        // Query, MRC 10 (1 s)
                                            "ef 01 01 01"        // group 239.1.1.1
                                            "02 7d 00 00"))});   // QRV 2, QQIC 125, 0 sources
    out.push_back({"igmpv3-gssq", frame4(kQuerier, "232.1.1.1",
                                         hex("11 0a f1 73"        // Query, MRC 10
                                             "e8 01 01 01"        // group 232.1.1.1
                                             "0a 7d 00 01"        // S 1 QRV 2, QQIC 125, 1 source
                                             "0a 00 00 01"))});   // source 10.0.0.1
    out.push_back({"igmpv3-report-to-ex", frame4(kHost, "224.0.0.22",
                                                 hex("22 00 e9 fb"        // v3 Report, checksum
                                                     "00 00 00 01"        // flags, 1 record
                                                     "04 00 00 00"        // TO_EX, aux 0, 0 sources
                                                     "ef 01 01 01"))});   // group 239.1.1.1
    out.push_back({"igmpv3-report-to-in", frame4(kHost, "224.0.0.22",
                                                 hex("22 00 ea fb"        // v3 Report, checksum
                                                     "00 00 00 01"        // flags, 1 record
                                                     "03 00 00 00"        // TO_IN, aux 0, 0 sources
                                                     "ef 01 01 01"))});   // group 239.1.1.1
    out.push_back({"igmpv3-report-allow", frame4(kHost, "224.0.0.22",
                                                 hex("22 00 e5 f9"        // v3 Report, checksum
                                                     "00 00 00 01"        // flags, 1 record
                                                     "05 00 00 01"        // ALLOW, aux 0, 1 source
                                                     "e8 01 01 01"        // group 232.1.1.1
                                                     "0a 00 00 01"))});   // source 10.0.0.1

    // ---- Linux selftest vectors (bridge_igmp.sh), group 239.10.10.10 ----
    // IGMPv3 is_in report: grp 239.10.10.10 is_include 192.0.2.1,192.0.2.2,192.0.2.3
    out.push_back({"linux-is-in", frame4(kHost, "224.0.0.22",
                                         hex("22:00:9d:de"         // v3 Report, checksum
                                             ":00:00:00:01"        // flags, 1 record
                                             ":01:00:00:03"        // IS_IN, aux 0, 3 sources
                                             ":ef:0a:0a:0a"        // group 239.10.10.10
                                             ":c0:00:02:01"        // source 192.0.2.1
                                             ":c0:00:02:02"        // source 192.0.2.2
                                             ":c0:00:02:03"))});   // source 192.0.2.3
    // is_include 192.0.2.10,192.0.2.11,192.0.2.12
    out.push_back({"linux-is-in-2", frame4(kHost, "224.0.0.22",
                                           hex("22:00:9d:c3"         // v3 Report, checksum
                                               ":00:00:00:01"        // flags, 1 record
                                               ":01:00:00:03"        // IS_IN, aux 0, 3 sources
                                               ":ef:0a:0a:0a"        // group 239.10.10.10
                                               ":c0:00:02:0a"        // source 192.0.2.10
                                               ":c0:00:02:0b"        // source 192.0.2.11
                                               ":c0:00:02:0c"))});   // source 192.0.2.12
    // is_include 192.0.2.20,192.0.2.30
    out.push_back({"linux-is-in-3", frame4(kHost, "224.0.0.22",
                                           hex("22:00:5f:b4"         // v3 Report, checksum
                                               ":00:00:00:01"        // flags, 1 record
                                               ":01:00:00:02"        // IS_IN, aux 0, 2 sources
                                               ":ef:0a:0a:0a"        // group 239.10.10.10
                                               ":c0:00:02:14"        // source 192.0.2.20
                                               ":c0:00:02:1e"))});   // source 192.0.2.30
    // allow 192.0.2.10,192.0.2.11,192.0.2.12
    out.push_back({"linux-allow", frame4(kHost, "224.0.0.22",
                                         hex("22:00:99:c3"         // v3 Report, checksum
                                             ":00:00:00:01"        // flags, 1 record
                                             ":05:00:00:03"        // ALLOW, aux 0, 3 sources
                                             ":ef:0a:0a:0a"        // group 239.10.10.10
                                             ":c0:00:02:0a"        // source 192.0.2.10
                                             ":c0:00:02:0b"        // source 192.0.2.11
                                             ":c0:00:02:0c"))});   // source 192.0.2.12
    // allow 192.0.2.20,192.0.2.30
    out.push_back({"linux-allow-2", frame4(kHost, "224.0.0.22",
                                           hex("22:00:5b:b4"         // v3 Report, checksum
                                               ":00:00:00:01"        // flags, 1 record
                                               ":05:00:00:02"        // ALLOW, aux 0, 2 sources
                                               ":ef:0a:0a:0a"        // group 239.10.10.10
                                               ":c0:00:02:14"        // source 192.0.2.20
                                               ":c0:00:02:1e"))});   // source 192.0.2.30
    // is_exclude 192.0.2.1,192.0.2.2,192.0.2.20,192.0.2.21
    out.push_back({"linux-is-ex", frame4(kHost, "224.0.0.22",
                                         hex("22:00:da:b6"         // v3 Report, checksum
                                             ":00:00:00:01"        // flags, 1 record
                                             ":02:00:00:04"        // IS_EX, aux 0, 4 sources
                                             ":ef:0a:0a:0a"        // group 239.10.10.10
                                             ":c0:00:02:01"        // source 192.0.2.1
                                             ":c0:00:02:02"        // source 192.0.2.2
                                             ":c0:00:02:14"        // source 192.0.2.20
                                             ":c0:00:02:15"))});   // source 192.0.2.21
    // is_exclude 192.0.2.20,192.0.2.30
    out.push_back({"linux-is-ex-2", frame4(kHost, "224.0.0.22",
                                           hex("22:00:5e:b4"         // v3 Report, checksum
                                               ":00:00:00:01"        // flags, 1 record
                                               ":02:00:00:02"        // IS_EX, aux 0, 2 sources
                                               ":ef:0a:0a:0a"        // group 239.10.10.10
                                               ":c0:00:02:14"        // source 192.0.2.20
                                               ":c0:00:02:1e"))});   // source 192.0.2.30
    // to_exclude 192.0.2.1,192.0.2.20,192.0.2.30
    out.push_back({"linux-to-ex", frame4(kHost, "224.0.0.22",
                                         hex("22:00:9a:b1"         // v3 Report, checksum
                                             ":00:00:00:01"        // flags, 1 record
                                             ":04:00:00:03"        // TO_EX, aux 0, 3 sources
                                             ":ef:0a:0a:0a"        // group 239.10.10.10
                                             ":c0:00:02:01"        // source 192.0.2.1
                                             ":c0:00:02:14"        // source 192.0.2.20
                                             ":c0:00:02:1e"))});   // source 192.0.2.30
    // block 192.0.2.1,192.0.2.20,192.0.2.30
    out.push_back({"linux-block", frame4(kHost, "224.0.0.22",
                                         hex("22:00:98:b1"         // v3 Report, checksum
                                             ":00:00:00:01"        // flags, 1 record
                                             ":06:00:00:03"        // BLOCK, aux 0, 3 sources
                                             ":ef:0a:0a:0a"        // group 239.10.10.10
                                             ":c0:00:02:01"        // source 192.0.2.1
                                             ":c0:00:02:14"        // source 192.0.2.20
                                             ":c0:00:02:1e"))});   // source 192.0.2.30

    // ---- Edge cases ----
    // One record of each of the six types (RFC 9776 §4.2.12).
    out.push_back({"igmpv3-report-six-types", frame4(kHost, "224.0.0.22",
                                                     hex("22 00 aa b4"   // v3 Report, checksum
                                                         "00 00 00 06"   // flags, 6 records
                                                         "01 00 00 01"   // IS_IN, aux 0, 1 source
                                                         "ef 01 01 01"   //   group 239.1.1.1
                                                         "c0 00 02 01"   //   192.0.2.1
                                                         "02 00 00 00"   // IS_EX, aux 0, 0 sources
                                                         "ef 01 01 02"   //   group 239.1.1.2
                                                         "03 00 00 01"   // TO_IN, aux 0, 1 source
                                                         "ef 01 01 03"   //   group 239.1.1.3
                                                         "c0 00 02 03"   //   192.0.2.3
                                                         "04 00 00 01"   // TO_EX, aux 0, 1 source
                                                         "ef 01 01 04"   //   group 239.1.1.4
                                                         "c0 00 02 04"   //   192.0.2.4
                                                         "05 00 00 02"   // ALLOW, aux 0, 2 sources
                                                         "e8 01 01 05"   //   group 232.1.1.5
                                                         "c0 00 02 05"   //   192.0.2.5
                                                         "c0 00 02 06"   //   192.0.2.6
                                                         "06 00 00 01"   // BLOCK, aux 0, 1 source
                                                         "e8 01 01 06"   //   group 232.1.1.6
                                                         "c0 00 02 07"))});   //   192.0.2.7
    // Unknown record type skipped, aux data ignored, additional data after the
    // last record included in the checksum and otherwise ignored (RFC 9776 §4.2).
    out.push_back({"igmpv3-report-aux-unknown-trailing",
                   frame4(kHost, "224.0.0.22",
                          hex("22 00 4f 9b"        // v3 Report, checksum
                              "00 00 00 02"        // flags, 2 records
                              "07 01 00 01"        // type 7 (unknown), aux 1 word, 1 source
                              "ef 09 09 09"        //   group 239.9.9.9
                              "c0 00 02 09"        //   192.0.2.9
                              "01 02 03 04"        //   aux data
                              "02 01 00 01"        // IS_EX, aux 1 word, 1 source
                              "ef 01 01 01"        //   group 239.1.1.1
                              "c0 00 02 01"        //   192.0.2.1
                              "aa bb cc dd"        //   aux data
                              "de ad be ef"))});   // additional data
    out.push_back({"igmpv3-gq-additional-data",
                   frame4(kQuerier, "224.0.0.1",
                          hex("11 64 4e 81"        // Query, MRC 100, checksum
                              "00 00 00 00"        // group 0
                              "02 7d 00 00"        // QRV 2, QQIC 125, 0 sources
                              "de ad be ef"))});   // additional data (RFC 9776 §4.1.10)
    out.push_back({"igmpv3-gq-float",
                   frame4(kQuerier, "224.0.0.1",
                          hex("11 8f de e0"        // Query, MRC 0x8f = 248 (24.8 s), checksum
                              "00 00 00 00"        // group 0
                              "0f 90 00 00"))});   // S 1 QRV 7, QQIC 0x90 = 256 s, 0 sources
    // Router Alert after a NOP, then EOL and padding (IHL 7).
    out.push_back({"igmpv2-report-ra-not-first",
                   hex("01 00 5e 01 01 01"   // dst MAC
                       "02 00 00 00 00 01"   // src MAC
                       "08 00"               // ethertype IPv4
                       "47 c0 00 24"         // IPv4, IHL 7, TOS 0xc0, length 36
                       "00 00 40 00"         // id 0, DF
                       "01 02 bf 77"         // TTL 1, IGMP, header checksum
                       "c0 00 02 0a"         // src 192.0.2.10
                       "ef 01 01 01"         // dst 239.1.1.1
                       "01"                  // NOP
                       "94 04 00 00"         // Router Alert
                       "00 00 00"            // EOL, padding
                       "16 00 f9 fc"         // v2 Report, checksum
                       "ef 01 01 01")});     // group 239.1.1.1
    out.push_back({"igmpv2-report-vlan10",
                   hex("01 00 5e 01 01 01"   // dst MAC
                       "02 00 00 00 00 01"   // src MAC
                       "81 00 c0 0a"         // 802.1Q, PCP 6, VID 10
                       "08 00"               // ethertype IPv4
                       "46 c0 00 20"         // IPv4, IHL 6, TOS 0xc0, length 32
                       "00 00 40 00"         // id 0, DF
                       "01 02 32 0b"         // TTL 1, IGMP, header checksum
                       "c0 00 02 0a"         // src 192.0.2.10
                       "ef 01 01 01"         // dst 239.1.1.1
                       "94 04 00 00"         // Router Alert
                       "16 00 f9 fc"         // v2 Report, checksum
                       "ef 01 01 01")});     // group 239.1.1.1
    out.push_back({"igmpv2-report-stag20",
                   hex("01 00 5e 01 01 01"   // dst MAC
                       "02 00 00 00 00 01"   // src MAC
                       "88 a8 00 14"         // 802.1ad S-tag, VID 20
                       "08 00"               // ethertype IPv4
                       "46 c0 00 20"         // IPv4, IHL 6, TOS 0xc0, length 32
                       "00 00 40 00"         // id 0, DF
                       "01 02 32 0b"         // TTL 1, IGMP, header checksum
                       "c0 00 02 0a"         // src 192.0.2.10
                       "ef 01 01 01"         // dst 239.1.1.1
                       "94 04 00 00"         // Router Alert
                       "16 00 f9 fc"         // v2 Report, checksum
                       "ef 01 01 01")});     // group 239.1.1.1
}

}  // namespace mcs::wire::test
