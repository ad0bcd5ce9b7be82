#!/usr/bin/python3
"""mcsnoopd demo: a bridge with five hosts in network namespaces.

  h1  IGMPv3 host, joins 239.1.1.1
  h2  IGMPv2 host, joins 239.1.1.1 and 239.2.2.2
  h3  MLDv2 host, joins ff15::1 and (source-specific) 232.1.1.1 from 192.0.2.15
  h4  a host that joins nothing
  h5  the sender of the test streams (192.0.2.15)

mcsnoopd runs on the bridge as its IGMP/MLD querier (address 192.0.2.1); the demo
prints what it learned (its log), the kernel
MDB it programmed, and how many packets of each stream every host received.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "netns"))
from lab import Lab, wait_until  # noqa: E402
from daemon import Daemon  # noqa: E402

STREAMS = ["239.1.1.1", "239.2.2.2", "232.1.1.1", "239.9.9.9", "ff15::1"]

CONFIG = """
[[bridge]]
name = "br0"
[bridge.querier]
enabled = true
interval = 30
response-interval = 2
last-member-interval = 0.5
"""


def main() -> None:
    with Lab(hosts=["h1", "h2", "h3", "h4", "h5"]) as lab:
        h = lab.hosts
        for n in h.values():
            n.run("ip", "-6", "addr", "add", f"2001:db8::{n.ipv4.split('.')[-1]}/64", "dev", "eth0",
                  "nodad")
        h["h2"].force_igmp_version(2)
        print(f"lab: bridge {lab.bridge} in namespace {lab.sw}; hosts h1..h5 on ports p1..p5\n")
        lab.swrun("ip", "addr", "add", "192.0.2.1/24", "dev", lab.bridge)
        d = Daemon(lab, config=CONFIG, log_level="info")
        sniffers = {(name, g): host.sniff(g) for name, host in h.items() if name != "h5" for g in STREAMS}
        joins = [h["h1"].join("239.1.1.1"), h["h2"].join("239.1.1.1"), h["h2"].join("239.2.2.2"),
                 h["h3"].join("ff15::1"), h["h3"].join("232.1.1.1", source=h["h5"].ipv4)]
        wait_until(lambda: lab.mdb_ports("239.1.1.1") == {"p1", "p2"}
                   and lab.mdb_ports("239.2.2.2") == {"p2"} and lab.mdb_ports("ff15::1") == {"p3"}
                   and "p3" in lab.mdb_ports("232.1.1.1"), 15, what="memberships in the MDB")

        # The kernel keeps flooding for one Max Response Time after it first hears a
        # querier (ours, here): wait until an unregistered group no longer reaches h4.
        n = [0]

        def pruning():
            n[0] += 1
            probe = f"239.255.0.{n[0]}"
            s4 = h["h4"].sniff(probe)
            try:
                h["h5"].send(probe, count=3, interval=0.01)
                time.sleep(0.2)
                return s4.count() == 0
            finally:
                s4.stop()
        wait_until(pruning, 15, interval=0.3, what="the kernel forwarding by the MDB")

        print("== what mcsnoopd logged ==")
        for line in d.log_text().splitlines():
            if any(w in line for w in ("joined", "running", "features", "snooping", "-> querier")):
                print("  " + line)
        print("\n== kernel MDB (bridge mdb show dev br0) ==")
        print(lab.swrun("bridge", "mdb", "show", "dev", lab.bridge).stdout)

        for g in STREAMS:
            h["h5"].send(g, count=20, interval=0.005)
        time.sleep(0.5)
        print("== packets of each stream received by each host (20 sent per stream by h5) ==")
        print(f"  {'host':6}" + "".join(f"{g:>12}" for g in STREAMS))
        for name in ("h1", "h2", "h3", "h4"):
            print(f"  {name:6}" + "".join(f"{sniffers[(name, g)].count():>12}" for g in STREAMS))
        print("\n  239.9.9.9 has no members: nobody gets it (no multicast router in this lab).")

        t = time.monotonic()
        joins[0].stop()
        wait_until(lambda: lab.mdb_ports("239.1.1.1") == {"p2"}, 10, what="h1's leave")
        print(f"\nh1 left 239.1.1.1: mcsnoopd, as querier, sent group-specific queries and removed")
        print(f"p1 from 239.1.1.1 after {time.monotonic() - t:.1f} s (last-member query count 2 x 0.5 s);")
        print(f"h2 on p2 stays a member.")
        d.stop()
        print("\nmcsnoopd stopped; its entries stay in the MDB so forwarding goes on:")
        print(lab.swrun("bridge", "mdb", "show", "dev", lab.bridge).stdout)


if __name__ == "__main__":
    main()
