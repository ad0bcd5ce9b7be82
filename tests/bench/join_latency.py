#!/usr/bin/python3
"""Join latency: IGMPv3 report on the wire -> MDB entry notified over RTNLGRP_MDB,
mcsnoopd against the kernel's own snooping, on two identical lab bridges in one run.

    sudo MCSNOOPD=build/agent/daemon/mcsnoopd /usr/bin/python3 tests/bench/join_latency.py \
        [-n 1000] [--rate 1000] [--runs 3]

Each lab (tests/netns/lab.py): bridge br0 in a switch namespace, one sender host. Lab
"mcsnoopd" runs the daemon on its bridge (it drops reports before the bridge sees them
and programs the MDB itself); lab "kernel" has no daemon (the bridge learns by itself).
One process does everything with raw sockets opened inside the namespaces, so every
timestamp is CLOCK_MONOTONIC of the same clock:
  * a sender sends N prebuilt IGMPv3 reports (one CHANGE_TO_EXCLUDE {} record each,
    groups 239.1.0.1 ...) from the host's eth0 (AF_PACKET) at RATE per second; the
    send time of each is taken right before send();
  * a listener (NETLINK_ROUTE socket joined to RTNLGRP_MDB in the switch namespace)
    timestamps each RTM_NEWMDB notification of a port entry when recv() returns.
Latency = first notification of the group - send time of its report. The labs run one
after the other, RUNS times (fresh labs each time); percentiles are over all runs.
Prints p50/p99/max per bridge and how many groups never showed up.

N is at most 1024: the snooping core keeps at most 1024 learned groups per port
(core::Limits::groupsPerPort, no configuration key) and refuses the rest.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import socket
import struct
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "netns"))
from lab import Lab, wait_until  # noqa: E402

CLONE_NEWNET = 0x40000000
RTNLGRP_MDB = 26
RTM_NEWMDB = 84
MDBA_MDB, MDBA_MDB_ENTRY, MDBA_MDB_ENTRY_INFO = 1, 1, 1
NLA_TYPE_MASK = 0x3FFF
SO_RCVBUFFORCE = 33
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1

libc = ctypes.CDLL("libc.so.6", use_errno=True)


def in_netns(ns: str, fn):
    """Runs fn() with the calling thread in network namespace `ns` (sockets created
    there stay there), then switches back."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")
        try:
            return fn()
        finally:
            if libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(own)
        os.close(target)


def csum(b: bytes) -> int:
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def group_of(i: int) -> str:
    return f"239.1.{(i + 1) // 250}.{(i + 1) % 250 + 1}"


def igmpv3_report(src_mac: str, src_ip: str, group: str) -> bytes:
    """Ethernet + IPv4 (TTL 1, Router Alert) + IGMPv3 report, one TO_EX({}) record."""
    rec = struct.pack("!BBH4s", 4, 0, 0, socket.inet_aton(group))
    igmp = struct.pack("!BBHHH", 0x22, 0, 0, 0, 1) + rec
    igmp = igmp[:2] + struct.pack("!H", csum(igmp)) + igmp[4:]
    ra = b"\x94\x04\x00\x00"
    total = 24 + len(igmp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x46, 0xC0, total, 0, 0x4000, 1, 2, 0,
                     socket.inet_aton(src_ip), socket.inet_aton("224.0.0.22")) + ra
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("01005e000016") + bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00"
    return eth + ip + igmp


def attrs(buf: bytes, off: int, end: int):
    while off + 4 <= end:
        ln, ty = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            return
        yield ty & NLA_TYPE_MASK, off + 4, off + ln
        off += (ln + 3) & ~3


class MdbListener:
    """RTNLGRP_MDB notifications of one namespace: first arrival time per IPv4 group
    of a port entry (entries of the bridge itself are skipped)."""

    def __init__(self, ns: str, bridge_ifindex: int):
        def mk():
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
            s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
            s.bind((0, 0))
            s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_MDB)
            return s
        self.sock = in_netns(ns, mk)
        self.sock.settimeout(0.2)
        self.bridge = bridge_ifindex
        self.first: dict[str, int] = {}
        self.overruns = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            except OSError:  # ENOBUFS: notifications lost
                self.overruns += 1
                continue
            now = time.monotonic_ns()
            off = 0
            while off + 16 <= len(data):
                ln, ty = struct.unpack_from("=IH", data, off)
                if ln < 16:
                    break
                if ty == RTM_NEWMDB:
                    self.parse(data, off + 16 + 8, off + ln, now)
                off += (ln + 3) & ~3

    def parse(self, buf: bytes, off: int, end: int, now: int):
        for ty, a0, a1 in attrs(buf, off, end):
            if ty != MDBA_MDB:
                continue
            for ty2, b0, b1 in attrs(buf, a0, a1):
                if ty2 != MDBA_MDB_ENTRY:
                    continue
                for ty3, c0, c1 in attrs(buf, b0, b1):
                    if ty3 != MDBA_MDB_ENTRY_INFO or c1 - c0 < 28:
                        continue
                    port, _state, _flags, _vid = struct.unpack_from("=IBBH", buf, c0)
                    proto = struct.unpack_from("!H", buf, c0 + 24)[0]
                    if port == self.bridge or proto != 0x0800:
                        continue
                    grp = socket.inet_ntoa(buf[c0 + 8:c0 + 12])
                    self.first.setdefault(grp, now)

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def pct(v: list[float], p: float) -> float:
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def run_lab(name: str, n: int, rate: float, daemon: str | None) -> dict:
    with Lab(hosts=("s1",)) as lab:
        s1 = lab.hosts["s1"]
        d = None
        if daemon:
            from daemon import Daemon
            os.environ["MCSNOOPD"] = daemon
            # Per-join log lines off (core, mdb at warn): the daemon's own logging is
            # not what is measured.
            d = Daemon(lab, "--log", "core=warn", "--log", "mdb=warn",
                       config='[[bridge]]\nname = "br0"\nlimits = { max-groups-per-vlan = 100000 }\n',
                       log_level="info")
            # The suppression table must cover the port before we send.
            wait_until(lambda: "p1" in lab.swrun("nft", "list", "ruleset").stdout, 10,
                       what="suppression table")
        br_index = lab.link_info(lab.bridge)["ifindex"]
        frames = [igmpv3_report(s1.mac, s1.ipv4, group_of(i)) for i in range(n)]

        def mk_tx():
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            s.bind(("eth0", 0))
            return s
        tx = in_netns(s1.ns, mk_tx)
        listener = MdbListener(lab.sw, br_index)
        sent = [0] * n
        period = 1e9 / rate
        t_start = time.monotonic_ns() + 50_000_000
        for i, f in enumerate(frames):
            target = t_start + int(i * period)
            while True:
                left = target - time.monotonic_ns()
                if left <= 0:
                    break
                if left > 300_000:
                    time.sleep((left - 200_000) / 1e9)
            sent[i] = time.monotonic_ns()
            tx.send(f)
        send_secs = (time.monotonic_ns() - t_start) / 1e9
        deadline = time.monotonic() + 5
        while len(listener.first) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        listener.close()
        tx.close()
        lat = [(listener.first[group_of(i)] - sent[i]) / 1e3 for i in range(n)
               if group_of(i) in listener.first]
        if d:
            d.stop()
        tmp = lab.tmp
    shutil.rmtree(tmp, ignore_errors=True)
    return {"lat": lat, "n": n, "send_secs": send_secs, "overruns": listener.overruns}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1000, help="reports (one group each), at most 1024")
    ap.add_argument("--runs", type=int, default=3, help="fresh lab pairs, one after the other")
    ap.add_argument("--rate", type=float, default=1000, help="reports per second")
    ap.add_argument("--mcsnoopd", default=os.environ.get("MCSNOOPD"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("join_latency.py: run as root")
    if not a.mcsnoopd:
        sys.exit("join_latency.py: set MCSNOOPD or --mcsnoopd")
    runs: dict[str, list[dict]] = {"mcsnoopd": [], "kernel": []}
    for _ in range(a.runs):
        runs["mcsnoopd"].append(run_lab("mcsnoopd", a.n, a.rate, a.mcsnoopd))
        runs["kernel"].append(run_lab("kernel", a.n, a.rate, None))
    print(f"{a.runs} x {a.n} IGMPv3 reports at {a.rate:.0f}/s, report sent -> RTM_NEWMDB received (µs)")
    print(f"{'bridge':10} {'seen':>11} {'sent in':>8} {'min':>8} {'p50':>8} {'p99':>8} {'max':>8}  overruns")
    for name, rs in runs.items():
        lat = [x for r in rs for x in r["lat"]]
        total = sum(r["n"] for r in rs)
        secs = max(r["send_secs"] for r in rs)
        nan = float("nan")
        print(f"{name:10} {len(lat):>5}/{total:<5} {secs:7.2f}s {min(lat) if lat else nan:8.0f} "
              f"{pct(lat, 50) if lat else nan:8.0f} {pct(lat, 99) if lat else nan:8.0f} "
              f"{max(lat) if lat else nan:8.0f}  {sum(r['overruns'] for r in rs)}")


if __name__ == "__main__":
    main()
