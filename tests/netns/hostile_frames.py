"""Hostile IGMP/MLD frames (issue #10), built byte by byte: each is a valid frame
with one thing wrong, and a group of its own so that tests can tell it never got
into the MDB. Used by test_hostile.py; `--write DIR` writes them as fuzz seeds
(tests/fuzz/corpus/frame-hostile, read by scripts/fuzz.sh).

Runs with Debian's /usr/bin/python3 (no third-party modules).
"""

from __future__ import annotations

import argparse
import ipaddress
import struct
from dataclasses import dataclass
from pathlib import Path

from lab import inet_checksum as csum

SRC_MAC = bytes.fromhex("020000000001")
SRC4 = "192.0.2.11"
SRC6 = "fe80::ff:fe00:1"
RA4 = bytes([0x94, 0x04, 0x00, 0x00])              # IPv4 Router Alert (RFC 2113)
HBH_RA = bytes([58, 0, 0x05, 0x02, 0, 0, 0x01, 0])  # next ICMPv6; RA (RFC 2711) + PadN




def a4(s: str) -> bytes:
    return ipaddress.IPv4Address(s).packed


def a6(s: str) -> bytes:
    return ipaddress.IPv6Address(s).packed


def eth(dst_ip: str, ethertype: int, src_mac: bytes = SRC_MAC) -> bytes:
    ip = ipaddress.ip_address(dst_ip)
    if ip.version == 4:
        b = ip.packed
        dst = bytes([0x01, 0x00, 0x5E, b[1] & 0x7F, b[2], b[3]]) if ip.is_multicast else bytes.fromhex("ffffffffffff")
    else:
        dst = b"\x33\x33" + ip.packed[-4:]
    return dst + src_mac + struct.pack("!H", ethertype)


def ipv4(src: str, dst: str, payload: bytes, *, ttl: int = 1, ra: bool = True, proto: int = 2,
         bad_csum: bool = False, total_len: int | None = None) -> bytes:
    opts = RA4 if ra else b""
    ihl = 5 + len(opts) // 4
    tl = total_len if total_len is not None else ihl * 4 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0xC0, tl, 0, 0, ttl, proto, 0, a4(src), a4(dst)) + opts
    c = csum(h) ^ (0x5A5A if bad_csum else 0)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def igmp(body: bytes, *, bad_csum: bool = False) -> bytes:
    """body with its checksum field (bytes 2-3) zero."""
    c = csum(body) ^ (0x1234 if bad_csum else 0)
    return body[:2] + struct.pack("!H", c) + body[4:]


def igmpv2_report(group: str, **kw) -> bytes:
    return igmp(struct.pack("!BBH4s", 0x16, 0, 0, a4(group)), **kw)


def igmpv3_report(records: list[bytes], count: int | None = None, **kw) -> bytes:
    n = len(records) if count is None else count
    return igmp(struct.pack("!BBHHH", 0x22, 0, 0, 0, n) + b"".join(records), **kw)


def record4(rtype: int, group: str, sources: list[str], nsrc: int | None = None) -> bytes:
    n = len(sources) if nsrc is None else nsrc
    return struct.pack("!BBH4s", rtype, 0, n, a4(group)) + b"".join(a4(s) for s in sources)


def igmpv3_query(group: str = "0.0.0.0") -> bytes:
    # Max Resp 10 s, QRV 2, QQIC 125 s, no sources (RFC 9776 §4.1).
    return igmp(struct.pack("!BBH4sBBH", 0x11, 100, 0, a4(group), 2, 125, 0))


def v4frame(dst: str, payload: bytes, **kw) -> bytes:
    return eth(dst, 0x0800) + ipv4(SRC4, dst, payload, **kw)


def mld(src: str, dst: str, body: bytes, *, bad_csum: bool = False) -> bytes:
    pseudo = a6(src) + a6(dst) + struct.pack("!I3xB", len(body), 58)
    c = csum(pseudo + body) ^ (0x1234 if bad_csum else 0)
    return body[:2] + struct.pack("!H", c) + body[4:]


def v6frame(dst: str, body: bytes, *, src: str = SRC6, hop_limit: int = 1, ra: bool = True,
            bad_csum: bool = False) -> bytes:
    icmp = mld(src, dst, body, bad_csum=bad_csum)
    if ra:
        payload, nh = HBH_RA + icmp, 0
    else:
        payload, nh = icmp, 58
    h = struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hop_limit, a6(src), a6(dst))
    return eth(dst, 0x86DD) + h + payload


def mldv1_report(group: str) -> bytes:
    return struct.pack("!BBHHH16s", 131, 0, 0, 0, 0, a6(group))


@dataclass
class Hostile:
    name: str
    frame: bytes
    group: str            # must never reach the MDB
    counter: str          # Describe counter that counts it ("drop.x" bridge, "cause.x"/"rx.x" VLAN 0)
    strict_only: bool = False


def hostile() -> list[Hostile]:
    """Frames dropped (counted by reason) or ignored as the RFCs say, in default mode."""
    out = []

    def add(name, frame, group, counter):
        out.append(Hostile(name, frame, group, counter))

    g = lambda n: f"239.66.0.{n}"  # noqa: E731
    add("igmp-bad-checksum", v4frame(g(1), igmpv2_report(g(1), bad_csum=True)), g(1), "drop.bad-igmp-checksum")
    add("ipv4-bad-header-checksum", v4frame(g(2), igmpv2_report(g(2)), bad_csum=True), g(2),
        "drop.bad-ipv4-checksum")
    # A v2 report cut to its first 4 bytes (checksum right for those; total length says so).
    add("igmp-truncated", v4frame(g(3), igmp(struct.pack("!BBH", 0x16, 0, 0))), g(3), "drop.truncated-igmp")
    # IPv4 header cut after 12 bytes.
    add("ipv4-truncated", eth(g(4), 0x0800) + ipv4(SRC4, g(4), igmpv2_report(g(4)))[:12], g(4),
        "drop.truncated-ipv4")
    # Total length larger than the frame.
    add("ipv4-bad-total-length", v4frame(g(5), igmpv2_report(g(5)), total_len=1400), g(5),
        "drop.bad-ipv4-total-length")
    # A record that claims 5000 sources and carries one.
    add("igmpv3-huge-source-count", v4frame("224.0.0.22", igmpv3_report(
        [record4(2, g(6), ["192.0.2.200"], nsrc=5000)])), g(6), "drop.truncated-record")
    # A report that claims 65535 records and carries one.
    add("igmpv3-huge-record-count", v4frame("224.0.0.22", igmpv3_report(
        [record4(2, g(7), [])], count=65535)), g(7), "drop.truncated-record")
    add("igmpv2-unicast-group", v4frame("10.1.2.3", igmpv2_report("10.1.2.3")), "10.1.2.3",
        "drop.bad-group-address")
    add("igmpv2-all-hosts-group", v4frame("224.0.0.1", igmpv2_report("224.0.0.1")), "224.0.0.1",
        "drop.bad-group-address")
    add("igmpv3-record-unicast-group", v4frame("224.0.0.22", igmpv3_report([record4(4, "10.9.9.9", [])])),
        "10.9.9.9", "drop.bad-group-address")
    add("igmpv3-record-multicast-source", v4frame("224.0.0.22", igmpv3_report(
        [record4(1, g(8), ["239.1.1.1"])])), g(8), "drop.bad-source-address")
    add("igmp-unknown-type", v4frame(g(9), igmp(struct.pack("!BBH4s", 0x99, 0, 0, a4(g(9))))), g(9),
        "drop.unknown-igmp-type")
    # RFC 4541 §2.1.2 (2): 224.0.0.x is never tracked (kept out of the MDB, counted).
    add("igmpv2-link-local-group", v4frame("224.0.0.123", igmpv2_report("224.0.0.123")), "224.0.0.123",
        "cause.link-local-group")
    # RFC 9776 §4.2.13: unknown record types are ignored (and counted); the rest of the
    # report still counts.
    add("igmpv3-unknown-record-type", v4frame("224.0.0.22", igmpv3_report([record4(9, g(10), [])])), g(10),
        "cause.unknown-record-type")
    m = lambda n: f"ff15::66:{n}"  # noqa: E731
    add("mld-hop-limit-255", v6frame(m(1), mldv1_report(m(1)), hop_limit=255), m(1), "drop.mld-hop-limit-not-1")
    add("mld-no-router-alert", v6frame(m(2), mldv1_report(m(2)), ra=False), m(2), "drop.mld-no-router-alert")
    add("mld-bad-checksum", v6frame(m(3), mldv1_report(m(3)), bad_csum=True), m(3), "drop.bad-icmpv6-checksum")
    add("mld-global-source", v6frame(m(4), mldv1_report(m(4)), src="2001:db8::1"), m(4),
        "drop.mld-source-not-link-local")
    add("mld-truncated", v6frame(m(5), mldv1_report(m(5))[:12]), m(5), "drop.truncated-mld")
    add("mld-node-local-group", v6frame("ff11::66", mldv1_report("ff11::66")), "ff11::66",
        "drop.bad-group-address")
    return out


def strict() -> list[Hostile]:
    """SHOULD-level violations: accepted by default (RFC 9776 §4 asks senders for TTL 1
    and Router Alert; receivers are not told to drop), dropped with --strict."""
    g = lambda n: f"239.67.0.{n}"  # noqa: E731
    return [
        Hostile("igmp-ttl-64", v4frame(g(1), igmpv2_report(g(1)), ttl=64), g(1), "drop.strict-ttl-not-1", True),
        Hostile("igmp-no-router-alert", v4frame(g(2), igmpv2_report(g(2)), ra=False), g(2),
                "drop.strict-no-router-alert", True),
    ]


def spoofed_query(src: str = "192.0.2.1") -> bytes:
    """An IGMPv3 general query from a lower address than any querier of the lab."""
    return eth("224.0.0.1", 0x0800) + ipv4(src, "224.0.0.1", igmpv3_query())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--write", metavar="DIR", help="write every frame as a fuzz seed into DIR")
    a = p.parse_args()
    frames = [(h.name, h.frame) for h in hostile() + strict()] + [("igmpv3-query-spoofed-low", spoofed_query())]
    if a.write:
        d = Path(a.write)
        d.mkdir(parents=True, exist_ok=True)
        for name, f in frames:
            (d / name).write_bytes(f)
        print(f"{len(frames)} seeds written to {d}")
    else:
        for name, f in frames:
            print(name, f.hex())


if __name__ == "__main__":
    main()
