#!/usr/bin/python3
"""Regenerates tests/captures/*.frames: control frames sent by real Linux hosts,
the Linux bridge's own querier, a Linux STP bridge and pimd, captured on the
bridge ports of a netns lab.

    sudo /usr/bin/python3 tests/captures/capture.py [OUTDIR]

Each output file holds one scenario: '#' lines say what produced the frames and
'expect:' lines say what the decoder must make of each frame (in order), e.g.
    expect: report igmpv3 TO_EX 239.1.1.1
    frame 01005e000016...
captures_test.cc decodes every frame and checks it against its expect line.
"""

import os
import platform
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "netns"))
from lab import Lab, sh, wait_until  # noqa: E402

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent


class Sniffer:
    """tcpdump on one bridge port of the switch namespace, pcap to a file."""

    FILTER = "igmp or ip proto 103 or icmp6 or (ip6 and ip6[6] == 0) or ether dst 01:80:c2:00:00:00"

    def __init__(self, lab: Lab, port: str):
        self.lab = lab
        self.path = lab.tmp / f"{port}-{time.monotonic_ns()}.pcap"
        self.proc = lab.swspawn("tcpdump", "-i", port, "-U", "-n", "-w", str(self.path),
                                "-Q", "in", self.FILTER, stderr=subprocess.PIPE)
        # tcpdump prints "listening on" once the capture is live.
        line = self.proc.stderr.readline().decode()
        if "listening" not in line:
            raise RuntimeError(f"tcpdump did not start: {line}")

    def peek(self) -> list[bytes]:
        return read_pcap(self.path)

    def frames(self) -> list[bytes]:
        time.sleep(0.3)  # let tcpdump flush the last packets (-U) before stopping it
        self.lab.kill(self.proc)
        return read_pcap(self.path)


def read_pcap(path: Path) -> list[bytes]:
    data = path.read_bytes() if path.exists() else b""
    frames, off = [], 24  # pcap global header
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        if off + 16 + incl > len(data):
            break
        frames.append(data[off + 16: off + 16 + incl])
        off += 16 + incl
    return frames


def inet_csum(b: bytes) -> int:
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def classify(f: bytes) -> str:
    """Coarse expectation computed independently of the C++ decoder."""
    if f[:6] == bytes.fromhex("0180c2000000"):
        return "bpdu"
    et = struct.unpack_from("!H", f, 12)[0]
    if et == 0x0800:
        ihl = (f[14] & 0x0f) * 4
        proto = f[23]
        l4 = f[14 + ihl:]
        if proto == 103:
            return "pim-hello"
        total = struct.unpack_from("!H", f, 16)[0]
        if proto == 2 and inet_csum(f[14 + ihl: 14 + total]) != 0:
            return "drop bad-igmp-checksum"
        t = l4[0]
        return {0x11: "query", 0x12: "report igmpv1", 0x16: "report igmpv2", 0x17: "leave igmpv2",
                0x22: "report igmpv3"}.get(t, f"igmp-type-{t:#x}")
    if et == 0x86dd:
        nh, off = f[20], 54
        while nh in (0, 60, 43):
            nh, off = f[off], off + (f[off + 1] + 1) * 8
        if nh != 58:
            return f"ipv6-nh-{nh}"
        t = f[off]
        return {130: "query", 131: "report mldv1", 132: "leave mldv1", 143: "report mldv2"}.get(
            t, f"icmpv6-type-{t}")
    return f"ethertype-{et:#x}"


def write(name: str, what: str, frames: list[bytes], keep=lambda k: True, limit: int = 50) -> None:
    lines = [f"# {what}",
             f"# captured {time.strftime('%Y-%m-%d')} on Linux {platform.release()} by capture.py"]
    n = 0
    for f in frames:
        k = classify(f)
        if not keep(k) or n >= limit:
            continue
        lines += [f"expect: {k}", f"frame {f.hex()}"]
        n += 1
    if n == 0:
        raise RuntimeError(f"{name}: no frames captured")
    (OUT / f"{name}.frames").write_text("\n".join(lines) + "\n")
    print(f"{name}: {n} frames")


def is_report(k: str) -> bool:
    return k.startswith("report") or k.startswith("leave")


def hosts_join_leave() -> None:
    scenarios = [
        ("igmpv3-asm", "IGMPv3 host joins and leaves 239.1.1.1 (any source)", 3, None, "239.1.1.1", None),
        ("igmpv3-ssm", "IGMPv3 host joins and leaves 232.1.1.1 from 192.0.2.99", 3, None, "232.1.1.1",
         "192.0.2.99"),
        ("igmpv2", "IGMPv2 host (force_igmp_version=2) joins and leaves 239.1.1.2", 2, None, "239.1.1.2",
         None),
        ("igmpv1", "IGMPv1 host (force_igmp_version=1) joins 239.1.1.3", 1, None, "239.1.1.3", None),
        ("mldv2-asm", "MLDv2 host joins and leaves ff15::1", None, 2, "ff15::1", None),
        ("mldv2-ssm", "MLDv2 host joins and leaves ff35::1 from 2001:db8::99", None, 2, "ff35::1",
         "2001:db8::99"),
        ("mldv1", "MLDv1 host (force_mld_version=1) joins and leaves ff15::2", None, 1, "ff15::2", None),
    ]
    for name, what, igmp_v, mld_v, group, source in scenarios:
        with Lab(hosts=["h1"]) as lab:
            h = lab.hosts["h1"]
            if igmp_v:
                h.force_igmp_version(igmp_v)
            if mld_v:
                h.force_mld_version(mld_v)
            if ":" in group:
                h.run("ip", "-6", "addr", "add", "2001:db8::11/64", "dev", "eth0", "nodad")
            sn = Sniffer(lab, h.port)
            r = h.join(group, source)
            time.sleep(0.5)  # unsolicited reports are sent at the configured 100 ms interval
            r.stop()
            time.sleep(0.5)
            frames = sn.frames()
            # keep only the frames about this scenario's group (drop solicited-node MLD noise)
            import ipaddress
            packed = ipaddress.ip_address(group).packed
            write(name, what, [f for f in frames if packed in f and is_report(classify(f))])


def bridge_queriers() -> None:
    for name, what, opts in [
        ("querier-igmpv2-mldv1", "Linux bridge querier, IGMPv2 and MLDv1 general queries",
         ["mcast_igmp_version", "2", "mcast_mld_version", "1"]),
        ("querier-igmpv3-mldv2", "Linux bridge querier, IGMPv3 and MLDv2 general queries",
         ["mcast_igmp_version", "3", "mcast_mld_version", "2"]),
    ]:
        with Lab(hosts=["h1"]) as lab:
            lab.swrun("ip", "addr", "add", "192.0.2.1/24", "dev", lab.bridge)
            lab.swrun("sysctl", "-qw", f"net.ipv6.conf.{lab.bridge}.accept_dad=0")
            lab.swrun("ip", "link", "set", lab.bridge, "down")
            lab.swrun("ip", "link", "set", lab.bridge, "up")
            sn_cmd = Sniffer.FILTER
            # capture what the bridge sends OUT of the port: sniff on the host side instead
            h = lab.hosts["h1"]
            pcap = lab.tmp / f"{name}.pcap"
            p = h.spawn("tcpdump", "-i", "eth0", "-U", "-n", "-w", str(pcap), sn_cmd)
            wait_until(lambda: pcap.exists(), 5, what="tcpdump")
            time.sleep(0.3)
            lab.set_bridge(*opts, "mcast_startup_query_interval", "100", "mcast_query_use_ifaddr", "1",
                           "mcast_querier", "1")
            def queries():
                return [f for f in read_pcap(pcap) if classify(f) == "query"]
            wait_until(lambda: {f[12:14] for f in queries()} >= {b"\x08\x00", b"\x86\xdd"}, 15,
                       what="IPv4 and IPv6 queries from the bridge")
            lab.kill(p)
            qs = queries()
            # one of each family is enough
            v4 = [f for f in qs if f[12:14] == b"\x08\x00"][:1]
            v6 = [f for f in qs if f[12:14] == b"\x86\xdd"][:1]
            write(name, what, v4 + v6)


def pimd_hello() -> None:
    with Lab(hosts=["r1"]) as lab:
        r = lab.hosts["r1"]
        conf = lab.tmp / "pimd.conf"
        conf.write_text("phyint eth0 enable\n")
        sn = Sniffer(lab, r.port)
        # pimd writes /run/pimd.*: give it private /run in a mount namespace.
        r.spawn("unshare", "-m", "sh", "-c",
                f"mount -t tmpfs tmpfs /run && exec pimd -f -c {conf}")
        wait_until(lambda: any(classify(f) == "pim-hello" for f in sn.peek()), 20, interval=0.5,
                   what="a PIM hello from pimd")
        write("pimd", "pimd (Debian pimd) on a router host: PIMv2 hellos and its IGMP queries "
              "(pimd 2.3.2 sends IGMPv3 queries with a bad checksum: expect a drop)",
              sn.frames(), keep=lambda k: k in ("pim-hello", "query", "drop bad-igmp-checksum"), limit=4)


def stp_bpdus() -> None:
    with Lab(hosts=["s1"]) as lab:
        s = lab.hosts["s1"]
        # the host becomes an STP bridge: eth0 enslaved to a host bridge with STP on
        s.run("ip", "link", "add", "hbr", "type", "bridge", "stp_state", "1", "hello_time", "100")
        s.run("ip", "link", "set", "eth0", "master", "hbr")
        sn = Sniffer(lab, s.port)
        s.run("ip", "link", "set", "hbr", "up")
        time.sleep(2.5)
        write("stp", "Linux bridge with STP (802.1D) sending configuration BPDUs", sn.frames(),
              keep=lambda k: k == "bpdu", limit=2)


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("capture.py: run as root")
    for tool in ("tcpdump", "pimd", "unshare"):
        if not shutil.which(tool):
            sys.exit(f"capture.py: {tool} missing (scripts/install-deps.sh)")
    OUT.mkdir(parents=True, exist_ok=True)
    hosts_join_leave()
    bridge_queriers()
    pimd_hello()
    stp_bpdus()


if __name__ == "__main__":
    main()
