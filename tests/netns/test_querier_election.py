"""Issue 5, end to end: querier election between real queriers on one segment.

Two mcsnoopd instances (two labs whose bridges are joined by a veth) elect the lower
address, the other adopts its QRV/QQIC and takes over when it is killed; a proxy-mode
instance (0.0.0.0) never wins; a router with a lower address makes us step back and we
take over when it goes silent; an older-version querier makes us fall back. Takeover
times are checked against the Other Querier Present Interval computed from the values
the elected querier advertised (RFC 3376 §8.5, RFC 3810 §9.5: RV*QI + QRI/2).
"""

from __future__ import annotations

import signal
import sys
import unittest

from labcase import LabCase
from lab import wait_until
from querier_lab import (Capture, connect_bridges, decode_code8, igmp_query, mld_query, now,
                         querier_config, send_frames)


def oqpi(q) -> float:
    """Other Querier Present Interval from what a v3/MLDv2 general query advertises."""
    return q.qrv * decode_code8(q.qqic) + q.max_resp_s / 2


class ElectionCase(LabCase):
    def wait_log(self, d, text: str, timeout: float):
        wait_until(lambda: text in d.log_text(), timeout, what=f"log line '{text}'")

    def wait_queries(self, cap: Capture, n: int, timeout: float, **kw):
        return wait_until(lambda: (lambda q: q if len(q) >= n else None)(cap.queries(**kw)), timeout,
                          what=f"{n} queries {kw} (have {len(cap.queries(**kw))})")

    def assert_takeover(self, cap: Capture, old_src: str, new_src: str, family: int, since: float,
                        expected: float, timeout: float):
        """new_src's first general query comes `expected` s after old_src's last one."""
        first = self.wait_queries(cap, 1, timeout, family=family, src=new_src, general=True, since=since)[0]
        last_old = [q for q in cap.queries(family=family, src=old_src, general=True) if q.ts < first.ts][-1]
        delay = first.ts - last_old.ts
        print(f"\ntakeover {old_src} -> {new_src}: {delay:.3f} s (OQPI {expected:.3f} s)", file=sys.stderr)
        self.assertGreater(delay, expected - 0.3, f"{new_src} took over too early ({delay:.2f} s, "
                                                  f"OQPI {expected:.2f} s)")
        self.assertLess(delay, expected + 1.0, f"{new_src} took over too late ({delay:.2f} s, "
                                               f"OQPI {expected:.2f} s)")
        return first


class TestTwoDaemons(ElectionCase):
    def two_labs(self):
        a = self.make_lab(hosts=("h1",))
        b = self.make_lab(hosts=())
        b.add_host("h5", 5)     # own MAC/IP: the two labs share one L2 segment
        connect_bridges(a, b)
        return a, b

    def test_lower_address_wins_and_the_other_takes_over(self):
        a, b = self.two_labs()
        a.swrun("ip", "addr", "add", "192.0.2.1/24", "dev", "br0")
        b.swrun("ip", "addr", "add", "192.0.2.2/24", "dev", "br0")
        cap = Capture(b.hosts["h5"])
        # A advertises QRV 3 / QQIC 2; B's own would give an OQPI of 2*4 + 0.5 = 8.5 s, the
        # adopted values 3*2 + 0.5 = 6.5 s.
        da = self.start_daemon(lab=a, config=querier_config(address6="fe80::1", interval=2, robustness=3,
                                                            startup_count=1))
        db = self.start_daemon(lab=b, config=querier_config(address6="fe80::2", interval=4, robustness=2))
        for fam in ("ipv4", "ipv6"):
            self.wait_log(db, f"vid 0 {fam}: querier state querier -> non-querier", 6)
        mark = now()
        # Two of A's rounds later, B has stayed quiet and A has not stepped back.
        self.wait_queries(cap, 2, 6, family=4, src="192.0.2.1", general=True, since=mark)
        self.wait_queries(cap, 2, 6, family=6, src="fe80::1", general=True, since=mark)
        self.assertEqual(cap.queries(src="192.0.2.2", since=mark), [])
        self.assertEqual(cap.queries(src="fe80::2", since=mark), [])
        self.assertNotIn("-> non-querier", da.log_text())
        self.assertIn("elected querier 192.0.2.2 (us) -> 192.0.2.1", db.log_text())
        self.assertIn("elected querier fe80::2 (us) -> fe80::1", db.log_text())
        qa = cap.queries(family=4, src="192.0.2.1", general=True)[-1]
        self.assertEqual((qa.qrv, qa.qqic), (3, 2))

        t_kill = now()
        a.kill(da.proc, signal.SIGKILL)
        q4 = self.assert_takeover(cap, "192.0.2.1", "192.0.2.2", 4, t_kill, 6.5, 10)
        q6 = self.assert_takeover(cap, "fe80::1", "fe80::2", 6, t_kill, 6.5, 10)
        # As querier, B advertises its own values again and keeps its own interval.
        self.assertEqual((q4.qrv, q4.qqic, q6.qrv, q6.qqic), (2, 4, 2, 4))
        nxt = self.wait_queries(cap, 2, 6, family=4, src="192.0.2.2", general=True, since=t_kill)
        self.assertAlmostEqual(nxt[1].ts - nxt[0].ts, 4, delta=0.5)
        for fam in ("ipv4", "ipv6"):
            self.assertIn(f"vid 0 {fam}: querier state non-querier -> querier", db.log_text())

    def test_proxy_mode_never_wins(self):
        a, b = self.two_labs()
        v4only = 'families = ["ipv4"]'
        cap = Capture(b.hosts["h5"])
        # B first: alone, the proxy querier queries from 0.0.0.0 ...
        db = self.start_daemon(lab=b, config=querier_config(address="0.0.0.0", extra=v4only))
        self.wait_queries(cap, 1, 5, family=4, src="0.0.0.0", general=True)
        # ... until any real querier shows up, even one with the highest address.
        da = self.start_daemon(lab=a, config=querier_config(address="192.0.2.254", extra=v4only))
        self.wait_log(db, "querier state querier -> non-querier", 6)
        mark = now()
        self.wait_queries(cap, 2, 10, family=4, src="192.0.2.254", general=True, since=mark)
        self.assertEqual(cap.queries(src="0.0.0.0", since=mark), [])
        self.assertNotIn("-> non-querier", da.log_text(), "a 0.0.0.0 querier won the election")
        # A goes away: B takes over after the OQPI of A's queries, from 0.0.0.0 again.
        qa = cap.queries(family=4, src="192.0.2.254", general=True)[-1]
        t_kill = now()
        a.kill(da.proc, signal.SIGKILL)
        self.assert_takeover(cap, "192.0.2.254", "0.0.0.0", 4, t_kill, oqpi(qa), 12)


class TestRouter(ElectionCase):
    def test_router_with_lower_address_takes_over(self):
        """A router (scripted: general queries every 2 s from 192.0.2.9 / fe80::9, as a
        real querier keeps doing while it is the lowest) makes the daemon step back; when
        it stops, the daemon takes over after the OQPI of the router's queries."""
        lab = self.make_lab(hosts=("h1", "h2"))
        lab.swrun("ip", "addr", "add", "192.0.2.200/24", "dev", "br0")
        h1, r = lab.hosts["h1"], lab.hosts["h2"]
        cap = Capture(h1)
        d = self.start_daemon(config=querier_config(address6="fe80::200"))
        self.wait_queries(cap, 1, 5, family=4, src="192.0.2.200", general=True)
        self.wait_queries(cap, 1, 5, family=6, src="fe80::200", general=True)
        frames = [igmp_query(r.mac, "192.0.2.9", 3, max_resp_code=10, qrv=2, qqic=2),
                  mld_query(r.mac, "fe80::9", 2, max_resp_code=1000, qrv=2, qqic=2)]
        router = send_frames(r, frames, every=2, background=True)
        for fam in ("ipv4", "ipv6"):
            self.wait_log(d, f"vid 0 {fam}: querier state querier -> non-querier", 5)
        mark = now()
        self.wait_queries(cap, 2, 6, family=4, src="192.0.2.9", general=True, since=mark)
        self.assertEqual(cap.queries(src="192.0.2.200", since=mark), [])
        self.assertEqual(cap.queries(src="fe80::200", since=mark), [])
        # The router's port became a router port (learned from its queries).
        wait_until(lambda: lab.mcast_router(r.port) == 2, 3, what="router port")
        # Hosts answer the router's queries; the daemon still builds the MDB from them.
        h1.join("239.1.1.1")
        self.wait_entry("239.1.1.1", {"p1"})

        t_stop = now()
        lab.kill(router)
        rq = cap.queries(family=4, src="192.0.2.9", general=True)[-1]
        self.assertAlmostEqual(oqpi(rq), 4.5)     # 2*2 + 1/2; our own would be 8.5
        self.assert_takeover(cap, "192.0.2.9", "192.0.2.200", 4, t_stop, oqpi(rq), 10)
        self.assert_takeover(cap, "fe80::9", "fe80::200", 6, t_stop, oqpi(rq), 10)
        for fam in ("ipv4", "ipv6"):
            self.assertIn(f"vid 0 {fam}: querier state non-querier -> querier", d.log_text())

    def test_unspecified_source_queries_never_win(self):
        """General queries from 0.0.0.0 and :: (proxies, RFC 4541 §2.1.1) take no part in
        the election: the daemon stays the querier."""
        lab = self.make_lab(hosts=("h1", "h2"))
        lab.swrun("ip", "addr", "add", "192.0.2.200/24", "dev", "br0")
        h1, r = lab.hosts["h1"], lab.hosts["h2"]
        cap = Capture(h1)
        d = self.start_daemon(config=querier_config(address6="fe80::200"))
        self.wait_queries(cap, 1, 5, family=4, src="192.0.2.200", general=True)
        proxy = send_frames(r, [igmp_query(r.mac, "0.0.0.0", 3), mld_query(r.mac, "::", 2)], every=1,
                            background=True)
        mark = now()
        self.wait_queries(cap, 2, 10, family=4, src="192.0.2.200", general=True, since=mark)
        self.wait_queries(cap, 2, 10, family=6, src="fe80::200", general=True, since=mark)
        self.assertTrue(cap.queries(src="0.0.0.0", since=mark), "the proxy queries did not go out")
        self.assertNotIn("-> non-querier", d.log_text())
        lab.kill(proxy)

    def test_linux_kernel_querier_with_lower_address(self):
        """A real Linux bridge querier (mcast_querier 1) with a lower address in a host
        namespace: the daemon steps back while it queries and takes over when it stops."""
        lab = self.make_lab(hosts=("h1",))
        lab.swrun("ip", "addr", "add", "192.0.2.200/24", "dev", "br0")
        cap = Capture(lab.hosts["h1"])
        d = self.start_daemon(config=querier_config(extra='families = ["ipv4"]'))
        self.wait_queries(cap, 1, 5, family=4, src="192.0.2.200", general=True)
        r = lab.querier_host("r", query_interval=2, response_interval=1)
        self.wait_log(d, "querier state querier -> non-querier", 6)
        mark = now()
        self.wait_queries(cap, 2, 6, family=4, src=r.ipv4, general=True, since=mark)
        self.assertEqual(cap.queries(src="192.0.2.200", since=mark), [])
        t_stop = now()
        r.run("ip", "link", "set", "dev", "qbr", "type", "bridge", "mcast_querier", "0")
        rq = cap.queries(family=4, src=r.ipv4, general=True)[-1]
        self.assert_takeover(cap, r.ipv4, "192.0.2.200", 4, t_stop, oqpi(rq), 12)


class TestOlderVersionQuerier(ElectionCase):
    def test_fall_back_to_older_version_while_it_is_present(self):
        """RFC 3376 §6.6.2 / RFC 3810 §7.6.2 ("MUST use the oldest version on the
        network"): an IGMPv2 / MLDv1 general query from a higher address leaves us the
        querier but makes our queries v2 / MLDv1 until its Older Version Querier Present
        Interval (RV*QI + QRI = 9 s here) has passed without another one."""
        lab = self.make_lab(hosts=("h1", "h2"))
        lab.swrun("ip", "addr", "add", "192.0.2.1/24", "dev", "br0")
        h1, r = lab.hosts["h1"], lab.hosts["h2"]
        cap = Capture(h1)
        d = self.start_daemon(config=querier_config(address6="fe80::1"))
        self.wait_queries(cap, 2, 5, general=True, src="192.0.2.1")
        t = now()
        send_frames(r, [igmp_query(r.mac, "192.0.2.250", 2, max_resp_code=10),
                        mld_query(r.mac, "fe80::250", 1, max_resp_code=1000)])
        self.wait_log(d, "query version igmpv3 -> igmpv2", 3)
        self.wait_log(d, "query version mldv2 -> mldv1", 3)
        v2 = self.wait_queries(cap, 1, 6, family=4, src="192.0.2.1", general=True, since=t + 0.05)[0]
        v1 = self.wait_queries(cap, 1, 6, family=6, src="fe80::1", general=True, since=t + 0.05)[0]
        self.assertEqual((v2.version, v2.l4_len, v2.max_resp_code), ("igmpv2", 8, 10))
        self.assertEqual((v1.version, v1.l4_len), ("mldv1", 24))
        self.assertNotIn("-> non-querier", d.log_text())
        # Back to v3 / MLDv2 once the older querier has been silent for 9 s.
        self.wait_log(d, "query version igmpv2 -> igmpv3", 12)
        self.wait_log(d, "query version mldv1 -> mldv2", 2)
        t_back = now()
        self.assertGreater(t_back - t, 9 - 0.3)
        back = self.wait_queries(cap, 1, 6, family=4, src="192.0.2.1", general=True, since=t_back)[0]
        self.assertEqual(back.version, "igmpv3")
        older = [q for q in cap.queries(family=4, src="192.0.2.1", general=True, since=t + 0.05)
                 if q.ts < t + 9 - 0.3]
        self.assertTrue(older and all(q.version == "igmpv2" for q in older), older)


if __name__ == "__main__":
    unittest.main()
