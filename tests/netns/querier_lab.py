"""Helpers for the querier tests: capture what reaches a host (tcpdump in the host's
namespace), decode IGMP/MLD queries and reports by hand (every field the tests check),
build the frames a test injects (queries of a stand-in router, TCN BPDUs), and the
RFC floating-point codes (RFC 3376 §4.1.1/§4.1.7, RFC 3810 §5.1.3)."""

from __future__ import annotations

import ipaddress
import struct
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lab import PY, Host, Lab, wait_until
from lab import inet_checksum as _csum

HERE = Path(__file__).resolve().parent
FRAME_TOOL = HERE / "frame_tool.py"

# IGMP, MLD (IPv6 with a Hop-by-Hop header first) and BPDUs.
CAPTURE_FILTER = "igmp or (ip6 and ip6[6] == 0) or ether dst 01:80:c2:00:00:00"


# ---- floating-point codes -----------------------------------------------------------

def decode_code8(code: int) -> int:
    """IGMPv3 Max Resp Code (tenths of s) and QQIC (s), RFC 3376 §4.1.1/§4.1.7."""
    if code < 0x80:
        return code
    return ((code & 0x0F) | 0x10) << (((code >> 4) & 7) + 3)


def decode_code16(code: int) -> int:
    """MLDv2 Maximum Response Code (ms), RFC 3810 §5.1.3."""
    if code < 0x8000:
        return code
    return ((code & 0x0FFF) | 0x1000) << (((code >> 12) & 7) + 3)


def lower_representable8(value: int) -> int:
    """The code for `value`: exact, else the next lower representable value
    (computed by search over all codes, independent of the daemon's encoder)."""
    return max(c for c in range(256) if decode_code8(c) <= value)


def lower_representable16(value: int) -> int:
    return max((c for c in range(65536) if decode_code16(c) <= value))


# ---- decoded packets ------------------------------------------------------------------

@dataclass
class Pkt:
    ts: float
    eth_src: str
    eth_dst: str
    family: int            # 4 or 6
    src: str
    dst: str
    ttl: int               # TTL / hop limit
    router_alert: bool
    kind: str              # query, report, leave, bpdu, other
    version: str = ""      # igmpv1/2/3, mldv1/2 (queries and reports)
    group: str = ""        # queries: group field ("0.0.0.0"/"::" = general)
    max_resp_code: int = 0
    s_flag: bool = False
    qrv: int = 0
    qqic: int = 0
    sources: list = field(default_factory=list)
    records: list = field(default_factory=list)   # reports v3/mldv2: (type, group, [sources])
    l4_len: int = 0
    raw: bytes = b""

    @property
    def general(self) -> bool:
        return self.kind == "query" and ipaddress.ip_address(self.group).is_unspecified

    @property
    def max_resp_s(self) -> float:
        """Max response time in seconds as the hosts read it."""
        if self.version == "igmpv3":
            return decode_code8(self.max_resp_code) / 10
        if self.version == "mldv2":
            return decode_code16(self.max_resp_code) / 1000
        if self.version == "mldv1":
            return self.max_resp_code / 1000
        return self.max_resp_code / 10


def _ip6(b: bytes) -> str:
    return str(ipaddress.IPv6Address(b))


def _ip4(b: bytes) -> str:
    return str(ipaddress.IPv4Address(b))


def decode(ts: float, f: bytes) -> Pkt | None:
    if len(f) < 14:
        return None
    dst, src = f[0:6].hex(":"), f[6:12].hex(":")
    et = struct.unpack("!H", f[12:14])[0]
    off = 14
    if et == 0x8100:
        et = struct.unpack("!H", f[16:18])[0]
        off = 18
    if dst == "01:80:c2:00:00:00":
        return Pkt(ts, src, dst, 0, "", "", 0, False, "bpdu", raw=f)
    if et == 0x0800:
        ip = f[off:]
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 2:
            return None
        opts = ip[20:ihl]
        ra = b"\x94\x04\x00\x00" in bytes(opts)
        m = ip[ihl:total]
        p = Pkt(ts, src, dst, 4, _ip4(ip[12:16]), _ip4(ip[16:20]), ip[8], ra, "other",
                l4_len=len(m), raw=f)
        t = m[0]
        if t == 0x11:
            p.kind = "query"
            p.max_resp_code = m[1]
            p.group = _ip4(m[4:8])
            if len(m) == 8:
                p.version = "igmpv1" if m[1] == 0 else "igmpv2"
            elif len(m) >= 12:
                p.version = "igmpv3"
                p.s_flag = bool(m[8] & 0x08)
                p.qrv = m[8] & 0x07
                p.qqic = m[9]
                n = struct.unpack("!H", m[10:12])[0]
                p.sources = [_ip4(m[12 + 4 * i:16 + 4 * i]) for i in range(n)]
        elif t in (0x12, 0x16):
            p.kind, p.version, p.group = "report", "igmpv1" if t == 0x12 else "igmpv2", _ip4(m[4:8])
        elif t == 0x17:
            p.kind, p.version, p.group = "leave", "igmpv2", _ip4(m[4:8])
        elif t == 0x22:
            p.kind, p.version = "report", "igmpv3"
            n = struct.unpack("!H", m[6:8])[0]
            o = 8
            for _ in range(n):
                rt, aux, ns = m[o], m[o + 1], struct.unpack("!H", m[o + 2:o + 4])[0]
                g = _ip4(m[o + 4:o + 8])
                srcs = [_ip4(m[o + 8 + 4 * i:o + 12 + 4 * i]) for i in range(ns)]
                p.records.append((rt, g, srcs))
                o += 8 + 4 * ns + aux * 4
        return p
    if et == 0x86DD:
        ip = f[off:]
        plen = struct.unpack("!H", ip[4:6])[0]
        nh, hl = ip[6], ip[7]
        pay = ip[40:40 + plen]
        ra = False
        o = 0
        while nh in (0, 43, 60) and o + 2 <= len(pay):
            ext_len = (pay[o + 1] + 1) * 8
            if nh == 0:
                opts = pay[o + 2:o + ext_len]
                i = 0
                while i < len(opts):
                    if opts[i] == 0:
                        i += 1
                        continue
                    if opts[i] == 5 and opts[i + 1] == 2 and opts[i + 2:i + 4] == b"\0\0":
                        ra = True
                    i += 2 + opts[i + 1]
            nh = pay[o]
            o += ext_len
        if nh != 58:
            return None
        m = pay[o:]
        p = Pkt(ts, src, dst, 6, _ip6(ip[8:24]), _ip6(ip[24:40]), hl, ra, "other", l4_len=len(m),
                raw=f)
        t = m[0]
        if t == 130:
            p.kind = "query"
            p.max_resp_code = struct.unpack("!H", m[4:6])[0]
            p.group = _ip6(m[8:24])
            if len(m) == 24:
                p.version = "mldv1"
            elif len(m) >= 28:
                p.version = "mldv2"
                p.s_flag = bool(m[24] & 0x08)
                p.qrv = m[24] & 0x07
                p.qqic = m[25]
                n = struct.unpack("!H", m[26:28])[0]
                p.sources = [_ip6(m[28 + 16 * i:44 + 16 * i]) for i in range(n)]
        elif t == 131:
            p.kind, p.version, p.group = "report", "mldv1", _ip6(m[8:24])
        elif t == 132:
            p.kind, p.version, p.group = "leave", "mldv1", _ip6(m[8:24])
        elif t == 143:
            p.kind, p.version = "report", "mldv2"
            n = struct.unpack("!H", m[6:8])[0]
            o = 8
            for _ in range(n):
                rt, aux, ns = m[o], m[o + 1], struct.unpack("!H", m[o + 2:o + 4])[0]
                g = _ip6(m[o + 4:o + 20])
                srcs = [_ip6(m[o + 20 + 16 * i:o + 36 + 16 * i]) for i in range(ns)]
                p.records.append((rt, g, srcs))
                o += 20 + 16 * ns + aux * 4
        else:
            return None
        return p
    return None


def read_pcap(path: Path) -> list[tuple[float, bytes]]:
    """Records of a pcap file that tcpdump may still be writing (a torn last record
    is left for the next read)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    out = []
    o = 24
    while o + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + "IIII", data[o:o + 16])
        if o + 16 + incl > len(data):
            break
        out.append((sec + frac / (1e9 if nano else 1e6), data[o + 16:o + 16 + incl]))
        o += 16 + incl
    return out


class Capture:
    """tcpdump on a host's eth0 (its namespace) writing a pcap that the test decodes."""

    def __init__(self, host: Host, ifname: str = "eth0", bpf: str = CAPTURE_FILTER):
        lab = host.lab
        tag = f"{host.name}-{uuid.uuid4().hex[:6]}"
        self.path = lab.tmp / f"cap-{tag}.pcap"
        self.err_path = lab.tmp / f"cap-{tag}.err"
        self.host = host
        err = open(self.err_path, "w")
        self.proc = host.spawn("tcpdump", "-i", ifname, "-n", "-U", "--immediate-mode", "-s", "2048",
                               "-w", str(self.path), bpf, stderr=err)
        err.close()   # the child holds its own descriptor
        wait_until(lambda: "listening on" in self.err_path.read_text() or self.proc.poll() is not None,
                   10, what=f"tcpdump on {host.name}")
        if self.proc.poll() is not None:
            raise AssertionError(f"tcpdump failed: {self.err_path.read_text()}")

    def packets(self, since: float = 0.0) -> list[Pkt]:
        out = []
        for ts, f in read_pcap(self.path):
            if ts < since:
                continue
            p = decode(ts, f)
            if p:
                out.append(p)
        return out

    def queries(self, family: int | None = None, src: str | None = None, general: bool | None = None,
                group: str | None = None, since: float = 0.0) -> list[Pkt]:
        return [p for p in self.packets(since) if p.kind == "query"
                and (family is None or p.family == family)
                and (src is None or p.src == src)
                and (general is None or p.general == general)
                and (group is None or p.group == group)]

    def reports(self, family: int | None = None, since: float = 0.0) -> list[Pkt]:
        return [p for p in self.packets(since) if p.kind in ("report", "leave")
                and (family is None or p.family == family)]

    def stop(self) -> None:
        self.host.lab.kill(self.proc)


# ---- frames a test injects ------------------------------------------------------------



def _mac(s: str) -> bytes:
    return bytes.fromhex(s.replace(":", ""))


def igmp_query(src_mac: str, src: str, version: int = 3, group: str = "0.0.0.0",
               max_resp_code: int = 10, qrv: int = 2, qqic: int = 4) -> bytes:
    """An IGMP query frame as a router sends it (TTL 1, Router Alert)."""
    g = ipaddress.IPv4Address(group).packed
    if version == 3:
        m = bytearray(struct.pack("!BBH4sBBH", 0x11, max_resp_code, 0, g, qrv & 7, qqic, 0))
    else:
        m = bytearray(struct.pack("!BBH4s", 0x11, max_resp_code if version == 2 else 0, 0, g))
    m[2:4] = struct.pack("!H", _csum(bytes(m)))
    dst = "224.0.0.1" if ipaddress.IPv4Address(group).is_unspecified else group
    d = ipaddress.IPv4Address(dst).packed
    hdr = bytearray(struct.pack("!BBHHHBBH4s4s", 0x46, 0xC0, 24 + len(m), 0, 0x4000, 1, 2, 0,
                                ipaddress.IPv4Address(src).packed, d) + b"\x94\x04\x00\x00")
    hdr[10:12] = struct.pack("!H", _csum(bytes(hdr)))
    mac_dst = bytes([1, 0, 0x5E, d[1] & 0x7F, d[2], d[3]])
    return _pad(mac_dst + _mac(src_mac) + b"\x08\x00" + bytes(hdr) + bytes(m))


def mld_query(src_mac: str, src: str, version: int = 2, group: str = "::",
              max_resp_code: int = 1000, qrv: int = 2, qqic: int = 4) -> bytes:
    """An MLD query frame (hop limit 1, Hop-by-Hop Router Alert)."""
    g = ipaddress.IPv6Address(group).packed
    m = bytearray(struct.pack("!BBHHH16s", 130, 0, 0, max_resp_code, 0, g))
    if version == 2:
        m += struct.pack("!BBH", qrv & 7, qqic, 0)
    dst = ipaddress.IPv6Address("ff02::1" if ipaddress.IPv6Address(group).is_unspecified else group)
    s = ipaddress.IPv6Address(src)
    pseudo = s.packed + dst.packed + struct.pack("!IxxxB", len(m), 58)
    m[2:4] = struct.pack("!H", _csum(pseudo + bytes(m)))
    hbh = bytes([58, 0, 5, 2, 0, 0, 1, 0])   # Router Alert (MLD), PadN
    ip = struct.pack("!IHBB16s16s", 0x60000000, len(hbh) + len(m), 0, 1, s.packed, dst.packed)
    mac_dst = b"\x33\x33" + dst.packed[12:]
    return mac_dst + _mac(src_mac) + b"\x86\xdd" + ip + hbh + bytes(m)


def tcn_bpdu(src_mac: str) -> bytes:
    """IEEE 802.1D Topology Change Notification BPDU (802.3 length, LLC 42/42/03)."""
    bpdu = b"\x00\x00\x00\x80"          # protocol 0, version 0, type 0x80 (TCN)
    llc = b"\x42\x42\x03"
    return _pad(_mac("01:80:c2:00:00:00") + _mac(src_mac) + struct.pack("!H", len(llc) + len(bpdu))
                + llc + bpdu)


def _pad(f: bytes) -> bytes:
    return f + b"\0" * max(0, 60 - len(f))


def send_frames(host: Host, frames: list[bytes], count: int = 1, every: float = 1.0,
                background: bool = False):
    """Send raw frames out of the host's eth0; background: keep sending every `every` s
    until the returned process is stopped (lab.kill)."""
    args = [PY, str(FRAME_TOOL), "send", "--ifname", "eth0", "--count", str(0 if background else count),
            "--every", str(every)]
    for f in frames:
        args += ["--hex", f.hex()]
    if background:
        return host.spawn(*args)
    host.run(*args)
    return None


class SourceMember:
    """A host holding INCLUDE memberships of GROUP for several sources with its own stack;
    drop(S...) makes it send BLOCK(S)."""

    def __init__(self, host: Host, group: str, sources: list[str], drop: list[str], port: int = 5001):
        tag = uuid.uuid4().hex[:6]
        self.out = host.lab.tmp / f"ssm-{host.name}-{tag}"
        self.trigger = host.lab.tmp / f"ssm-{host.name}-{tag}.go"
        self.proc = host.spawn(PY, str(FRAME_TOOL), "ssm", "--ifname", host.ifname, "--group", group,
                               "--sources", ",".join(sources), "--drop", ",".join(drop),
                               "--trigger", str(self.trigger), "--out", str(self.out),
                               "--port", str(port))
        wait_until(lambda: self.out.exists(), 5, what=f"{host.name} joined {group} for {sources}")

    def drop(self) -> None:
        self.trigger.write_text("go\n")
        wait_until(lambda: self.out.read_text().startswith("dropped"), 5, what="sources dropped")


# ---- lab set-up -------------------------------------------------------------------------

def querier_config(*, bridge: str = "br0", igmp_version: int = 3, mld_version: int = 2,
                   interval: float = 4, response: float = 1, lmqi: float = 0.5, lmqc: int = 2,
                   robustness: int = 2, startup_count: int = 2, startup_interval: float = 1,
                   address: str | None = None, address6: str | None = None,
                   enabled: bool = True, extra: str = "") -> str:
    lines = [f"enabled = {str(enabled).lower()}", f"interval = {interval}",
             f"response-interval = {response}", f"last-member-interval = {lmqi}",
             f"last-member-count = {lmqc}", f"robustness = {robustness}",
             f"startup-query-count = {startup_count}", f"startup-query-interval = {startup_interval}"]
    if address:
        lines.append(f'address = "{address}"')
    if address6:
        lines.append(f'address6 = "{address6}"')
    q = "\n".join(lines)
    return f"""
[[bridge]]
name = "{bridge}"
igmp-version = {igmp_version}
mld-version = {mld_version}
{extra}

[bridge.querier]
{q}
"""


def bridge_link_local(lab: Lab) -> str:
    """The bridge's IPv6 link-local address, once it is no longer tentative."""
    def ll():
        import json
        out = json.loads(lab.swrun("ip", "-j", "-6", "addr", "show", "dev", lab.bridge, "scope", "link").stdout)
        for a in out[0].get("addr_info", []) if out else []:
            if not a.get("tentative"):
                return a["local"]
        return None
    return wait_until(ll, 10, what="bridge link-local address")


def wait_ipv6_ready(host: Host, timeout: float = 10) -> str:
    """The host's link-local address once DAD is over (an IPv6 send fails before)."""
    import json

    def ll():
        out = json.loads(host.run("ip", "-j", "-6", "addr", "show", "dev", "eth0", "scope", "link").stdout)
        for a in out[0].get("addr_info", []) if out else []:
            if not a.get("tentative"):
                return a["local"]
        return None
    return wait_until(ll, timeout, what=f"{host.name} link-local address")


def connect_bridges(a: Lab, b: Lab, name_a: str = "uplink", name_b: str = "uplink") -> None:
    """One L2 segment: a veth between the bridges of two labs (port `uplink` in both)."""
    tmp_a, tmp_b = f"u{a.id[-6:]}a", f"u{b.id[-6:]}b"
    subprocess.run(["ip", "link", "add", tmp_a, "netns", a.sw, "type", "veth", "peer", "name", tmp_b,
                    "netns", b.sw], check=True, capture_output=True)
    for lab, tmp, name in ((a, tmp_a, name_a), (b, tmp_b, name_b)):
        lab.swrun("ip", "link", "set", "dev", tmp, "name", name)
        lab.swrun("ip", "link", "set", "dev", name, "master", lab.bridge)
        lab.swrun("ip", "link", "set", "dev", name, "up")


def gaps(pkts: list[Pkt]) -> list[float]:
    return [round(b.ts - a.ts, 3) for a, b in zip(pkts, pkts[1:])]


def now() -> float:
    """Wall clock, comparable with pcap timestamps."""
    return time.time()
