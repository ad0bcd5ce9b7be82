#!/usr/bin/python3
"""Join and immediate-leave latency: IGMPv3 report on the wire -> MDB change notified over
RTNLGRP_MDB, mcsnoopd against the kernel's own snooping on an identical bridge, side by side.

    sudo /usr/bin/python3 tests/bench/join_latency.py --mcsnoopd BUILD/agent/daemon/mcsnoopd \
        [--rates 1000,10000] [--seconds 1] [--hosts 8] [--runs 3] [--json OUT]

Two labs live at the same time (tests/netns/lab.py): bridge br0 in a switch namespace, HOSTS
sender hosts, one per port, mcast_hash_max 1M, IGMPv3 mode on both bridges:
  * "mcsnoopd": the daemon runs on the bridge with immediate-leave on (host tracking) and no
    report rate limit; reports are dropped by its nftables table before the bridge sees them,
    it reads them on its packet socket and programs the MDB itself;
  * "kernel": no daemon; the bridge learns by itself, mcast_fast_leave on every port.
Each trial, for one lab at one rate: N = RATE x SECONDS reports, one CHANGE_TO_EXCLUDE {}
record each, group i from host i mod HOSTS (groups 239.1.0.1 ...), sent at RATE per second
from the hosts' eth0 (AF_PACKET; time taken right before send()); once every entry is in the
MDB, the same groups are left with CHANGE_TO_INCLUDE {} (the host's own leave) at the same
rate. A listener process (tests/bench/benchlib.py, NETLINK_ROUTE joined to RTNLGRP_MDB in the
switch namespace) stamps the first RTM_NEWMDB and RTM_DELMDB of every (group, port).
Join latency = RTM_NEWMDB stamp - send stamp of the join; leave latency = RTM_DELMDB stamp -
send stamp of the leave. Trials alternate mcsnoopd / kernel, RUNS times per rate, so both see
the same machine load; percentiles are over all runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402


class Side:
    """One lab (bridge + hosts), with or without mcsnoopd."""

    def __init__(self, name: str, hosts: int, daemon: str | None):
        self.name = name
        self.lab = bl.Lab(hosts=bl.lab_hosts(hosts))
        self.daemon = None
        self.socks = []
        try:
            bl.raise_hash_max(self.lab)
            if daemon:
                self.daemon = bl.start_daemon(self.lab, daemon, bl.bench_config(immediate_leave=True))
            else:
                self.lab.set_bridge("mcast_igmp_version", "3")
                for h in self.lab.hosts.values():
                    self.lab.swrun("bridge", "link", "set", "dev", h.port, "fastleave", "on")
            self.br = self.lab.link_info(self.lab.bridge)["ifindex"]
            self.hosts = list(self.lab.hosts.values())
            self.ports = [self.lab.link_info(h.port)["ifindex"] for h in self.hosts]
            self.socks = [bl.tx_socket(h) for h in self.hosts]
        except BaseException:
            self.close()
            raise

    def trial(self, n: int, rate: float, base: int) -> dict:
        hs = len(self.hosts)
        idx = [base + i for i in range(n)]

        def frames(rtype):
            return [(self.socks[i % hs], bl.igmpv3_report(self.hosts[i % hs].mac, self.hosts[i % hs].ipv4,
                                                           [(rtype, g)])) for i, g in enumerate(idx)]
        joins, leaves = frames(bl.CHANGE_TO_EXCLUDE), frames(bl.CHANGE_TO_INCLUDE)
        keys = [(bl.group_bytes(g), self.ports[i % hs]) for i, g in enumerate(idx)]
        lst = bl.MdbListener(self.lab.sw, self.br)
        try:
            t_join = bl.send_paced(joins, rate)
            try:
                bl.wait_until(lambda: bl.mdb_count(self.lab) >= n, 20, interval=0.1, what="all joins in the MDB")
            except AssertionError:
                pass  # counted as missing below
            t_leave = bl.send_paced(leaves, rate)
            try:
                bl.wait_until(lambda: bl.mdb_count(self.lab) == 0, 20, interval=0.1, what="all leaves done")
            except AssertionError:
                pass
        finally:
            lst.stop()
        join = [(lst.new[k] - t) / 1e3 for k, t in zip(keys, t_join) if k in lst.new and t > 0]
        leave = [(lst.dele[k] - t) / 1e3 for k, t in zip(keys, t_leave) if k in lst.dele and t > 0]
        if self.daemon:
            self.daemon.alive()
        return {"join": join, "leave": leave, "n": n, "overruns": lst.overruns,
                "send_secs": (max(t_join) - min(t_join)) / 1e9}

    def close(self):
        bl.teardown(self.lab, self.daemon, socks=self.socks)


def summarize(trials: list[dict], kind: str) -> dict:
    v = [x for t in trials for x in t[kind]]
    n = sum(t["n"] for t in trials)
    return {"seen": len(v), "n": n, "min": min(v) if v else None, "p50": bl.pct(v, 50),
            "p99": bl.pct(v, 99), "max": max(v) if v else None,
            "overruns": sum(t["overruns"] for t in trials)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="1000,10000", help="reports per second, comma-separated")
    ap.add_argument("--seconds", type=float, default=1.0, help="sending time per trial")
    ap.add_argument("--min-reports", type=int, default=1000, help="at least this many reports per trial")
    ap.add_argument("--hosts", type=int, default=8, help="sender hosts (= bridge ports)")
    ap.add_argument("--runs", type=int, default=3, help="trials per lab and rate")
    ap.add_argument("--mcsnoopd", default=os.environ.get("MCSNOOPD"))
    ap.add_argument("--json", help="write the results here")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("join_latency.py: run as root")
    if not a.mcsnoopd:
        sys.exit("join_latency.py: set MCSNOOPD or --mcsnoopd")
    rates = [float(r) for r in a.rates.split(",")]
    sides = []
    results: dict = {}
    try:
        sides.append(Side("mcsnoopd", a.hosts, a.mcsnoopd))
        sides.append(Side("kernel", a.hosts, None))
        base = 0
        for rate in rates:
            n = max(a.min_reports, int(rate * a.seconds))
            trials = {s.name: [] for s in sides}
            for _ in range(a.runs):
                for s in sides:
                    trials[s.name].append(s.trial(n, rate, base))
                base += n  # fresh groups each run
            for s in sides:
                for kind in ("join", "leave"):
                    results.setdefault(s.name, {}).setdefault(kind, {})[str(int(rate))] = \
                        summarize(trials[s.name], kind)
            results.setdefault("meta", {})[str(int(rate))] = {
                "n": n, "runs": a.runs, "hosts": a.hosts,
                "send_secs": max(t["send_secs"] for ts in trials.values() for t in ts)}
    finally:
        for s in sides:
            s.close()
    print(f"report sent -> RTM_NEWMDB / RTM_DELMDB received (µs), {a.hosts} hosts, {a.runs} runs per rate")
    print(f"{'bridge':9} {'what':6} {'rate/s':>7} {'seen':>13} {'min':>7} {'p50':>7} {'p99':>7} {'max':>8}  overruns")
    for rate in rates:
        r = str(int(rate))
        for name in ("mcsnoopd", "kernel"):
            for kind in ("join", "leave"):
                x = results[name][kind][r]
                f = lambda v: f"{v:.0f}" if v is not None and v == v else "-"  # noqa: E731
                print(f"{name:9} {kind:6} {r:>7} {x['seen']:>6}/{x['n']:<6} {f(x['min']):>7} {f(x['p50']):>7} "
                      f"{f(x['p99']):>7} {f(x['max']):>8}  {x['overruns']}")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
