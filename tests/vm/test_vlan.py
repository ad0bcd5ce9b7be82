"""mcsnoopd on a VLAN-filtering bridge (kernel-bridge.md §5.6): run inside the VM
lane's guest (Debian's 6.1 kernel under qemu), because this project's host kernel
has no CONFIG_BRIDGE_VLAN_FILTERING. Outside a guest with VLAN support the tests
skip.

    tests/vm/run-in-vm.sh /usr/bin/python3 -m unittest -v test_vlan   (from tests/vm)

Every lab: bridge br0 with vlan_filtering 1 and no default PVID, the bridge itself
a tagged member of the test's VLANs (the daemon's queries leave through it).
Access ports carry one VLAN untagged (the host uses eth0), trunk ports carry VLANs
tagged (the host has eth0.VID). Checked:
  * the daemon turns mcast_vlan_snooping on and sets every VLAN's IGMP/MLD version
    (per-VLAN contexts start at IGMPv2/MLDv1 whatever the bridge says);
  * memberships are per VLAN: entries carry the VLAN of the report (untagged frames:
    the port's PVID), data of one VLAN reaches only that VLAN's members;
  * mrouter ports are per port and VLAN (the port-VLAN mcast_router, not the port's),
    forwarded reports are tagged only where the egress port has the VLAN tagged;
  * the querier runs per VLAN, tagged, with each VLAN's configured source address;
  * immediate leave, filters and max-groups apply per VLAN;
  * one VLAN's churn and removal leave another VLAN's entries alone; a VLAN added at
    run time is snooped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "netns"))
sys.path.insert(0, str(HERE))

from lab import wait_until  # noqa: E402
from labcase import LMQC, LMQI, OUR_PROTOCOL, QUERY_INTERVAL, RESPONSE_INTERVAL, LabCase  # noqa: E402
from querier_lab import CAPTURE_FILTER, FRAME_TOOL, Capture, igmp_query  # noqa: E402
from vlan_lab import VlanLab, frame_vid, vlan_ipv4  # noqa: E402


def vlan_filtering_available() -> bool:
    """Can this kernel build a VLAN-filtering bridge? (Tried in a throwaway namespace.)"""
    ns = f"mcsvlanprobe{os.getpid()}"
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True, capture_output=True)
        r = subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "add", "vlprobe", "type", "bridge",
                            "vlan_filtering", "1", "mcast_vlan_snooping", "1"], capture_output=True)
        return r.returncode == 0
    except (OSError, subprocess.CalledProcessError):
        return False
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


QUERIER_BR_ADDR = "192.0.2.1"
VLAN10_QUERIER = "198.51.100.62"   # in VLAN 10's /27 (vlan_lab.vlan_ipv4)


def config(*, querier: bool = True, vlans: str = "", extra: str = "") -> str:
    """Short test timers (labcase); [[bridge.vlan]] sections appended."""
    return f"""
[[bridge]]
name = "br0"
{extra}

[bridge.querier]
enabled = {str(querier).lower()}
interval = {QUERY_INTERVAL}
response-interval = {RESPONSE_INTERVAL}
last-member-interval = {LMQI}
last-member-count = {LMQC}
startup-query-interval = 1
{vlans}
"""


@unittest.skipUnless(os.geteuid() == 0, "needs root")
@unittest.skipUnless(vlan_filtering_available(),
                     "kernel without bridge VLAN filtering: run in the VM lane (tests/vm/run-in-vm.sh)")
class VlanCase(LabCase):
    def make_vlan_lab(self, vlans=(10, 20), **kw) -> VlanLab:
        lab = VlanLab(vlans=vlans, **kw)
        self.addCleanup(self._close_lab, lab)
        self.lab = lab
        return lab

    def wait_vlan_entries(self, group: str, expected: set[tuple[str, int]], timeout: float = 10):
        """Waits until the entries for `group` are exactly `expected` {(port, vid)} and
        checks they are ours."""
        lab = self.lab
        wait_until(lambda: lab.mdb_by_vid(group) == expected, timeout,
                   what=f"MDB {group} on {sorted(expected)} (now {sorted(lab.mdb_by_vid(group))})")
        for e in self.entries(group):
            self.assertEqual(e.get("state"), "permanent", e)
            self.assertEqual(e.get("protocol"), OUR_PROTOCOL, e)

    def capture(self, host, ifname: str = "eth0") -> Capture:
        c = Capture(host, ifname, CAPTURE_FILTER)
        self.addCleanup(c.stop)
        return c

    def check_data(self, sender, group: str, members, non_members, count: int = 10,
                   timeout: float = 20):
        """`sender` (a VlanHost) sends bursts of `count` datagrams until one burst reaches
        every member VlanHost's interface in full and no non-member's interface sees any
        of it. Retried because the kernel floods until it believes a querier exists in
        the VLAN (and for one Max Resp time after the first query)."""
        last = {}

        def burst():
            rx = {v.name: v.sniff(group) for v in list(members) + list(non_members)}
            try:
                sender.send(group, count)
                wait_until(lambda: all(rx[v.name].count() >= count for v in members), 5,
                           what=f"{[v.name for v in members]} got {count} datagrams to {group}")
                last.update({n: r.count() for n, r in rx.items()})
                return all(rx[v.name].count() == 0 for v in non_members)
            finally:
                for r in rx.values():
                    r.stop()

        wait_until(burst, timeout, interval=0.5,
                   what=f"{group} from {sender.name} reaching only {[v.name for v in members]} "
                        f"(last counts {last})")

    def keep_querying(self, host, ifname: str, frame: bytes, every: float = 2):
        """A stand-in router: `frame` out of host's `ifname` every `every` s until the lab closes."""
        return host.spawn("/usr/bin/python3", str(FRAME_TOOL), "send", "--ifname", ifname,
                          "--count", "0", "--every", str(every), "--hex", frame.hex())


class VlanTest(VlanCase):
    def setUp(self):
        super().setUp()
        lab = self.make_vlan_lab()
        lab.swrun("ip", "addr", "add", f"{QUERIER_BR_ADDR}/24", "dev", lab.bridge)
        self.h1 = lab.add_vlan_host("h1", untagged=10)          # access port, VLAN 10
        self.h2 = lab.add_vlan_host("h2", untagged=20)          # access port, VLAN 20
        self.h3 = lab.add_vlan_host("h3", tagged=(10, 20))      # trunk
        self.h4 = lab.add_vlan_host("h4", tagged=(10, 20))      # trunk

    # ---- kernel contexts, per-VLAN memberships and data ----------------------------
    def test_contexts_entries_and_data_per_vlan(self):
        lab = self.lab
        self.assertEqual(lab.vlan_snooping(), 0)
        self.start_daemon(config=config())
        wait_until(lambda: lab.vlan_snooping() == 1, 10, what="mcast_vlan_snooping turned on")

        def versions():
            g = lab.vlan_globals()
            return {v: (g[v]["mcast_igmp_version"], g[v]["mcast_mld_version"]) for v in g}
        wait_until(lambda: versions() == {10: (3, 2), 20: (3, 2)}, 10,
                   what=f"per-VLAN IGMPv3/MLDv2 contexts (now {versions()})")

        g = "239.1.10.1"
        h1, h2, h3, h4 = (h.on(v) for h, v in ((self.h1, 10), (self.h2, 20), (self.h3, 20), (self.h4, 10)))
        for v in (h1, h3, h4):
            v.join(g)
        # Untagged report on p1 -> p1's PVID (10); tagged reports -> their tag.
        self.wait_vlan_entries(g, {("p1", 10), ("p3", 20), ("p4", 10)})
        self.assertEqual(lab.kernel_port_entries(), [], "the kernel learned entries by itself")

        # VLAN 10 data reaches VLAN 10 members; h3 is on the trunk but joined in VLAN 20 only.
        self.check_data(self.h3.on(10), g, [h1, h4], [])
        self.check_data(self.h4.on(10), g, [h1], [self.h3.on(10)])
        # VLAN 20: h3 is a member there, h2 (access 20) and h4 (trunk, 20 not joined) are not.
        self.check_data(self.h4.on(20), g, [h3], [h2])
        self.check_data(h2, g, [h3], [self.h4.on(20)])

    def test_mld_entries_carry_the_vlan(self):
        self.start_daemon(config=config())
        g = "ff15::10:1"
        self.h3.on(10).join(g)
        self.h2.on(20).join(g)
        self.wait_vlan_entries(g, {("p3", 10), ("p2", 20)})
        self.check_data(self.h4.on(10), g, [self.h3.on(10)], [self.h1.on(10)])
        self.check_data(self.h4.on(20), g, [self.h2.on(20)], [self.h3.on(20)])

    # ---- mrouter ports per port-VLAN, re-tagging of forwarded reports --------------
    def test_mrouter_ports_per_port_vlan_and_report_tagging(self):
        lab = self.lab
        # r1: trunk, an IGMP querier (router) in VLAN 10 only. r2: access port in VLAN 20,
        # a querier there (it gets VLAN 20 untagged).
        r1 = lab.add_vlan_host("r1", tagged=(10, 20))
        r2 = lab.add_vlan_host("r2", untagged=20)
        self.start_daemon(config=config(querier=False))
        cap1, cap2 = self.capture(r1), self.capture(r2)
        # Routers keep querying (every 2 s) so the ports stay learned mrouter ports.
        self.keep_querying(r1, "eth0.10", igmp_query(r1.mac, vlan_ipv4(10, 5), version=3))
        self.keep_querying(r2, "eth0", igmp_query(r2.mac, vlan_ipv4(20, 6), version=3))
        wait_until(lambda: lab.port_vlan_router("p5", 10) == 2, 15,
                   what=f"p5 vid 10 an mrouter port (now {lab.port_vlans('p5')})")
        wait_until(lambda: lab.port_vlan_router("p6", 20) == 2, 15,
                   what=f"p6 vid 20 an mrouter port (now {lab.port_vlans('p6')})")
        self.assertEqual(lab.port_vlan_router("p5", 20), 0, lab.port_vlans("p5"))
        for p, vids in (("p1", (10,)), ("p3", (10, 20))):
            for v in vids:
                self.assertEqual(lab.port_vlan_router(p, v), 0, f"{p} vid {v}: {lab.port_vlans(p)}")

        g10, g20 = "239.1.10.2", "239.1.20.2"
        t0 = time.time()
        self.h1.on(10).join(g10)        # untagged report, VLAN 10
        self.h3.on(20).join(g20)        # tagged report, VLAN 20
        self.wait_vlan_entries(g10, {("p1", 10)})
        self.wait_vlan_entries(g20, {("p3", 20)})

        def reports(cap, src_mac):
            return [(frame_vid(p.raw), p.version) for p in cap.reports(family=4, since=t0)
                    if p.eth_src == src_mac]
        # h1's report reaches r1 (router in 10, trunk): tagged 10; never r2.
        wait_until(lambda: reports(cap1, self.h1.mac), 10, what="h1's report forwarded to r1")
        self.assertEqual({v for v, _ in reports(cap1, self.h1.mac)}, {10})
        # h3's VLAN-20 report reaches r2 (router in 20, access port): untagged; never r1.
        wait_until(lambda: reports(cap2, self.h3.mac), 10, what="h3's report forwarded to r2")
        self.assertEqual({v for v, _ in reports(cap2, self.h3.mac)}, {None})
        self.assertEqual(reports(cap1, self.h3.mac), [], "a VLAN-20 report went to VLAN 10's router")
        self.assertEqual(reports(cap2, self.h1.mac), [], "a VLAN-10 report went to VLAN 20's router")

        # Unregistered data in VLAN 10 goes to VLAN 10's router port only.
        self.wait_pruning(self.h4.on(10), r1.on(10), self.h1.on(10), timeout=20, ipv6=False)

    # ---- querier per VLAN --------------------------------------------------------------
    def test_querier_per_vlan_with_its_own_source(self):
        vlans = f"""
[[bridge.vlan]]
id = 10
querier = {{ address = "{VLAN10_QUERIER}" }}
"""
        t0 = time.time()
        c1, c3 = self.capture(self.h1), self.capture(self.h3)
        self.start_daemon(config=config(vlans=vlans))

        def general(cap, vid):
            return [p for p in cap.queries(family=4, general=True, since=t0) if frame_vid(p.raw) == vid]
        # h1: VLAN 10 untagged; h3: both VLANs tagged.
        wait_until(lambda: general(c1, None), 15, what="a general query reaching h1 (untagged)")
        wait_until(lambda: general(c3, 10) and general(c3, 20), 15,
                   what="general queries reaching h3 in VLANs 10 and 20")
        self.assertEqual({p.src for p in general(c1, None)}, {VLAN10_QUERIER})
        self.assertEqual({p.src for p in general(c3, 10)}, {VLAN10_QUERIER})
        self.assertEqual({p.src for p in general(c3, 20)}, {QUERIER_BR_ADDR})
        self.assertEqual({p.version for p in general(c3, 20)}, {"igmpv3"})
        # No VLAN leaks into the other: h1 (access 10) never gets VLAN 20's querier.
        self.assertNotIn(QUERIER_BR_ADDR, {p.src for p in c1.queries(family=4, since=t0)})
        # MLD queries too, tagged per VLAN.
        wait_until(lambda: {frame_vid(p.raw) for p in c3.queries(family=6, general=True, since=t0)}
                   >= {10, 20}, 15, what="MLD general queries in both VLANs at h3")

    # ---- immediate leave, filters, max-groups per VLAN ---------------------------------
    def test_immediate_leave_per_vlan(self):
        vlans = """
[[bridge.vlan]]
id = 10
immediate-leave = true
"""
        self.start_daemon(config=config(vlans=vlans))
        g = "239.1.10.3"
        self.h1.force_igmp_version(2)   # v2 leaves: immediate leave needs a leave message
        self.h3.on(20).force_igmp_version(2)
        r10, r20 = self.h1.on(10).join(g), self.h3.on(20).join(g)
        self.wait_vlan_entries(g, {("p1", 10), ("p3", 20)})
        c1, c3 = self.capture(self.h1), self.capture(self.h3)
        t0 = time.time()
        r10.stop()
        r20.stop()
        self.wait_vlan_entries(g, set(), timeout=15)
        # VLAN 20 asked who else still wants g (group-specific queries, tagged 20);
        # VLAN 10 (immediate leave) did not.
        gsq = lambda cap, vid: [p for p in cap.queries(family=4, group=g, since=t0)  # noqa: E731
                                if frame_vid(p.raw) == vid]
        wait_until(lambda: gsq(c3, 20), 5, what="group-specific query in VLAN 20")
        self.assertEqual(gsq(c1, None), [], "a group-specific query in VLAN 10 despite immediate leave")
        self.assertEqual(gsq(c3, 10), [])

    def test_filter_and_max_groups_per_vlan(self):
        vlans = """
[[bridge.vlan]]
id = 10
filter = { mode = "deny", groups = ["239.10.0.0/16"] }

[[bridge.vlan]]
id = 20
families = ["ipv4"]
max-groups = { limit = 2, action = "deny" }
"""
        # VLAN 20 snoops IPv4 only: the host's IPv6 solicited-node group would take a slot.
        self.start_daemon(config=config(vlans=vlans))
        h3_10, h3_20 = self.h3.on(10), self.h3.on(20)
        # The filter is VLAN 10's: 239.10.1.1 joined in both VLANs is an entry in 20 only.
        h3_10.join("239.10.1.1")
        h3_20.join("239.10.1.1")
        self.wait_vlan_entries("239.10.1.1", {("p3", 20)})
        # The limit is VLAN 20's: a third group on p3 in VLAN 20 is refused, while
        # VLAN 10 takes it.
        h3_20.join("239.20.1.1")
        self.wait_vlan_entries("239.20.1.1", {("p3", 20)})
        h3_20.join("239.20.1.2")
        h3_10.join("239.20.1.2")
        self.wait_vlan_entries("239.20.1.2", {("p3", 10)})
        h3_10.join("239.20.1.3")
        self.wait_vlan_entries("239.20.1.3", {("p3", 10)})
        self.assertNotIn(("p3", 20), self.lab.mdb_by_vid("239.20.1.2"))

    # ---- isolation: churn, VLAN removal, VLAN added at run time ------------------------
    def test_churn_in_one_vlan_leaves_another_alone(self):
        lab = self.lab
        self.start_daemon(config=config())
        g = "239.1.20.9"
        self.h3.on(20).join(g)
        self.wait_vlan_entries(g, {("p3", 20)})
        mon = lab.mdb_monitor()
        self.addCleanup(mon.stop)

        # Churn in VLAN 10: joins and leaves, then VLAN 10 disappears from every port.
        rs = [self.h1.on(10).join(f"239.1.10.{i}") for i in range(20, 26)]
        rs += [self.h4.on(10).join(f"239.1.10.{i}") for i in range(20, 26)]
        wait_until(lambda: all(lab.mdb_by_vid(f"239.1.10.{i}") == {("p1", 10), ("p4", 10)}
                               for i in range(20, 26)), 20, what="VLAN 10 churn entries")
        for r in rs[::2]:
            r.stop()
        for p in ("p1", "p3", "p4"):
            lab.bridge_vlan_del(p, 10)
        wait_until(lambda: not any(e.get("vid") == 10 for e in lab.mdb()), 20,
                   what="VLAN 10's entries gone with the VLAN")
        self.assertEqual(lab.mdb_by_vid(g), {("p3", 20)})
        deleted20 = [line for line in mon.lines() if line.startswith("Deleted") and "vid 20" in line]
        self.assertEqual(deleted20, [], "VLAN 20 entries were touched by VLAN 10's churn")
        self.check_data(self.h4.on(20), g, [self.h3.on(20)], [self.h2.on(20)])

        # VLAN 30 appears at run time on two trunks: snooped, context set.
        lab.bridge_vlan_add(lab.bridge, 30, self_=True)
        lab.add_host_vlan(self.h3, 30)
        lab.add_host_vlan(self.h4, 30)
        wait_until(lambda: lab.vlan_globals().get(30, {}).get("mcast_igmp_version") == 3, 10,
                   what="VLAN 30's context at IGMPv3")
        self.h3.on(30).join(g)
        self.wait_vlan_entries(g, {("p3", 20), ("p3", 30)})


class BridgeNotInVlanTest(VlanCase):
    """The bridge device is a member of VLAN 10 only: in VLAN 20 it cannot send, so the
    daemon's queries for VLAN 20 go out of the VLAN's ports instead (and it says so)."""

    def setUp(self):
        super().setUp()
        lab = self.make_vlan_lab(bridge_self=False)
        lab.bridge_vlan_add(lab.bridge, 10, self_=True)
        lab.swrun("ip", "addr", "add", f"{QUERIER_BR_ADDR}/24", "dev", lab.bridge)
        self.h1 = lab.add_vlan_host("h1", untagged=20)
        self.h3 = lab.add_vlan_host("h3", tagged=(10, 20))

    def test_queries_reach_a_vlan_the_bridge_is_not_in(self):
        t0 = time.time()
        c1, c3 = self.capture(self.h1), self.capture(self.h3)
        d = self.start_daemon(config=config())

        def general(cap, vid):
            return [p for p in cap.queries(family=4, general=True, since=t0) if frame_vid(p.raw) == vid]
        wait_until(lambda: general(c3, 10) and general(c3, 20), 15,
                   what="general queries reaching h3 in VLANs 10 (via the bridge) and 20 (via ports)")
        wait_until(lambda: general(c1, None), 15, what="a VLAN-20 query reaching h1 untagged")
        self.assertEqual({p.src for p in general(c3, 20)}, {QUERIER_BR_ADDR})
        log = d.log_text()
        self.assertIn("vid 20: the bridge device is not a member of the VLAN", log)
        self.assertNotIn("vid 10: the bridge device is not a member", log)


if __name__ == "__main__":
    unittest.main()
