"""Shared pieces of the end-to-end benchmarks (tests/bench/*.py, run by bench_all.py).

Everything runs on real kernel bridges in private network namespaces (tests/netns/lab.py)
as root, with Debian's /usr/bin/python3. Timestamps are CLOCK_MONOTONIC of one clock
(time.monotonic_ns) in every process, so a send time taken in one process and a
notification time taken in another compare directly.

- frames: IGMPv3 reports with one or many records (crafted, Ethernet up), sent with
  AF_PACKET sockets opened inside host namespaces (setns of the calling thread);
- MdbListener: a forked process with a NETLINK_ROUTE socket joined to RTNLGRP_MDB in the
  switch namespace; it stamps the first RTM_NEWMDB and the first RTM_DELMDB of every
  (group, port) and hands the stamps back when stopped. A separate process, because a
  sender thread that paces at 10k/s would hold the GIL and delay the stamps;
- proc_*: RSS, CPU time and context switches of a process from /proc;
- bench_daemon: mcsnoopd in a lab with a configuration that lifts the limits a benchmark
  would hit (groups per VLAN, report rate limit).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "netns"))
sys.path.insert(0, str(HERE.parent / "dbus"))
from lab import Lab, LabError, sh, wait_until  # noqa: E402,F401
from lab import inet_checksum as csum  # noqa: E402

CLONE_NEWNET = 0x40000000
RTNLGRP_MDB = 26
RTM_NEWMDB, RTM_DELMDB = 84, 85
MDBA_MDB, MDBA_MDB_ENTRY, MDBA_MDB_ENTRY_INFO = 1, 1, 1
NLA_TYPE_MASK = 0x3FFF
SO_RCVBUFFORCE = 33
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
PR_SET_TIMERSLACK = 29

# IGMPv3 record types (RFC 3376 4.2.12)
MODE_IS_EXCLUDE, CHANGE_TO_INCLUDE, CHANGE_TO_EXCLUDE = 2, 3, 4

GROUP_BASE = 0xEF010000  # 239.1.0.0: group i is GROUP_BASE + 1 + i

libc = ctypes.CDLL("libc.so.6", use_errno=True)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def fine_sleep() -> None:
    """Sleeps of this process wake within microseconds (default slack is 50 µs)."""
    libc.prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0)


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


# ---- frames -----------------------------------------------------------------------



def group_bytes(i: int) -> bytes:
    return struct.pack("!I", GROUP_BASE + 1 + i)


def group_str(i: int) -> str:
    return socket.inet_ntoa(group_bytes(i))


def igmpv3_report(src_mac: str, src_ip: str, records: list[tuple[int, int]]) -> bytes:
    """Ethernet + IPv4 (TTL 1, Router Alert) + IGMPv3 report with one record
    (type, group index) per entry, no sources."""
    recs = b"".join(struct.pack("!BBH4s", t, 0, 0, group_bytes(g)) for t, g in records)
    igmp = struct.pack("!BBHHH", 0x22, 0, 0, 0, len(records)) + recs
    igmp = igmp[:2] + struct.pack("!H", csum(igmp)) + igmp[4:]
    ra = b"\x94\x04\x00\x00"
    ip = struct.pack("!BBHHHBBH4s4s", 0x46, 0xC0, 24 + len(igmp), 0, 0x4000, 1, 2, 0,
                     socket.inet_aton(src_ip), socket.inet_aton("224.0.0.22")) + ra
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("01005e000016") + bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00"
    return eth + ip + igmp


# Records per frame for ~1400-byte frames: 14 Ethernet + 24 IPv4 + 8 IGMP + 8 per record.
RECORDS_PER_FRAME = 170


def tx_socket(host) -> socket.socket:
    def mk():
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        s.bind((host.ifname, 0))
        return s
    return in_netns(host.ns, mk)


def send_paced(items: list[tuple[socket.socket, bytes]], rate: float, burst: int = 1) -> list[int]:
    """Sends the frames in order at `rate` frames/s, `burst` back to back per tick;
    returns the monotonic ns stamp taken right before each send()."""
    fine_sleep()
    stamps = [0] * len(items)
    period = 1e9 * burst / rate
    t0 = time.monotonic_ns() + 20_000_000
    mono = time.monotonic_ns
    for i, (s, f) in enumerate(items):
        if i % burst == 0:
            target = t0 + int((i // burst) * period)
            left = target - mono()
            if left > 60_000:
                time.sleep((left - 40_000) / 1e9)
            while mono() < target:
                pass
        stamps[i] = mono()
        try:
            s.send(f)
        except BlockingIOError:
            stamps[i] = -1
    return stamps


# ---- RTNLGRP_MDB listener (own process) ------------------------------------------

def _attrs(buf: bytes, off: int, end: int):
    while off + 4 <= end:
        ln, ty = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            return
        yield ty & NLA_TYPE_MASK, off + 4, off + ln
        off += (ln + 3) & ~3


def _listen(ns: str, bridge: int, conn, ready) -> None:
    target = os.open(f"/var/run/netns/{ns}", os.O_RDONLY)
    if libc.setns(target, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {ns}")
    os.close(target)
    # Real-time, so the stamps measure the bridge and the daemon, not how long this
    # process waited for a CPU (it sleeps in recv() almost all the time).
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    except OSError:
        pass
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((0, 0))
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_MDB)
    new: dict[tuple[bytes, int], int] = {}
    dele: dict[tuple[bytes, int], int] = {}
    overruns = 0
    ready.set()
    mono = time.monotonic_ns
    unpack = struct.unpack_from
    stop = conn.fileno()
    poller = select.poll()
    poller.register(s.fileno(), select.POLLIN)
    poller.register(stop, select.POLLIN)
    while True:
        ev = poller.poll()
        if any(fd == stop for fd, _ in ev):
            conn.recv()
            break
        try:
            data = s.recv(1 << 20, socket.MSG_DONTWAIT)
        except BlockingIOError:
            continue
        except OSError:  # ENOBUFS: notifications lost
            overruns += 1
            continue
        now = mono()
        off = 0
        while off + 16 <= len(data):
            ln, ty = unpack("=IH", data, off)
            if ln < 16:
                break
            if ty == RTM_NEWMDB or ty == RTM_DELMDB:
                into = new if ty == RTM_NEWMDB else dele
                for t1, a0, a1 in _attrs(data, off + 24, off + ln):
                    if t1 != MDBA_MDB:
                        continue
                    for t2, b0, b1 in _attrs(data, a0, a1):
                        if t2 != MDBA_MDB_ENTRY:
                            continue
                        for t3, c0, c1 in _attrs(data, b0, b1):
                            if t3 != MDBA_MDB_ENTRY_INFO or c1 - c0 < 28:
                                continue
                            port = unpack("=I", data, c0)[0]
                            if port == bridge or data[c0 + 24:c0 + 26] != b"\x08\x00":
                                continue
                            into.setdefault((data[c0 + 8:c0 + 12], port), now)
            off += (ln + 3) & ~3
    conn.send((new, dele, overruns))
    conn.close()


class MdbListener:
    """First RTM_NEWMDB / RTM_DELMDB stamp per (group bytes, port ifindex) of IPv4 port
    entries in namespace `ns` (entries of the bridge device itself are skipped)."""

    def __init__(self, ns: str, bridge_ifindex: int):
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        ready = ctx.Event()
        self.proc = ctx.Process(target=_listen, args=(ns, bridge_ifindex, child, ready), daemon=True)
        self.proc.start()
        if not ready.wait(10):
            self.proc.kill()
            raise LabError("MDB listener did not start")
        self.new: dict = {}
        self.dele: dict = {}
        self.overruns = 0

    def stop(self):
        if self.proc.is_alive():
            self.conn.send("stop")
            if self.conn.poll(60):
                self.new, self.dele, self.overruns = self.conn.recv()
            self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
        return self


# ---- /proc ------------------------------------------------------------------------

def proc_status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


def rss_kib(pid: int) -> int:
    return int(proc_status(pid)["VmRSS"].split()[0])


def hwm_kib(pid: int) -> int:
    return int(proc_status(pid)["VmHWM"].split()[0])


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of the process."""
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / CLK_TCK


def ctxt_switches(pid: int) -> int:
    """Voluntary + involuntary context switches summed over the threads: every wake-up
    of a sleeping thread is one voluntary switch when it sleeps again."""
    n = 0
    for t in Path(f"/proc/{pid}/task").iterdir():
        st = proc_status_path(t / "status")
        n += int(st.get("voluntary_ctxt_switches", 0)) + int(st.get("nonvoluntary_ctxt_switches", 0))
    return n


def proc_status_path(p: Path) -> dict[str, str]:
    out = {}
    try:
        for line in p.read_text().splitlines():
            k, _, v = line.partition(":")
            out[k] = v.strip()
    except FileNotFoundError:
        pass
    return out


# ---- MDB ----------------------------------------------------------------------------

def mdb_count(lab, ours_only: bool = False) -> int:
    """Lines of `bridge mdb show dev BR` that are entries of the benchmark's groups
    (239.*; hosts' own IPv6 solicited-node memberships are left out); ours_only: protocol
    183 (mcsnoopd) only."""
    cmd = ["ip", "netns", "exec", lab.sw, "bridge", "-d", "mdb", "show", "dev", lab.bridge]
    out = subprocess.run(cmd, capture_output=True, timeout=120).stdout
    n = 0
    for line in out.splitlines():
        if b" grp 239." in line and (not ours_only or b"proto 183" in line or b"proto mcsnoopd" in line):
            n += 1
    return n


# ---- the daemon ----------------------------------------------------------------------

def bench_config(bridge: str = "br0", immediate_leave: bool = False, max_groups: int = 1000000) -> str:
    """Limits a benchmark would otherwise hit: groups per VLAN (also the per-port learned
    group cap), the per-port report rate limit (0: none)."""
    il = "immediate-leave = true\n" if immediate_leave else ""
    return (f"[global.limits]\nmax-groups-per-vlan = {max_groups}\nreport-rate-limit = 0\n\n"
            f"[[bridge]]\nname = \"{bridge}\"\n{il}"
            f"limits = {{ max-groups-per-vlan = {max_groups}, report-rate-limit = 0 }}\n")


def start_daemon(lab, binary: str, config: str, bus_address: str | None = None, extra=()):
    from daemon import Daemon
    os.environ["MCSNOOPD"] = binary
    # Per-join log lines off (core and mdb at warn): logging is not what is measured.
    d = Daemon(lab, "--log", "core=warn", "--log", "igmp=warn", "--log", "mld=warn", *extra,
               config=config, log_level="info", bus_address=bus_address)
    ports = [h.port for h in lab.hosts.values()]
    wait_until(lambda: all(p in lab.swrun("nft", "list", "ruleset").stdout for p in ports), 10,
               what="suppression table covers every port")
    return d


def daemon_pid(d) -> int:
    """`ip netns exec` execs the command: the Popen pid is the daemon's."""
    return d.proc.pid


def pct(v: list[float], p: float) -> float:
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def lab_hosts(n: int) -> tuple[str, ...]:
    return tuple(f"h{i}" for i in range(1, n + 1))


def raise_hash_max(lab, value: int = 1 << 20) -> None:
    lab.set_bridge("mcast_hash_max", str(value))


def teardown(lab, daemon=None, bus=None, socks=()) -> None:
    """Stops what a benchmark part started and removes its lab and files (also after
    a failure)."""
    for s in socks:
        s.close()
    if daemon:
        daemon.stop()
    if bus:
        bus.close()
    tmp = lab.tmp
    lab.close()
    shutil.rmtree(tmp, ignore_errors=True)
