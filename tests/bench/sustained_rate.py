#!/usr/bin/python3
"""Sustained report rate end to end without lost state, and the daemon's CPU, against the
kernel's own snooping on an identical bridge.

    sudo /usr/bin/python3 tests/bench/sustained_rate.py --mcsnoopd BUILD/agent/daemon/mcsnoopd \
        [--rates 10000,25000,50000,100000,150000] [--seconds 2] [--hosts 8] [--json OUT]

Two labs (tests/netns/lab.py), HOSTS hosts each, mcast_hash_max 1M; "mcsnoopd" runs the
daemon (no report rate limit, groups per VLAN 1M), "kernel" learns by itself. For each rate,
on each lab in turn: the daemon is restarted on a clean MDB (it runs with --flush-on-exit;
the kernel's entries of earlier steps stay, every step has groups of its own), then RATE x SECONDS crafted IGMPv3 reports (one CHANGE_TO_EXCLUDE {} record,
a different group each) are sent from the hosts in turn, paced in 0.5 ms ticks. A step
passes when every group ends up in the MDB (no lost state: a frame the daemon's socket
dropped would leave its group out) and the sender kept the rate (>= 95 %). The daemon's CPU
is utime + stime from /proc/PID/stat over the step (first send to the last entry in the
MDB), as a share of one core over the sending time. Stops at the first failed step.
Note: the sender is one Python process: on a 2-CPU machine it and the kernel's bridge
work (done in the sender's send() context) take one CPU, the daemon the other.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402


class Side:
    def __init__(self, name: str, hosts: int, daemon: str | None):
        self.name = name
        self.binary = daemon
        self.lab = bl.Lab(hosts=bl.lab_hosts(hosts))
        self.daemon = None
        self.socks = []
        try:
            bl.raise_hash_max(self.lab)
            if not daemon:
                self.lab.set_bridge("mcast_igmp_version", "3")
            self.hosts = list(self.lab.hosts.values())
            self.socks = [bl.tx_socket(h) for h in self.hosts]
        except BaseException:
            self.close()
            raise

    def fresh(self) -> int:
        """For mcsnoopd a new daemon (the last one removed its entries when it stopped);
        returns the entries already in the MDB (the kernel's from earlier steps: every
        step uses groups of its own)."""
        if self.daemon:
            self.daemon.stop()
            self.daemon = None
        if self.binary:
            bl.wait_until(lambda: bl.mdb_count(self.lab) == 0, 30, what="empty MDB")
            self.daemon = bl.start_daemon(self.lab, self.binary, bl.bench_config(),
                                          extra=("--flush-on-exit",))
        return bl.mdb_count(self.lab)

    def step(self, rate: float, seconds: float, base: int) -> dict:
        before = self.fresh()
        n = int(rate * seconds)
        hs = len(self.hosts)
        frames = [(self.socks[i % hs], bl.igmpv3_report(self.hosts[i % hs].mac, self.hosts[i % hs].ipv4,
                                                         [(bl.CHANGE_TO_EXCLUDE, base + i)]))
                  for i in range(n)]
        pid = bl.daemon_pid(self.daemon) if self.daemon else None
        cpu0 = bl.cpu_seconds(pid) if pid else 0.0
        burst = max(1, int(rate / 2000))
        t0 = time.monotonic()
        stamps = bl.send_paced(frames, rate, burst)
        sent = [s for s in stamps if s > 0]
        send_secs = (max(sent) - min(sent)) / 1e9 if len(sent) > 1 else 0.0
        got = 0
        deadline = time.monotonic() + 15
        settled = None
        last, stable = -1, 0
        while time.monotonic() < deadline:
            got = bl.mdb_count(self.lab) - before
            if got >= n:
                settled = time.monotonic() - t0
                break
            stable = stable + 1 if got == last else 0
            if stable >= 5:  # nothing new for a while: lost
                break
            last = got
            time.sleep(0.2)
        cpu = (bl.cpu_seconds(pid) - cpu0) if pid else None
        if self.daemon:
            self.daemon.alive()
        achieved = len(sent) / send_secs if send_secs > 0 else 0.0
        return {"rate": rate, "n": n, "sent": len(sent), "achieved": achieved, "in_mdb": got,
                "lost": n - got, "settle_s": settled, "cpu_s": cpu,
                "cpu_pct": (100 * cpu / send_secs) if cpu is not None and send_secs else None,
                "ok": got >= n and achieved >= 0.95 * rate}

    def close(self):
        bl.teardown(self.lab, self.daemon, socks=self.socks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="10000,25000,50000,100000,150000")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--no-kernel", action="store_true", help="skip the kernel reference")
    ap.add_argument("--mcsnoopd", default=os.environ.get("MCSNOOPD"))
    ap.add_argument("--json")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("sustained_rate.py: run as root")
    if not a.mcsnoopd:
        sys.exit("sustained_rate.py: set MCSNOOPD or --mcsnoopd")
    rates = [float(r) for r in a.rates.split(",")]
    sides = []
    res: dict = {"mcsnoopd": [], "kernel": [], "hosts": a.hosts, "seconds": a.seconds}
    try:
        sides.append(Side("mcsnoopd", a.hosts, a.mcsnoopd))
        if not a.no_kernel:
            sides.append(Side("kernel", a.hosts, None))
        alive = {s.name: True for s in sides}
        base = 0
        for rate in rates:
            for s in sides:
                if alive[s.name]:
                    r = s.step(rate, a.seconds, base)
                    res[s.name].append(r)
                    # Lost state ends the side's steps; a sender that fell short (a
                    # loaded machine) only fails that step.
                    alive[s.name] = r["lost"] <= 0
            base += int(rate * a.seconds)
            if not any(alive.values()):
                break
    finally:
        for s in sides:
            s.close()
    for name in ("mcsnoopd", "kernel"):
        ok = [r["rate"] for r in res[name] if r["ok"]]
        res[name + "_max_ok"] = max(ok) if ok else 0
    print(f"sustained report rate, {a.hosts} hosts, {a.seconds:g} s per step")
    print(f"{'bridge':9} {'rate/s':>8} {'achieved':>9} {'in MDB':>15} {'settle s':>8} {'CPU %':>6}  ok")
    for name in ("mcsnoopd", "kernel"):
        for r in res[name]:
            cpu = f"{r['cpu_pct']:.0f}" if r["cpu_pct"] is not None else "-"
            st = f"{r['settle_s']:.2f}" if r["settle_s"] is not None else "-"
            print(f"{name:9} {r['rate']:8.0f} {r['achieved']:9.0f} {r['in_mdb']:>7}/{r['n']:<7} {st:>8} {cpu:>6}  "
                  f"{'yes' if r['ok'] else 'NO'}")
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
