"""Multicast-router ports: reports and leaves go there and nowhere else.

The kernel never forwards reports itself (the daemon's nftables table drops them
before the bridge sees them); the daemon sends each one out of the router ports it
knows. Checked with three kinds of router port:
  * a querier host (its general queries mark the port),
  * pimd (learning from PIM hellos only, so the hellos are what marks the port: pimd
    also sends IGMP queries, which here were valid),
  * a static mrouter port from the configuration.
Every host counts the IGMP/MLD reports and leaves that reach its eth0 (raw socket,
by source MAC): the router port sees the other hosts' reports, a plain host port never
does. The kernel's mcast_router is 2 on the router port and 0 on the others.
"""

import time
import unittest

import labcase
from lab import wait_until
from labcase import LabCase


class MrouterCase(LabCase):
    def setUp(self):
        super().setUp()
        lab = self.make_lab(hosts=("h1", "h2", "h3"))
        self.h1, self.h2, self.h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))

    def check_reports_only_at(self, router, plain, groups=("239.3.1.1", "ff15::311")):
        """h1 and h2 join; `router` must see their reports, the `plain` hosts none of the
        other hosts' reports."""
        sniffers = {h.name: h.sniff_control() for h in [router] + list(plain)}
        members = [self.h1, self.h2]
        receivers = [h.join(g) for h in members for g in groups]
        for g in groups:
            self.wait_entry(g, {h.port for h in members})
        wait_until(lambda: all(sniffers[router.name].counts().get(h.mac, 0) >= 2 for h in members),
                   10, what=f"reports of h1 and h2 at the router {router.name} "
                           f"({sniffers[router.name].counts()})")
        before = sniffers[router.name].counts().get(self.h1.mac, 0)
        for r in receivers[:len(groups)]:  # h1 leaves: leaves go to the router too
            r.stop()
        wait_until(lambda: sniffers[router.name].counts().get(self.h1.mac, 0) > before, 10,
                   what="h1's leave at the router")
        hosts = [self.h1, self.h2, self.h3]
        for h in plain:
            others = [x.mac for x in hosts if x is not h]
            self.assertEqual(sniffers[h.name].from_macs(others), 0,
                             f"{h.name} saw other hosts' reports: {sniffers[h.name].counts()}")
        return sniffers

    def assertRouterModes(self, router_port: str):
        ports = sorted(h.port for h in self.lab.hosts.values())
        modes = {p: self.lab.mcast_router(p) for p in ports}
        self.assertEqual(modes, {p: 2 if p == router_port else 0 for p in ports})


class QuerierRouterTest(MrouterCase):
    def test_querier_host_port_gets_reports(self):
        q = self.lab.querier_host("q")
        self.start_daemon(config=labcase.config())
        wait_until(lambda: self.lab.mcast_router(q.port) == 2, 10, what="querier port mcast_router 2")
        self.assertRouterModes(q.port)
        self.check_reports_only_at(q, [self.h3, self.h1, self.h2])
        self.assertRouterModes(q.port)
        self.assertNoKernelEntries()

    def test_router_port_ages_out_when_the_querier_goes(self):
        q = self.lab.querier_host("q")
        # mrouter timeout 10 s (the minimum); the querier's queries come every 4 s.
        self.start_daemon(config=labcase.config(extra='mrouter = { timeout = 10 }'))
        wait_until(lambda: self.lab.mcast_router(q.port) == 2, 10, what="querier port mcast_router 2")
        q.run("ip", "link", "set", "dev", "qbr", "type", "bridge", "mcast_querier", "0")
        t0 = time.monotonic()
        wait_until(lambda: self.lab.mcast_router(q.port) == 0, 20, interval=0.2,
                   what="router port aged out")
        # Not before the last query's age: the last query came at most 4 s before t0.
        self.assertGreater(time.monotonic() - t0, 10 - 4 - 0.5)
        self.assertRouterModes("none")


class PimRouterTest(MrouterCase):
    def test_pimd_port_gets_reports(self):
        self.start_daemon(config=labcase.config(extra='mrouter = { learn-from = ["pim"] }'))
        # pimd says hello when it starts, then every 30 s: start it after the daemon.
        r = self.lab.pimd_host("r")
        wait_until(lambda: self.lab.mcast_router(r.port) == 2, 40, interval=0.2,
                   what="pimd's port mcast_router 2 (PIM hello)")
        self.assertRouterModes(r.port)
        # Reports go to the router port only.
        self.check_reports_only_at(r, [self.h3, self.h1, self.h2], groups=("239.3.2.1",))
        self.assertRouterModes(r.port)
        self.assertNoKernelEntries()


class StaticRouterTest(MrouterCase):
    def test_static_mrouter_port(self):
        self.start_daemon(config=labcase.config(extra='static-mrouter-ports = ["p3"]'))
        wait_until(lambda: self.lab.mcast_router("p3") == 2, 5, what="p3 mcast_router 2")
        self.assertRouterModes("p3")
        self.check_reports_only_at(self.h3, [self.h1, self.h2])
        self.assertRouterModes("p3")
        self.assertNoKernelEntries()


if __name__ == "__main__":
    unittest.main()
