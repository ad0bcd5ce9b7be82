"""Hosts join with their own IGMP/MLD stacks; mcsnoopd programs the MDB.

Checked for IGMPv2, IGMPv3 (any-source and source-specific), MLDv1 and MLDv2
(any-source and source-specific):
  * entries appear on the members' ports only, permanent, protocol 183 (ours);
  * data from a sender host reaches members only: a non-member's raw-socket count of
    frames to the group stays 0; a source-specific member gets its source only;
  * the kernel learns nothing by itself while the daemon runs.

Each lab has a querier host (a Linux bridge querier in a host namespace, IGMPv3/MLDv2
unless the test needs v2/MLDv1): the kernel only forwards by the MDB while it knows a
querier. Its port is a router port and gets every group.

Unregistered groups (nobody joined), documented here:
  * with a querier, the kernel sends unregistered IPv4 and IPv6 multicast to router
    ports only (kernel-bridge.md §1 "Unknown multicast flooding"); 224.0.0.x is
    flooded;
  * with no querier at all, the kernel floods all multicast, and keeps doing so: the
    daemon does not make it believe a querier exists (nothing would refresh the
    memberships, which end after the membership interval), so members are never cut
    off.
"""

import time
import unittest

import labcase
from lab import wait_until
from labcase import LabCase


class JoinCase(LabCase):
    igmp_version = 3
    mld_version = 2

    def setUp(self):
        super().setUp()
        lab = self.make_lab(hosts=("h1", "h2", "h3", "h4"))
        self.h1, self.h2, self.h3, self.h4 = (lab.hosts[n] for n in ("h1", "h2", "h3", "h4"))
        for h in list(lab.hosts.values()):
            h.ipv6 = f"2001:db8::{int(h.mac[-2:], 16):x}"
            h.run("ip", "-6", "addr", "add", f"{h.ipv6}/64", "dev", "eth0", "nodad")
        self.q = lab.querier_host("q", igmp_version=self.igmp_version, mld_version=self.mld_version)
        self.d = self.start_daemon(config=labcase.config())
        wait_until(lambda: lab.mcast_router(self.q.port) == 2, 10, what="querier port is a router port")
        self.wait_pruning(self.h3, self.q, self.h4)

    def check_data(self, group: str, sender, members, non_members, count: int = 20):
        """`sender` sends `count` datagrams; every member's eth0 gets them all (and the
        router port), no non-member's eth0 sees a single frame of the group."""
        hosts = list(members) + list(non_members) + [self.q]
        rx = {h.name: h.sniff(group) for h in hosts}
        try:
            sender.send(group, count)
            for h in list(members) + [self.q]:
                wait_until(lambda h=h: rx[h.name].count() >= count, 5,
                           what=f"{h.name} got {count} datagrams to {group}")
            # The others got everything: frames to non-members would have arrived too.
            for h in non_members:
                self.assertEqual(rx[h.name].count(), 0, f"non-member {h.name} saw traffic to {group}")
        finally:
            for r in rx.values():
                r.stop()

    def join_and_check(self, group: str, members, source: str | None = None):
        receivers = [h.join(group, source) for h in members]
        self.wait_entry(group, {h.port for h in members}, source)
        return receivers


class IgmpV2Test(JoinCase):
    igmp_version = 2

    def test_igmpv2(self):
        for h in (self.h1, self.h2):
            h.force_igmp_version(2)
        rs = self.join_and_check("239.1.2.1", [self.h1, self.h2])
        self.check_data("239.1.2.1", self.h3, [self.h1, self.h2], [self.h4])
        self.assertTrue(all(r.count() == 20 for r in rs), [r.count() for r in rs])
        self.assertNoKernelEntries()


class MldV1Test(JoinCase):
    mld_version = 1

    def test_mldv1(self):
        for h in (self.h1, self.h2):
            h.force_mld_version(1)
        self.join_and_check("ff15::121", [self.h1, self.h2])
        self.check_data("ff15::121", self.h3, [self.h1, self.h2], [self.h4])
        self.assertNoKernelEntries()


class V3Test(JoinCase):
    def test_igmpv3_any_source(self):
        rs = self.join_and_check("239.1.3.1", [self.h1])
        if self.features().get("source-lists"):
            es = self.entries("239.1.3.1")
            self.assertEqual([e.get("filter_mode") for e in es], ["exclude"], es)
        self.check_data("239.1.3.1", self.h3, [self.h1], [self.h2, self.h4])
        self.assertEqual(rs[0].count(), 20)
        self.assertNoKernelEntries()

    def test_igmpv3_source_specific(self):
        g, s = "232.1.1.1", self.h3.ipv4
        self.h1.join(g, s)
        # (*,G) INCLUDE {S} with a source list, and the kernel derives the (S,G) entry;
        # kernels without source lists (< 6.3) get the (S,G) entry alone.
        self.wait_entry(g, {self.h1.port}, s)
        if self.features().get("source-lists"):
            star = [e for e in self.entries(g) if "src" not in e]
            self.assertEqual(len(star), 1, self.entries(g))
            self.assertEqual(star[0].get("filter_mode"), "include", star)
            self.assertIn(s, [x.get("address") for x in star[0].get("source_list", [])], star)
        self.check_data(g, self.h3, [self.h1], [self.h2, self.h4])
        # Another source's traffic to G does not reach the source-specific member.
        self.check_data(g, self.h4, [], [self.h1, self.h2])
        self.assertNoKernelEntries()

    def test_igmpv3_any_and_source_specific_members(self):
        g, s = "232.1.1.2", self.h3.ipv4
        self.h1.join(g, s)
        self.h2.join(g)
        wait_until(lambda: self.lab.mdb_ports(g, s) == {self.h1.port, self.h2.port}, 5,
                   what=f"({s},{g}) on p1 (INCLUDE) and p2 (EXCLUDE {{}})")
        self.check_data(g, self.h3, [self.h1, self.h2], [])
        self.check_data(g, self.h4, [self.h2], [self.h1])
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

    def test_solicited_node_groups_are_ours(self):
        # The kernel would have learned them; the daemon must, or neighbour discovery
        # between hosts breaks (lab-notes.md).
        for h in (self.h1, self.h2, self.h3, self.h4):
            self.wait_entry(f"ff02::1:ff00:{int(h.mac[-2:], 16):x}", {h.port})
        self.assertNoKernelEntries()

    def test_unregistered_goes_to_router_port_only(self):
        self.check_data("239.9.9.8", self.h3, [], [self.h1, self.h2, self.h4])
        self.check_data("ff15::998", self.h3, [], [self.h1, self.h2, self.h4])
        # 224.0.0.x is flooded whatever the MDB says.
        self.check_data("224.0.0.250", self.h3, [self.h1, self.h2, self.h4], [])


class NoQuerierTest(LabCase):
    def test_no_querier_floods_and_never_cuts_members_off(self):
        lab = self.make_lab(hosts=("h1", "h2", "h3"))
        h1, h2, h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))
        # Membership interval 2 * 2 + 1 = 5 s.
        self.start_daemon(config=labcase.config().replace(
            f"interval = {labcase.QUERY_INTERVAL}\n", "interval = 2\n"))
        r1 = h1.join("239.1.9.1")
        self.wait_entry("239.1.9.1", {h1.port})
        s2 = h2.sniff("239.1.9.1")
        h3.send("239.1.9.1", 10)
        wait_until(lambda: r1.count() >= 10 and s2.count() >= 10, 5,
                   what="member and non-member get the group (no querier: flooded)")
        # Nothing asks h1 to report again: its membership ends...
        wait_until(lambda: not lab.mdb_ports("239.1.9.1"), 10, what="membership expired")
        # ...and the member still gets its traffic.
        h3.send("239.1.9.1", 10)
        wait_until(lambda: r1.count() >= 20, 5, what="member still served after expiry")
        self.assertNoKernelEntries()


if __name__ == "__main__":
    unittest.main()
