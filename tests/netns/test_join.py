"""Hosts join with their own IGMP/MLD stacks; mcsnoopd programs the MDB.

Checked for IGMPv2, IGMPv3 (any-source and source-specific), MLDv1 and MLDv2
(any-source and source-specific):
  * entries appear on the member's port only, permanent, protocol 183 (ours);
  * data from a sender host reaches members only (a non-member's raw-socket count of
    frames to the group stays 0), source-specific members only get their source;
  * the kernel learns nothing by itself while the daemon runs.

No querier host in these labs: the daemon's keep-alive queries (sent through the
bridge, dropped at bridge output) make the kernel forward by the MDB.

Unregistered groups (nobody joined): with that keep-alive querier the kernel sends
unregistered IPv4 and IPv6 multicast to router ports only (kernel-bridge.md §4.4), so
with no router port nobody gets it; with a querier host, its port (a router port)
gets it and the other hosts do not. 224.0.0.x is still flooded.
"""

import unittest

from labcase import LabCase
from lab import wait_until


class JoinTest(LabCase):
    def setUp(self):
        super().setUp()
        self.make_lab(hosts=("h1", "h2", "h3", "h4"))
        self.h1, self.h2, self.h3, self.h4 = (self.lab.hosts[n] for n in ("h1", "h2", "h3", "h4"))
        for h in self.lab.hosts.values():
            idx = int(h.mac[-2:], 16)
            h.ipv6 = f"2001:db8::{idx:x}"
            h.run("ip", "-6", "addr", "add", f"{h.ipv6}/64", "dev", "eth0", "nodad")
        self.d = self.start_daemon()

    def check_data(self, group: str, sender, members, non_members, count: int = 20):
        """`sender` sends `count` datagrams; every member's socket gets them all, no
        non-member's eth0 sees a single frame of the group."""
        rx = {h.name: h.sniff(group) for h in list(members) + list(non_members)}
        before = {n: r.count() for n, r in rx.items()}
        sender.send(group, count)
        for h in members:
            wait_until(lambda h=h: rx[h.name].count() - before[h.name] >= count, 5,
                       what=f"{h.name} got {count} datagrams to {group}")
        # Members got everything, so frames to non-members would have arrived too.
        for h in non_members:
            self.assertEqual(rx[h.name].count() - before[h.name], 0,
                             f"non-member {h.name} saw traffic to {group}")
        for r in rx.values():
            r.stop()

    def join_and_check(self, group: str, members, source: str | None = None):
        rs = [h.join(group, source) for h in members]
        es = self.wait_entry(group, {h.port for h in members}, source)
        return rs, es

    # ---- IGMP -----------------------------------------------------------------
    def test_igmpv2(self):
        for h in (self.h1, self.h2):
            h.force_igmp_version(2)
        self.join_and_check("239.1.2.1", [self.h1, self.h2])
        self.check_data("239.1.2.1", self.h3, [self.h1, self.h2], [self.h4])
        self.assertNoKernelEntries()

    def test_igmpv3_any_source(self):
        _, es = self.join_and_check("239.1.3.1", [self.h1])
        self.check_data("239.1.3.1", self.h3, [self.h1], [self.h2, self.h4])
        self.assertNoKernelEntries()

    def test_igmpv3_source_specific(self):
        g, s = "232.1.1.1", self.h3.ipv4
        self.h1.join(g, s)
        # (*,G) INCLUDE {S} with a source list: the kernel derives the (S,G) entry.
        self.wait_entry(g, {self.h1.port}, s)
        self.check_data(g, self.h3, [self.h1], [self.h2, self.h4])
        # Another source's traffic to G does not reach the source-specific member.
        self.check_data(g, self.h4, [], [self.h1, self.h2])
        self.assertNoKernelEntries()

    def test_igmpv3_mixed_any_and_source_specific(self):
        g, s = "232.1.1.2", self.h3.ipv4
        self.h1.join(g, s)
        self.h2.join(g)
        wait_until(lambda: self.lab.mdb_ports(g, s) == {self.h1.port, self.h2.port}, 5,
                   what=f"(S,G) {s},{g} on p1 (include) and p2 (exclude {{}})")
        self.check_data(g, self.h3, [self.h1, self.h2], [])
        self.check_data(g, self.h4, [self.h2], [self.h1])
        self.assertNoKernelEntries()

    # ---- MLD ------------------------------------------------------------------
    def test_mldv1(self):
        for h in (self.h1, self.h2):
            h.force_mld_version(1)
        self.join_and_check("ff15::121", [self.h1, self.h2])
        self.check_data("ff15::121", self.h3, [self.h1, self.h2], [self.h4])
        self.assertNoKernelEntries()

    def test_mldv2_any_source(self):
        self.join_and_check("ff15::131", [self.h1])
        self.check_data("ff15::131", self.h3, [self.h1], [self.h2, self.h4])
        self.assertNoKernelEntries()

    def test_mldv2_source_specific(self):
        g, s = "ff35::132", self.h3.ipv6
        self.h1.join(g, s)
        self.wait_entry(g, {self.h1.port}, s)
        self.check_data(g, self.h3, [self.h1], [self.h2, self.h4])
        self.check_data(g, self.h4, [], [self.h1, self.h2])
        self.assertNoKernelEntries()

    # ---- unregistered groups --------------------------------------------------
    def test_unregistered_goes_nowhere_without_router(self):
        self.check_data("239.9.9.9", self.h3, [], [self.h1, self.h2, self.h4])
        self.check_data("ff15::999", self.h3, [], [self.h1, self.h2, self.h4])
        # Link-local IPv4 groups are always flooded.
        rx = self.h1.sniff("224.0.0.250")
        self.h3.send("224.0.0.250", 5)
        wait_until(lambda: rx.count() >= 5, 5, what="224.0.0.250 flooded to h1")


class UnregisteredWithRouterTest(LabCase):
    def test_unregistered_goes_to_router_port_only(self):
        lab = self.make_lab(hosts=("h1", "h2", "h3"))
        q = lab.querier_host("q")
        self.start_daemon()
        wait_until(lambda: lab.mcast_router(q.port) == 2, 10, what="querier port is a router port")
        h1, h2, h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))
        rq, r1, r2 = q.sniff("239.9.9.8"), h1.sniff("239.9.9.8"), h2.sniff("239.9.9.8")
        h3.send("239.9.9.8", 20)
        wait_until(lambda: rq.count() >= 20, 5, what="router port got the unregistered group")
        self.assertEqual((r1.count(), r2.count()), (0, 0))


if __name__ == "__main__":
    unittest.main()
