"""Bridge ports and the bridge itself change under a running mcsnoopd.

  * port down (`ip link set pN down` in the switch): the port's entries go (the kernel
    would keep permanent entries; the daemon drops what it learned there, like the
    kernel does with learned ones); after `up`, the host's next report (to the querier
    host's general query) brings them back, and data flows again;
  * port removed from the bridge (nomaster): its entries go (the kernel deletes them,
    the daemon forgets them without fighting the kernel); enslaved again, the host's
    next report brings them back;
  * bridge deleted and created again (same name, ports enslaved again): the daemon
    survives, takes the new bridge over, and hosts' joins become entries again.
"""

import time
import unittest

import labcase
from lab import wait_until
from labcase import LabCase

G1, G2 = "239.5.1.1", "239.5.2.2"
REREPORT = labcase.QUERY_INTERVAL + labcase.RESPONSE_INTERVAL + 2   # next query + answer


class PortsCase(LabCase):
    def setUp(self):
        super().setUp()
        lab = self.make_lab(hosts=("h1", "h2", "h3"))
        self.h1, self.h2, self.h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))
        self.q = lab.querier_host("q")
        self.d = self.start_daemon(config=labcase.config())
        self.wait_router()

    def wait_router(self, timeout: float = 10):
        wait_until(lambda: self.lab.mcast_router(self.q.port) == 2, timeout,
                   what="querier port is a router port")

    def assertServed(self, receiver, group: str, sender=None):
        n = receiver.count()
        (sender or self.h3).send(group, 10)
        wait_until(lambda: receiver.count() >= n + 10, 5, what=f"{receiver.host.name} gets {group}")

    def assertQuietLog(self):
        """No MDB operation failed (e.g. retried removals of entries the kernel deleted)."""
        text = self.d.log_text()
        bad = [l for l in text.splitlines() if l.startswith(("warning", "error", "critical"))]
        self.assertEqual(bad, [], "daemon warnings/errors")


class PortDownUpTest(PortsCase):
    def test_port_down_and_up(self):
        lab = self.lab
        r1, r2 = self.h1.join(G1), self.h2.join(G1)
        self.wait_entry(G1, {self.h1.port, self.h2.port})
        self.assertServed(r1, G1)
        lab.swrun("ip", "link", "set", self.h1.port, "down")
        wait_until(lambda: lab.mdb_ports(G1) == {self.h2.port}, 3, what="p1's entry gone with the port")
        lab.swrun("ip", "link", "set", self.h1.port, "up")
        self.wait_entry(G1, {self.h1.port, self.h2.port}, timeout=REREPORT)
        self.assertServed(r1, G1)
        self.assertServed(r2, G1)
        self.assertNoKernelEntries()
        self.assertQuietLog()


class PortRemovedTest(PortsCase):
    def test_port_leaves_and_rejoins_the_bridge(self):
        lab = self.lab
        r1, r2 = self.h1.join(G1), self.h2.join(G1)
        self.wait_entry(G1, {self.h1.port, self.h2.port})
        lab.swrun("ip", "link", "set", self.h1.port, "nomaster")
        wait_until(lambda: lab.mdb_ports(G1) == {self.h2.port}, 3, what="p1's entry gone with the port")
        # Nothing comes back while the port is out of the bridge.
        time.sleep(1.0)
        self.assertEqual(lab.mdb_ports(G1), {self.h2.port})
        self.assertServed(r2, G1)
        lab.swrun("ip", "link", "set", self.h1.port, "master", lab.bridge)
        self.wait_entry(G1, {self.h1.port, self.h2.port}, timeout=REREPORT)
        self.assertServed(r1, G1)
        self.assertNoKernelEntries()
        self.assertQuietLog()


class BridgeRecreatedTest(PortsCase):
    def test_bridge_deleted_and_created_again(self):
        lab = self.lab
        r1 = self.h1.join(G1)
        self.wait_entry(G1, {self.h1.port})
        old_index = lab.link_info(lab.bridge)["ifindex"]
        lab.swrun("ip", "link", "del", lab.bridge)
        wait_until(lambda: "gone" in self.d.log_text(), 5, what="the daemon saw the bridge go")
        self.assertTrue(self.d.alive())
        lab.swrun("ip", "link", "add", lab.bridge, "type", "bridge", "mcast_snooping", "1")
        lab.swrun("ip", "link", "set", lab.bridge, "up")
        for h in lab.hosts.values():
            lab.swrun("ip", "link", "set", h.port, "master", lab.bridge)
        new_index = lab.link_info(lab.bridge)["ifindex"]
        self.assertNotEqual(old_index, new_index)
        wait_until(lambda: f"({new_index}): snooping" in self.d.log_text(), 5,
                   what="the daemon took the new bridge over")
        self.wait_router()
        # h1's old membership comes back with its next report; a new join at once.
        r2 = self.h2.join(G2)
        self.wait_entry(G2, {self.h2.port})
        self.wait_entry(G1, {self.h1.port}, timeout=REREPORT)
        self.wait_pruning(self.h3, self.q, self.h2)
        self.assertServed(r1, G1)
        self.assertServed(r2, G2)
        s2 = self.h2.sniff(G1)
        self.assertServed(r1, G1)
        self.assertEqual(s2.count(), 0, "non-member h2 got G1 on the new bridge")
        self.assertTrue(self.d.alive())
        self.assertNoKernelEntries()
        self.assertQuietLog()


if __name__ == "__main__":
    unittest.main()
