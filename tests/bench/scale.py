#!/usr/bin/python3
"""Scale and idle figures of mcsnoopd on a real bridge, with the D-Bus API on a private bus.

    sudo /usr/bin/python3 tests/bench/scale.py --mcsnoopd BUILD/agent/daemon/mcsnoopd \
        --mcsnoopctl BUILD/dbus/mcsnoopctl [--groups 4096,65536,262144] [--ports 8] \
        [--idle-seconds 60] [--json OUT]

Idle: a lab with two host ports, a private dbus-daemon (tests/dbus/bus.py) and the daemon
serving its API there, no groups. After 2 s of settling: context switches (voluntary +
involuntary, all threads, /proc/PID/task/*/status) over IDLE_SECONDS, as wakeups per
minute (a single-threaded event loop switches out once per wake-up), CPU time, VmRSS.
Plus the size of the binary after `strip`.

Scale, for each G (a fresh lab each): PORTS host ports, mcast_hash_max 1M, the daemon with
max-groups-per-vlan 1M and no report rate limit. G groups (239.1.0.1 ...), group g on port
g mod PORTS, sent as crafted IGMPv3 reports of 170 CHANGE_TO_EXCLUDE {} records (~1400-byte
frames) from the hosts, paced at FRAME_RATE frames/s; frames are sent again (refreshes) if
some state got lost, and that is reported. This kernel has no bridge VLAN filtering: every
group is in VLAN 0, spread over ports instead of VLANs. Measured:
  * program time: first frame sent -> G entries of ours in `bridge mdb show`;
  * agent VmRSS / VmHWM with G entries, kernel MDB count (`bridge mdb show` lines);
  * full D-Bus dump: wall time of `mcsnoopctl -j show groups br0` (Bridge1.Describe JSON);
  * reconcile after a restart: the daemon is stopped (SIGTERM: entries stay) and started
    again; the "startup reconcile ... (N ms)" log line gives the time from loading the
    state record to the end of the MDB comparison; also the wall time from exec to the
    "running" line, and VmRSS right after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

RECONCILE_RE = re.compile(r"startup reconcile: (\d+) entries of ours .*\(([\d.]+) ms\)")


def with_bus(lab):
    from bus import Bus
    return Bus(lab.tmp)


def idle(binary: str, seconds: float) -> dict:
    lab = bl.Lab(hosts=bl.lab_hosts(2))
    bus = d = None
    try:
        bus = with_bus(lab)
        d = bl.start_daemon(lab, binary, bl.bench_config(), bus_address=bus.address)
        pid = bl.daemon_pid(d)
        time.sleep(2)  # settle: start-up queries/solicitations are not idle
        c0, cpu0, t0 = bl.ctxt_switches(pid), bl.cpu_seconds(pid), time.monotonic()
        time.sleep(seconds)
        c1, cpu1, t1 = bl.ctxt_switches(pid), bl.cpu_seconds(pid), time.monotonic()
        d.alive()
        st = bl.proc_status(pid)
        return {"seconds": t1 - t0, "wakeups_per_min": (c1 - c0) * 60 / (t1 - t0),
                "cpu_s": cpu1 - cpu0, "rss_kib": bl.rss_kib(pid), "threads": int(st["Threads"]),
                "rss_anon_kib": int(st["RssAnon"].split()[0]), "rss_file_kib": int(st["RssFile"].split()[0])}
    finally:
        bl.teardown(lab, d, bus)


def binary_size(binary: str) -> dict:
    out = Path(f"/tmp/mcs-bench-strip-{os.getpid()}")
    try:
        subprocess.run(["strip", "-o", str(out), binary], check=True)
        return {"stripped": out.stat().st_size, "unstripped": Path(binary).stat().st_size}
    finally:
        out.unlink(missing_ok=True)


def reconcile_line(d) -> tuple[int, float] | None:
    m = RECONCILE_RE.search(d.log_text())
    return (int(m.group(1)), float(m.group(2))) if m else None


def scale(binary: str, ctl: str, groups: int, ports: int, frame_rate: float) -> dict:
    lab = bl.Lab(hosts=bl.lab_hosts(ports))
    bus = d = None
    socks = []
    res: dict = {"groups": groups, "ports": ports}
    try:
        bl.raise_hash_max(lab)
        bus = with_bus(lab)
        cfg = bl.bench_config()
        d = bl.start_daemon(lab, binary, cfg, bus_address=bus.address)
        pid = bl.daemon_pid(d)
        res["rss0_kib"] = bl.rss_kib(pid)
        hosts = list(lab.hosts.values())
        socks = [bl.tx_socket(h) for h in hosts]
        frames = []
        for p, h in enumerate(hosts):
            mine = list(range(p, groups, ports))
            for i in range(0, len(mine), bl.RECORDS_PER_FRAME):
                recs = [(bl.CHANGE_TO_EXCLUDE, g) for g in mine[i:i + bl.RECORDS_PER_FRAME]]
                frames.append((p, socks[p], bl.igmpv3_report(h.mac, h.ipv4, recs)))
        # Ports in turn, so every port has frames in flight at once.
        by_port = [[f for f in frames if f[0] == p] for p in range(ports)]
        order = [fp[i] for i in range(max(len(x) for x in by_port)) for fp in by_port if i < len(fp)]
        items = [(s, f) for _, s, f in order]
        res["frames"] = len(items)
        cpu0 = bl.cpu_seconds(pid)
        t0 = time.monotonic()
        resent = 0
        got = 0
        for attempt in range(3):
            bl.send_paced(items, frame_rate)
            last, stable = -1, 0
            deadline = time.monotonic() + 30 + groups / 5000
            while time.monotonic() < deadline:
                got = bl.mdb_count(lab, ours_only=True)
                if got >= groups:
                    break
                stable = stable + 1 if got == last else 0
                if stable >= 4:
                    break
                last = got
                time.sleep(0.1 if groups < 100000 else 0.3)
            if got >= groups:
                break
            resent += 1
        res["program_s"] = time.monotonic() - t0 if got >= groups else None
        res["program_cpu_s"] = bl.cpu_seconds(pid) - cpu0
        res["resent"] = resent
        res["in_mdb_ours"] = got
        d.alive()
        res["rss_kib"] = bl.rss_kib(pid)
        res["hwm_kib"] = bl.hwm_kib(pid)
        res["mdb_count"] = bl.mdb_count(lab)
        # Full D-Bus dump through the client.
        out = lab.tmp / "dump.json"
        t0 = time.monotonic()
        with open(out, "w") as f:
            r = subprocess.run([ctl, "--bus-address", bus.address, "-j", "show", "groups", "br0"],
                               stdout=f, stderr=subprocess.PIPE, text=True, timeout=300)
        res["dbus_dump_s"] = time.monotonic() - t0
        res["dbus_dump_bytes"] = out.stat().st_size
        res["dbus_dump_ok"] = r.returncode == 0
        if r.returncode != 0:
            res["dbus_dump_error"] = r.stderr.strip()[:300]
        try:
            doc = json.loads(out.read_text())
            res["dbus_dump_entries"] = count_entries(doc)
        except ValueError:
            res["dbus_dump_entries"] = None
        # Every (group, port) of the VLAN: Vlan1.GetGroups (Describe lists at most
        # 16384 groups per VLAN, docs/dbus.md). busctl prints "a(...) N ...".
        t0 = time.monotonic()
        r = subprocess.run(["busctl", f"--address={bus.address}", "call", "org.mcsnoopd",
                            "/org/mcsnoopd/bridge/br0/vlan/0", "org.mcsnoopd.Vlan1", "GetGroups"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
        res["dbus_getgroups_s"] = time.monotonic() - t0
        parts = r.stdout.split(" ", 2)
        res["dbus_getgroups_rows"] = int(parts[1]) if r.returncode == 0 and len(parts) > 1 else None
        if r.returncode != 0:
            res["dbus_getgroups_error"] = r.stderr.strip()[:300]
        d.alive()
        # Restart: entries stay in the kernel; the new daemon adopts them.
        d.stop()
        t0 = time.monotonic()
        d = bl.start_daemon(lab, binary, cfg, bus_address=bus.address)
        res["restart_to_running_s"] = time.monotonic() - t0
        rc = reconcile_line(d)
        res["reconcile_entries"], res["reconcile_ms"] = rc if rc else (None, None)
        res["rss_after_restart_kib"] = bl.rss_kib(bl.daemon_pid(d))
        return res
    finally:
        bl.teardown(lab, d, bus, socks)


def count_entries(doc) -> int:
    """Group entries in mcsnoopctl's JSON (a list of rows, or nested documents)."""
    if isinstance(doc, list):
        if doc and all(isinstance(x, dict) and "group" in x for x in doc):
            return len(doc)
        return sum(count_entries(x) for x in doc)
    if isinstance(doc, dict):
        if "groups" in doc and isinstance(doc["groups"], list):
            return len(doc["groups"])
        return sum(count_entries(v) for v in doc.values() if isinstance(v, (list, dict)))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", default="4096,65536,262144")
    ap.add_argument("--ports", type=int, default=8)
    ap.add_argument("--frame-rate", type=float, default=1000, help="report frames (170 records) per second")
    ap.add_argument("--idle-seconds", type=float, default=60)
    ap.add_argument("--mcsnoopd", default=os.environ.get("MCSNOOPD"))
    ap.add_argument("--mcsnoopctl", default=os.environ.get("MCSNOOPCTL"))
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("scale.py: run as root")
    if not a.mcsnoopd or not a.mcsnoopctl:
        sys.exit("scale.py: set --mcsnoopd and --mcsnoopctl")
    try:
        res: dict = {"size": binary_size(a.mcsnoopd)}
    except subprocess.CalledProcessError:  # a wrapper script (profiling)
        res = {"size": {"stripped": 0, "unstripped": 0}}
    if a.idle_seconds > 0:
        res["idle"] = idle(a.mcsnoopd, a.idle_seconds)
    res["scale"] = []
    for g in [int(x) for x in a.groups.split(",") if x]:
        res["scale"].append(scale(a.mcsnoopd, a.mcsnoopctl, g, a.ports, a.frame_rate))
    print(f"binary: {res['size']['stripped'] / 1e6:.2f} MB stripped ({res['size']['unstripped'] / 1e6:.2f} MB as built)")
    if "idle" in res:
        i = res["idle"]
        print(f"idle: {i['wakeups_per_min']:.1f} wakeups/min over {i['seconds']:.0f} s, CPU {i['cpu_s']:.2f} s, "
              f"RSS {i['rss_kib'] / 1024:.1f} MiB, {i['threads']} threads")
    print(f"{'groups':>7} {'in MDB':>7} {'program s':>9} {'RSS MiB':>8} {'HWM MiB':>8} {'dump s':>7} "
          f"{'dump n':>7} {'reconcile ms':>12} {'restart s':>9} {'resent':>6}")
    for r in res["scale"]:
        f = lambda v, fmt: format(v, fmt) if v is not None else "-"  # noqa: E731
        print(f"{r['groups']:>7} {r['mdb_count']:>7} {f(r['program_s'], '9.2f')} {r['rss_kib'] / 1024:8.1f} "
              f"{r['hwm_kib'] / 1024:8.1f} {r['dbus_dump_s']:7.2f} {f(r.get('dbus_dump_entries'), '7')} "
              f"{f(r['reconcile_ms'], '12.1f')} {r['restart_to_running_s']:9.2f} {r['resent']:>6}")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
