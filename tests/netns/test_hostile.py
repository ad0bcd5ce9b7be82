"""Hostile packets into a running daemon (issue #10): bad checksums, truncated
headers, huge source/record counts, out-of-range groups and sources, unknown types
and record types, wrong hop limit, missing Router Alert (tests/netns/hostile_frames.py
builds them). Each is sent from host h1 and must be:
  * dropped and counted under its named reason (Manager1.Describe counters:
    "drop.<reason>" of the bridge; "cause.link-local-group" of VLAN 0 for 224.0.0.x,
    which the RFCs say never to track), or ignored as the RFC says (an unknown
    IGMPv3 record type: RFC 9776 §4.2.13; the report is counted as received);
  * without effect: its group never reaches the MDB nor the daemon's group table,
    and no other group comes or goes on h1's port;
  * harmless: the daemon stays up and answers.
IGMP TTL other than 1 and a missing IPv4 Router Alert are SHOULDs for senders: they are
accepted by default and dropped (counted) with --strict. A source list longer than
max-sources-per-group is applied up to the limit (cause.source-limit).

A query from a lower address than the current querier is not an attack the snooper
can tell from a real election: RFC 3376 §6.6.2 / RFC 9776 §7.4 make the lowest
address the querier, so the daemon follows (heard querier = the spoofed address, its
port an mrouter port). Checked as such, not as a drop.
"""

import shutil
import sys
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "dbus"))

import hostile_frames as hf  # noqa: E402
import labcase  # noqa: E402
from dbuscase import DbusCase  # noqa: E402
from lab import PY, wait_until  # noqa: E402

FRAME_TOOL = HERE / "frame_tool.py"
MAX_SOURCES = 64


@unittest.skipUnless(shutil.which("dbus-daemon") and shutil.which("busctl"), "needs dbus-daemon and busctl")
class HostileCase(DbusCase):
    hosts = ("h1", "h2", "h3")
    strict = False

    def setUp(self):
        super().setUp()
        self.h1 = self.lab.hosts["h1"]
        args = ("--strict",) if self.strict else ()
        # Query interval 125 s: no querier refreshes h2's membership, which must outlive
        # the test also where everything runs slowly (the VM lane).
        cfg = labcase.config(extra=f"limits = {{ max-sources-per-group = {MAX_SOURCES} }}").replace(
            f"\ninterval = {labcase.QUERY_INTERVAL}\n", "\ninterval = 125\n")
        self.assertIn("\ninterval = 125\n", cfg)
        self.d = self.start_api_daemon(*args, config=cfg)
        # A member on h2 and h1's own link-local groups: state that must not change.
        self.member = self.lab.hosts["h2"].join("239.65.0.1")
        wait_until(lambda: self.lab.mdb_ports("239.65.0.1") == {self.lab.hosts["h2"].port}, 5,
                   what="h2's member entry")

    def send(self, frame: bytes) -> None:
        self.h1.run(PY, str(FRAME_TOOL), "send", "--ifname", "eth0", "--hex", frame.hex())

    def counters(self) -> dict:
        br = self.describe()["bridges"][0]
        c = dict(br["counters"])
        c.update(br["vlans"][0]["counters"])
        return c

    def groups(self) -> set[tuple[str, str]]:
        v = self.describe()["bridges"][0]["vlans"][0]
        return {(g["group"], p["port"]) for g in v["groups"] for p in g["ports"]}

    def mdb_groups(self) -> set[str]:
        return {e["grp"] for e in self.lab.mdb()}

    def check_dropped(self, cases) -> None:
        p1 = self.h1.port
        before_p1 = {g for g in self.groups() if g[1] == p1}
        for h in cases:
            with self.subTest(h.name):
                n = self.counters().get(h.counter)
                self.assertIsNotNone(n, f"no counter {h.counter}")
                self.send(h.frame)
                wait_until(lambda: self.counters()[h.counter] >= n + 1, 5,
                           what=f"{h.name}: {h.counter} > {n}")
        # A frame is processed once its counter moved: nothing to wait for.
        self.assertTrue(self.d.alive())
        groups = self.groups()
        mdb = self.mdb_groups()
        for h in cases:
            self.assertNotIn(h.group, {g for g, _ in groups}, h.name)
            self.assertNotIn(h.group, mdb, h.name)
        self.assertEqual({g for g in groups if g[1] == p1}, before_p1)
        self.assertEqual(self.lab.mdb_ports("239.65.0.1"), {self.lab.hosts["h2"].port})


class HostileTest(HostileCase):
    def test_malformed_and_out_of_range_dropped_and_counted(self):
        self.check_dropped(hf.hostile())

    def test_should_level_violations_accepted_by_default(self):
        for h in hf.strict():
            with self.subTest(h.name):
                self.send(h.frame)
                wait_until(lambda: self.lab.mdb_ports(h.group) == {self.h1.port}, 5,
                           what=f"{h.name}: {h.group} learned (accepted, not strict)")
                self.assertEqual(self.counters()[h.counter], 0)

    def test_source_list_over_the_limit_is_capped(self):
        g = "239.66.1.1"
        srcs = [f"198.51.{i // 250}.{i % 250 + 1}" for i in range(300)]
        n = self.counters()["cause.source-limit"]
        self.send(hf.v4frame("224.0.0.22", hf.igmpv3_report([hf.record4(1, g, srcs)])))   # IS_IN(300 sources)
        wait_until(lambda: self.counters()["cause.source-limit"] > n, 5, what="source limit hit")
        v = self.describe()["bridges"][0]["vlans"][0]
        rows = [p for x in v["groups"] if x["group"] == g for p in x["ports"]]
        self.assertEqual(len(rows), 1, rows)
        self.assertLessEqual(len(rows[0]["sources"]), MAX_SOURCES, len(rows[0]["sources"]))
        self.assertTrue(self.d.alive())

    def test_query_from_a_lower_address_wins_the_election(self):
        q = self.lab.querier_host("q")   # the kernel querier of a host bridge, 192.0.2.14
        wait_until(lambda: (self.describe()["bridges"][0]["vlans"][0]["querier"]["ipv4"]["heard"] or {})
                   .get("address") == q.ipv4, 10, what="the lab's querier heard")
        self.send(hf.spoofed_query("192.0.2.1"))
        heard = wait_until(lambda: (lambda h: h if h and h.get("address") == "192.0.2.1" else None)(
            self.describe()["bridges"][0]["vlans"][0]["querier"]["ipv4"]["heard"]), 5,
            what="the lower address elected (RFC 3376 §6.6.2)")
        self.assertEqual(heard["port"], self.h1.port)
        mr = self.describe()["bridges"][0]["vlans"][0]["mrouter_ports"]
        self.assertIn((self.h1.port, "ipv4"), {(m["port"], m["family"]) for m in mr})
        self.assertEqual(self.lab.mdb_ports("239.65.0.1"), {self.lab.hosts["h2"].port})
        self.assertTrue(self.d.alive())


class StrictHostileTest(HostileCase):
    strict = True

    def test_should_level_violations_dropped_in_strict_mode(self):
        self.check_dropped(hf.strict())


if __name__ == "__main__":
    unittest.main()
