"""Network-namespace lab for mcsnoopd integration tests.

A lab is one "switch" namespace holding a Linux bridge, plus one namespace per
host, each joined to a bridge port by a veth pair. Hosts are real Linux stacks:
they join groups with their own IGMP/MLD implementation (sockets holding
memberships), and receive multicast data that a sender host emits.

Everything a lab starts is recorded (namespaces, PIDs) and torn down in
close(), also when a test fails. Tests wait for states with wait_until(),
never with fixed sleeps.

Runs with Debian's /usr/bin/python3 (scapy lives there).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path


def inet_checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of data, ready to store in a header."""
    if len(data) % 2:
        data += b"\0"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

HERE = Path(__file__).resolve().parent
MCAST_TOOL = HERE / "mcast_tool.py"
PY = "/usr/bin/python3"


class LabError(RuntimeError):
    pass


def sh(cmd: list[str], check: bool = True, capture: bool = True, timeout: float = 30,
       input: str | None = None) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=capture, text=True, timeout=timeout, input=input)
    if check and res.returncode != 0:
        raise LabError(f"command failed ({res.returncode}): {' '.join(cmd)}\n"
                       f"stdout: {res.stdout}\nstderr: {res.stderr}")
    return res


# Deadlines stretch where everything runs slower: the VM lane (tests/vm, qemu TCG)
# sets MCS_TIMEOUT_SCALE. Protocol timers are real time and do not stretch.
TIMEOUT_SCALE = float(os.environ.get("MCS_TIMEOUT_SCALE", "1") or 1)


def wait_until(pred, timeout: float = 10.0, interval: float = 0.05, what: str = "condition"):
    """Poll pred() until it returns a truthy value; raise with the last value on timeout."""
    timeout *= TIMEOUT_SCALE
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = pred()
        except LabError as e:  # a transient tool failure counts as "not yet"
            last = e
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")
        time.sleep(interval)


@dataclass
class Host:
    lab: "Lab"
    name: str          # short name, e.g. "h1"
    ns: str            # namespace name
    port: str          # bridge port name in the switch namespace
    ifname: str = "eth0"
    ipv4: str = ""
    ipv6_ll: str = ""
    mac: str = ""
    procs: list = field(default_factory=list)

    def run(self, *cmd: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
        return sh(["ip", "netns", "exec", self.ns, *cmd], check=check, timeout=timeout)

    def sysctl(self, key: str, value) -> None:
        self.run("sysctl", "-qw", f"{key}={value}")

    def force_igmp_version(self, v: int) -> None:
        self.sysctl(f"net.ipv4.conf.{self.ifname}.force_igmp_version", v)
        self.sysctl("net.ipv4.conf.all.force_igmp_version", v)

    def force_mld_version(self, v: int) -> None:
        self.sysctl(f"net.ipv6.conf.{self.ifname}.force_mld_version", v)
        self.sysctl("net.ipv6.conf.all.force_mld_version", v)

    def spawn(self, *cmd: str, stdout=None, stderr=None) -> subprocess.Popen:
        p = subprocess.Popen(["ip", "netns", "exec", self.ns, *cmd],
                             stdout=stdout or subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL,
                             start_new_session=True)
        self.procs.append(p)
        self.lab.procs.append(p)
        return p

    def join(self, group: str, source: str | None = None, port: int = 5000) -> "Receiver":
        """Join a group with the host's own stack (a socket holding the membership)
        and count the datagrams that arrive. Leaving = receiver.stop()."""
        out = self.lab.tmp / f"rx-{self.name}-{group.replace(':', '_')}-{uuid.uuid4().hex[:6]}"
        args = [PY, str(MCAST_TOOL), "recv", "--group", group, "--ifname", self.ifname,
                "--port", str(port), "--out", str(out)]
        if source:
            args += ["--source", source]
        p = self.spawn(*args)
        r = Receiver(self, group, source, out, p)
        wait_until(lambda: out.exists(), 5, what=f"{self.name} joined {group}")
        return r

    def sniff(self, group: str) -> "Receiver":
        """Count UDP frames to `group` that the bridge delivers to this host, joined or
        not (a raw packet socket on eth0)."""
        out = self.lab.tmp / f"sniff-{self.name}-{group.replace(':', '_')}-{uuid.uuid4().hex[:6]}"
        p = self.spawn(PY, str(MCAST_TOOL), "sniff", "--group", group, "--ifname", "eth0",
                       "--out", str(out))
        r = Receiver(self, group, None, out, p)
        wait_until(lambda: out.exists(), 5, what=f"{self.name} sniffing {group}")
        return r

    def sniff_control(self, group: str | None = None) -> "ControlSniffer":
        """Count IGMP/MLD reports and leaves that reach this host's eth0 (per source MAC);
        with `group`, only those carrying that group."""
        out = self.lab.tmp / f"ctl-{self.name}-{uuid.uuid4().hex[:6]}"
        args = [PY, str(MCAST_TOOL), "ctl", "--ifname", "eth0", "--out", str(out)]
        if group:
            args += ["--group", group]
        p = self.spawn(*args)
        wait_until(lambda: out.exists(), 5, what=f"{self.name} sniffing control frames")
        return ControlSniffer(self, out, p)

    def sender(self, group: str, interval: float = 0.01, port: int = 5000) -> "Receiver":
        """Send to `group` every `interval` seconds until stopped (or the lab closes);
        count() is the number sent so far."""
        out = self.lab.tmp / f"tx-{self.name}-{group.replace(':', '_')}-{uuid.uuid4().hex[:6]}"
        p = self.spawn(PY, str(MCAST_TOOL), "send", "--group", group, "--ifname", self.ifname,
                       "--port", str(port), "--count", "0", "--interval", str(interval),
                       "--out", str(out))
        return Receiver(self, group, None, out, p)

    def send(self, group: str, count: int = 5, port: int = 5000, interval: float = 0.01,
             payload: str = "mcsnoopd-test") -> None:
        self.run(PY, str(MCAST_TOOL), "send", "--group", group, "--ifname", self.ifname,
                 "--port", str(port), "--count", str(count), "--interval", str(interval),
                 "--payload", payload)


@dataclass
class Receiver:
    host: Host
    group: str
    source: str | None
    out: Path
    proc: subprocess.Popen

    def count(self) -> int:
        try:
            return int(self.out.read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def stop(self) -> None:
        """Closing the socket makes the host's stack send a leave / TO_IN({})."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class ControlSniffer:
    host: Host
    out: Path
    proc: subprocess.Popen

    def counts(self) -> dict[str, int]:
        """Reports/leaves received so far, by source MAC."""
        try:
            return json.loads(self.out.read_text() or "{}")
        except (FileNotFoundError, ValueError):
            return {}

    def from_macs(self, macs) -> int:
        c = self.counts()
        return sum(c.get(m, 0) for m in macs)

    def stop(self) -> None:
        self.host.lab.kill(self.proc)


class MdbMonitor:
    """`bridge monitor mdb` in the switch namespace, lines kept in a file."""

    def __init__(self, lab: "Lab"):
        self.path = lab.tmp / f"mdbmon-{uuid.uuid4().hex[:6]}"
        self.file = open(self.path, "w")
        self.proc = lab.swspawn("stdbuf", "-oL", "bridge", "monitor", "mdb", stdout=self.file)
        self.file.close()  # the monitor has its own descriptor
        self.lab = lab

    def lines(self) -> list[str]:
        return self.path.read_text().splitlines()

    def deleted(self, group: str | None = None, port: str | None = None) -> list[str]:
        return [l for l in self.lines() if l.startswith("Deleted")
                and (group is None or f" grp {group} " in l + " ")
                and (port is None or f" port {port} " in l)]

    def stop(self) -> None:
        self.lab.kill(self.proc)


class Lab:
    """A bridge in a switch namespace plus host namespaces.

    with Lab(hosts=["h1", "h2"]) as lab:
        lab.sw.run("bridge", "mdb", "show")
    """

    def __init__(self, hosts=("h1", "h2", "h3"), bridge: str = "br0", mcast_snooping: bool = True,
                 tmp: Path | None = None):
        self.id = f"{os.getpid() % 100000}{uuid.uuid4().hex[:4]}"
        self.bridge = bridge
        self.namespaces: list[str] = []
        self.procs: list[subprocess.Popen] = []
        self.tmp = tmp or Path(f"/tmp/mcs-lab-{self.id}")
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.hosts: dict[str, Host] = {}
        try:
            self.sw = self._add_ns("sw")
            self.sw_ns = self.sw
            self.swrun("ip", "link", "set", "lo", "up")
            self.swrun("ip", "link", "add", bridge, "type", "bridge", "mcast_snooping",
                       "1" if mcast_snooping else "0")
            self.swrun("ip", "link", "set", bridge, "up")
            for i, h in enumerate(hosts, start=1):
                self.add_host(h, i)
        except BaseException:
            self.close()
            raise

    # ---- construction -------------------------------------------------------
    def _add_ns(self, short: str) -> str:
        ns = f"mcs{self.id}-{short}"
        sh(["ip", "netns", "add", ns])
        self.namespaces.append(ns)
        return ns

    def add_host(self, name: str, index: int | None = None, port: str | None = None) -> Host:
        index = index or (len(self.hosts) + 1)
        ns = self._add_ns(name)
        port = port or f"p{index}"
        tmpif = f"v{self.id[-6:]}{index}"
        sh(["ip", "link", "add", tmpif, "netns", self.sw, "type", "veth", "peer", "name", "eth0",
            "netns", ns])
        self.swrun("ip", "link", "set", tmpif, "name", port)
        self.swrun("ip", "link", "set", port, "master", self.bridge)
        self.swrun("ip", "link", "set", port, "up")
        h = Host(self, name, ns, port)
        h.ipv4 = f"192.0.2.{10 + index}"
        h.run("ip", "link", "set", "lo", "up")
        h.mac = f"02:00:00:00:00:{index:02x}"
        h.run("ip", "link", "set", "eth0", "address", h.mac)
        h.run("ip", "addr", "add", f"{h.ipv4}/24", "dev", "eth0")
        h.ipv6_ll = f"fe80::ff:fe00:{index:x}"
        # Fast IPv6: no DAD delay, set before the link comes up, so the link-local
        # address is valid at once. (While it is tentative, MLD reports go out from ::,
        # which a snooper cannot attribute to a host: no immediate leave for them.)
        h.sysctl("net.ipv6.conf.eth0.accept_dad", 0)
        # Unsolicited report interval short: hosts report promptly on join.
        h.sysctl("net.ipv4.conf.eth0.igmpv3_unsolicited_report_interval", 100)
        h.sysctl("net.ipv4.conf.eth0.igmpv2_unsolicited_report_interval", 100)
        h.sysctl("net.ipv6.conf.eth0.mldv2_unsolicited_report_interval", 100)
        h.sysctl("net.ipv6.conf.eth0.mldv1_unsolicited_report_interval", 100)
        h.run("ip", "link", "set", "eth0", "up")
        self.hosts[name] = h
        return h

    def querier_host(self, name: str, igmp_version: int = 3, mld_version: int = 2,
                     query_interval: float = 4, response_interval: float = 1,
                     last_member_interval: float = 0.5, last_member_count: int = 2,
                     startup_interval: float = 0.5) -> Host:
        """A host that is an IGMP/MLD querier: eth0 enslaved to a Linux bridge `qbr` in the
        host's namespace, which holds the host's address and runs the kernel's own querier
        (mcast_querier 1, sources from its addresses). It sends general queries, and
        group-specific queries for leaves of groups it learned (our daemon forwards reports
        there: it is a router port). Times in seconds."""
        h = self.add_host(name)

        def cs(sec: float) -> str:  # iproute2 takes centiseconds
            return str(int(round(sec * 100)))

        h.run("ip", "link", "add", "qbr", "type", "bridge", "mcast_snooping", "1",
              "mcast_igmp_version", str(igmp_version), "mcast_mld_version", str(mld_version),
              "mcast_query_use_ifaddr", "1", "mcast_query_interval", cs(query_interval),
              "mcast_query_response_interval", cs(response_interval),
              "mcast_startup_query_interval", cs(startup_interval),
              "mcast_last_member_interval", cs(last_member_interval),
              "mcast_last_member_count", str(last_member_count))
        h.sysctl("net.ipv6.conf.qbr.accept_dad", 0)
        h.run("ip", "addr", "del", f"{h.ipv4}/24", "dev", "eth0")
        h.run("ip", "link", "set", "eth0", "master", "qbr")
        h.run("ip", "addr", "add", f"{h.ipv4}/24", "dev", "qbr")
        h.run("ip", "link", "set", "qbr", "up")
        h.run("ip", "link", "set", "dev", "qbr", "type", "bridge", "mcast_querier", "1")
        h.ifname = "qbr"
        return h

    def pimd_host(self, name: str) -> Host:
        """A host running pimd (PIM-SM router): its PIM hellos (at start, then every 30 s)
        mark its port as a multicast-router port. pimd's IGMP queries carry a bad checksum
        (lab-notes.md) and do not count."""
        h = self.add_host(name)
        conf = self.tmp / f"pimd-{name}.conf"
        conf.write_text("phyint eth0 enable\n")
        # pimd writes /run/pimd.*: private /run in a mount namespace.
        h.spawn("unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs /run && exec pimd -f -c {conf}")
        return h

    def mcast_router(self, port: str) -> int:
        """The kernel's mcast_router of a bridge port (0 disabled, 1 learning, 2 permanent)."""
        return int(self.link_info(port)["linkinfo"]["info_slave_data"]["multicast_router"])

    def kernel_port_entries(self) -> list[dict]:
        """MDB entries on bridge ports that the kernel learned by itself. (S,G) entries
        the kernel derives from a (*,G) EXCLUDE entry when an (S,G) exists (flag
        added_by_star_ex) are bookkeeping of ours, not learned, and are left out."""
        return [e for e in self.mdb() if e.get("port") != self.bridge
                and e.get("protocol", "kernel") == "kernel"
                and "added_by_star_ex" not in e.get("flags", [])]

    def mdb_monitor(self) -> MdbMonitor:
        return MdbMonitor(self)

    def swrun(self, *cmd: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
        return sh(["ip", "netns", "exec", self.sw, *cmd], check=check, timeout=timeout)

    def swspawn(self, *cmd: str, stdout=None, stderr=None, env=None) -> subprocess.Popen:
        p = subprocess.Popen(["ip", "netns", "exec", self.sw, *cmd],
                             stdout=stdout or subprocess.DEVNULL, stderr=stderr or subprocess.DEVNULL,
                             start_new_session=True, env=env)
        self.procs.append(p)
        return p

    # ---- observation --------------------------------------------------------
    def mdb(self) -> list[dict]:
        """Entries of `bridge -j -d mdb show dev BR` (flattened), each with port, grp, src?,
        state, vid?, protocol?."""
        out = self.swrun("bridge", "-j", "-d", "mdb", "show", "dev", self.bridge).stdout
        data = json.loads(out or "[]")
        entries = []
        for blob in data:
            entries.extend(blob.get("mdb", []))
        return entries

    def mdb_ports(self, group: str, source: str | None = None) -> set[str]:
        return {e["port"] for e in self.mdb()
                if e.get("grp") == group and (source is None or e.get("src") == source)
                and e.get("port") != self.bridge}

    def link_info(self, dev: str) -> dict:
        return json.loads(self.swrun("ip", "-j", "-d", "link", "show", "dev", dev).stdout)[0]

    def set_bridge(self, *opts: str) -> None:
        self.swrun("ip", "link", "set", "dev", self.bridge, "type", "bridge", *opts)

    # ---- teardown -----------------------------------------------------------
    def kill(self, p: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 10) -> int | None:
        if p.poll() is None:
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)
        return p.returncode

    def close(self) -> None:
        for p in reversed(self.procs):
            try:
                self.kill(p, timeout=5)
            except Exception as e:  # keep tearing down
                print(f"lab: cleanup of pid {p.pid} failed: {e}", file=sys.stderr)
        # nft tables are per namespace and go with it.
        for ns in reversed(self.namespaces):
            sh(["ip", "netns", "del", ns], check=False)
        self.namespaces.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
