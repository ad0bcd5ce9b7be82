"""Hosts leave (their stacks send an IGMPv2 leave, an IGMPv3/MLDv2 TO_IN({}) or an
MLDv1 done when the socket holding the membership closes).

  * immediate leave (configured): the leaving host's entry goes at once; another
    member's entry (on another port) stays, and it keeps receiving;
  * without immediate leave, with a querier host: the daemon forwards the leave to the
    querier, whose group-specific queries lower the membership to LMQT = LMQC x LMQI
    (here 2 x 1 s); nobody answers, the entry goes then -- not before (still there
    shortly after the leave) and not much later (LMQT + slack);
  * the same with the daemon's own querier (config [bridge.querier] enabled, LMQI 0.5 s,
    LMQC 2): its own last-member queries end the membership after 1 s.
"""

import time
import unittest

import labcase
from lab import wait_until
from labcase import LabCase

QUERIER_LMQI = 1.0     # the querier host's mcast_last_member_interval
QUERIER_LMQC = 2
SLACK = 1.5


class LeaveCase(LabCase):
    igmp_version = 3
    mld_version = 2

    def setUp(self):
        super().setUp()
        lab = self.make_lab(hosts=("h1", "h2", "h3"))
        self.h1, self.h2, self.h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))

    def with_querier_host(self):
        self.q = self.lab.querier_host("q", igmp_version=self.igmp_version, mld_version=self.mld_version,
                                       last_member_interval=QUERIER_LMQI,
                                       last_member_count=QUERIER_LMQC)

    def start(self, **cfg):
        self.d = self.start_daemon(config=labcase.config(**cfg))
        if hasattr(self, "q"):
            wait_until(lambda: self.lab.mcast_router(self.q.port) == 2, 10,
                       what="querier port is a router port")

    def force(self, group: str, *hosts):
        for h in hosts:
            if ":" in group and self.mld_version == 1:
                h.force_mld_version(1)
            if ":" not in group and self.igmp_version == 2:
                h.force_igmp_version(2)

    def removal_time(self, group: str, port: str, t0: float, limit: float) -> tuple[float, float]:
        """Polls the MDB until `port` has no entry for `group`; returns (last time it
        was seen, first time it was gone), both relative to t0."""
        seen = 0.0
        deadline = t0 + limit
        while time.monotonic() < deadline:
            now = time.monotonic()
            if port not in self.lab.mdb_ports(group):
                return seen, now - t0
            seen = now - t0
            time.sleep(0.05)
        self.fail(f"{group} still on {port} {limit:.1f} s after the leave")

    def leave_immediate(self, group: str):
        self.with_querier_host()
        self.start(immediate_leave=True)
        self.force(group, self.h1, self.h2)
        r1, r2 = self.h1.join(group), self.h2.join(group)
        self.wait_entry(group, {self.h1.port, self.h2.port})
        r1.stop()
        t0 = time.monotonic()
        seen, gone = self.removal_time(group, self.h1.port, t0, 5)
        # At once: well before the querier's LMQT would have ended it.
        self.assertLess(gone, QUERIER_LMQI * QUERIER_LMQC / 2,
                        f"{group}: p1 entry went {gone:.2f} s after the leave")
        self.assertEqual(self.lab.mdb_ports(group), {self.h2.port})
        # h2 still gets the group, h1 no longer does -- once the kernel forwards by the
        # MDB at all (it floods while it knows no querier of the family).
        self.wait_pruning(self.h3, self.q, self.h1)
        s1 = self.h1.sniff(group)
        before = r2.count()
        self.h3.send(group, 10)
        wait_until(lambda: r2.count() >= before + 10, 5, what="remaining member still served")
        self.assertEqual(s1.count(), 0, "the host that left still gets the group")
        self.assertNoKernelEntries()

    def leave_after_queries(self, group: str):
        self.with_querier_host()
        self.start()
        self.force(group, self.h1, self.h2)
        r1, r2 = self.h1.join(group), self.h2.join(group)
        self.wait_entry(group, {self.h1.port, self.h2.port})
        r1.stop()
        t0 = time.monotonic()
        lmqt = QUERIER_LMQI * QUERIER_LMQC
        seen, gone = self.removal_time(group, self.h1.port, t0, lmqt + SLACK)
        self.assertGreaterEqual(seen, lmqt / 2,
                                f"{group}: entry went {gone:.2f} s after the leave, before LMQT {lmqt} s")
        self.assertEqual(self.lab.mdb_ports(group), {self.h2.port})
        before = r2.count()
        self.h3.send(group, 10)
        wait_until(lambda: r2.count() >= before + 10, 5, what="remaining member still served")
        self.assertNoKernelEntries()


class ImmediateLeaveV3Test(LeaveCase):
    def test_igmpv3_to_in_empty(self):
        self.leave_immediate("239.2.1.1")

    def test_mldv2_to_in_empty(self):
        self.leave_immediate("ff15::211")


class ImmediateLeaveV2Test(LeaveCase):
    igmp_version = 2
    mld_version = 1

    def test_igmpv2_leave(self):
        self.leave_immediate("239.2.1.2")

    def test_mldv1_done(self):
        self.leave_immediate("ff15::212")


class QueriedLeaveV3Test(LeaveCase):
    def test_igmpv3_to_in_empty(self):
        self.leave_after_queries("239.2.2.1")

    def test_mldv2_to_in_empty(self):
        self.leave_after_queries("ff15::221")


class QueriedLeaveV2Test(LeaveCase):
    igmp_version = 2
    mld_version = 1

    def test_igmpv2_leave(self):
        self.leave_after_queries("239.2.2.2")

    def test_mldv1_done(self):
        self.leave_after_queries("ff15::222")


class OwnQuerierLeaveTest(LeaveCase):
    def test_own_querier_last_member_queries(self):
        lab = self.lab
        lab.swrun("ip", "addr", "add", "192.0.2.1/24", "dev", lab.bridge)
        self.start(querier=True)
        g = "239.2.3.1"
        r1, r2 = self.h1.join(g), self.h2.join(g)
        self.wait_entry(g, {self.h1.port, self.h2.port})
        r1.stop()
        t0 = time.monotonic()
        lmqt = labcase.LMQI * labcase.LMQC
        seen, gone = self.removal_time(g, self.h1.port, t0, lmqt + SLACK)
        self.assertGreaterEqual(seen, lmqt / 2, f"entry went {gone:.2f} s after the leave")
        self.assertEqual(lab.mdb_ports(g), {self.h2.port})
        self.assertNoKernelEntries()


if __name__ == "__main__":
    unittest.main()
