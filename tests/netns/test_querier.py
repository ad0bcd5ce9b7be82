"""Issue 5, end to end: mcsnoopd as the IGMP/MLD querier of a real bridge.

Real Linux hosts (IGMPv2/v3, MLDv1/v2 forced per host) answer the queries the daemon
sends through the bridge; tcpdump in a host namespace captures what reaches the host,
and querier_lab.decode() checks every field. Pruning proves that the kernel counts our
queries as "a querier exists" (it uses the MDB only then). Timers are short (interval
4 s, response 1 s, LMQI 0.5 s x 2), every wait polls with a deadline.
"""

from __future__ import annotations

import json
import unittest

import labcase
from labcase import LabCase
from lab import TIMEOUT_SCALE, wait_until

# How late a protocol event may be seen beyond its RFC time: polling, capture and
# scheduling delays (stretched with everything else under emulation, docs/vm.md).
SLACK = 1.5 * TIMEOUT_SCALE
from querier_lab import (Capture, SourceMember, bridge_link_local, wait_ipv6_ready, decode_code8, decode_code16,
                         gaps, lower_representable8, lower_representable16, now, querier_config,
                         send_frames, tcn_bpdu)

BR4 = "192.0.2.1"
G4, G6 = "239.1.1.1", "ff15::1:1"


class QuerierCase(LabCase):
    def lab_with_address(self, hosts=("h1", "h2", "h3")):
        lab = self.make_lab(hosts=hosts)
        lab.swrun("ip", "addr", "add", f"{BR4}/24", "dev", lab.bridge)
        return lab

    def bridge_mac(self) -> str:
        return self.lab.link_info(self.lab.bridge)["address"]

    def wait_own(self, group: str, ports: set[str], source: str | None = None, timeout: float = 8):
        """Entries on exactly `ports`, all ours (permanent, protocol 183). Memberships made
        before the daemon started are in the kernel (kernel-learned, kept for the startup
        grace) until the daemon learns them from the answers to its queries."""
        def ok():
            es = self.entries(group, source)
            return ({e["port"] for e in es} == ports and
                    all(e.get("state") == "permanent" and e.get("protocol") == labcase.OUR_PROTOCOL for e in es))
        wait_until(ok, timeout, what=f"our MDB entries {group} {source or '*'} on {sorted(ports)} "
                                     f"(now {self.entries(group, source)})")

    def wait_queries(self, cap: Capture, n: int, timeout: float, **kw):
        return wait_until(lambda: (lambda q: q if len(q) >= n else None)(cap.queries(**kw)), timeout,
                          what=f"{n} queries {kw} (have {len(cap.queries(**kw))})")

    def keepalives_sent(self) -> int:
        """Packets the suppression table's output chain dropped: the daemon's keep-alive
        queries (sent only while no querier is active). 0 proves pruning comes from our
        querier's own queries."""
        t = json.loads(self.lab.swrun("nft", "-j", "list", "table", "bridge", "mcsnoopd_br0").stdout)
        n = 0
        for obj in t["nftables"]:
            rule = obj.get("rule")
            if rule and rule.get("chain") == "output":
                for e in rule["expr"]:
                    if "counter" in e:
                        n += e["counter"]["packets"]
        return n


class TestQueryFormats(QuerierCase):
    """Version per config, source, destination, TTL/hop limit 1, Router Alert, codes,
    startup burst; hosts that joined before the daemon started are learned from their
    answers to our general queries."""

    def check_common_v4(self, q, mac):
        self.assertEqual(q.eth_dst, "01:00:5e:00:00:01")
        self.assertEqual(q.eth_src, mac)
        self.assertEqual(q.dst, "224.0.0.1")
        self.assertEqual(q.ttl, 1)
        self.assertTrue(q.router_alert, "IPv4 Router Alert option missing")
        self.assertEqual(q.group, "0.0.0.0")

    def check_common_v6(self, q, mac, src):
        self.assertEqual(q.eth_dst, "33:33:00:00:00:01")
        self.assertEqual(q.eth_src, mac)
        self.assertEqual(q.src, src)
        self.assertEqual(q.dst, "ff02::1")
        self.assertEqual(q.ttl, 1)
        self.assertTrue(q.router_alert, "Hop-by-Hop Router Alert (MLD) missing")
        self.assertEqual(q.group, "::")

    def test_igmpv3_and_mldv2_startup_burst(self):
        lab = self.lab_with_address()
        h1, h2 = lab.hosts["h1"], lab.hosts["h2"]
        h1.force_igmp_version(3)
        h1.force_mld_version(2)
        r4, r6 = h1.join(G4), h1.join(G6)
        ll = bridge_link_local(lab)
        cap = Capture(h2)
        cap1 = Capture(h1)
        t0 = now()
        self.start_daemon(config=querier_config(startup_count=3, startup_interval=0.5))
        mac = self.bridge_mac()
        # 3 startup queries 0.5 s apart, then one per interval (4 s).
        q4 = self.wait_queries(cap, 4, 10, family=4, general=True)[:4]
        q6 = self.wait_queries(cap, 4, 10, family=6, general=True)[:4]
        for q in q4:
            self.check_common_v4(q, mac)
            self.assertEqual(q.src, BR4)
            self.assertEqual((q.version, q.l4_len), ("igmpv3", 12))
            self.assertEqual(q.max_resp_code, 10)      # 1 s in tenths
            self.assertEqual((q.qrv, q.qqic, q.s_flag, q.sources), (2, 4, False, []))
        for q in q6:
            self.check_common_v6(q, mac, ll)
            self.assertEqual((q.version, q.l4_len), ("mldv2", 28))
            self.assertEqual(q.max_resp_code, 1000)    # ms
            self.assertEqual((q.qrv, q.qqic, q.s_flag, q.sources), (2, 4, False, []))
        for qs in (q4, q6):
            self.assertLess(qs[0].ts - t0, 3, "first startup query late")
            g = gaps(qs)
            for x in g[:2]:
                self.assertAlmostEqual(x, 0.5, delta=0.25, msg=f"startup gaps {g}")
            self.assertAlmostEqual(g[2], 4, delta=0.5, msg=f"startup -> periodic gap {g}")
        # h1 joined before the daemon ran: its answers (current-state IS_EX records)
        # make the entries.
        self.wait_own(G4, {"p1"})
        self.wait_own(G6, {"p1"})
        answers = [p for p in cap1.reports(since=q4[0].ts) if p.eth_src == h1.mac]
        self.assertTrue(any(p.version == "igmpv3" and (2, G4, []) in p.records for p in answers), answers)
        self.assertTrue(any(p.version == "mldv2" and (2, G6, []) in p.records for p in answers), answers)
        r4.stop()
        r6.stop()

    def test_igmpv2_and_mldv1_configured(self):
        lab = self.lab_with_address()
        h1, h2 = lab.hosts["h1"], lab.hosts["h2"]
        for h in (h1, h2):
            h.force_igmp_version(2)
            h.force_mld_version(1)
        h1.join(G4)
        h1.join(G6)
        ll = bridge_link_local(lab)
        cap, cap1 = Capture(h2), Capture(h1)
        self.start_daemon(config=querier_config(igmp_version=2, mld_version=1))
        mac = self.bridge_mac()
        q4 = self.wait_queries(cap, 2, 8, family=4, general=True)
        q6 = self.wait_queries(cap, 2, 8, family=6, general=True)
        for q in q4:
            self.check_common_v4(q, mac)
            self.assertEqual(q.src, BR4)
            self.assertEqual((q.version, q.l4_len, q.max_resp_code), ("igmpv2", 8, 10))
        for q in q6:
            self.check_common_v6(q, mac, ll)
            self.assertEqual((q.version, q.l4_len, q.max_resp_code), ("mldv1", 24, 1000))
        self.wait_own(G4, {"p1"})
        self.wait_own(G6, {"p1"})
        answers = [p for p in cap1.reports(since=q4[0].ts) if p.eth_src == h1.mac]
        self.assertTrue(any(p.version == "igmpv2" and p.group == G4 for p in answers), answers)
        self.assertTrue(any(p.version == "mldv1" and p.group == G6 for p in answers), answers)
        # A v3/MLDv2 host under our v2/MLDv1 querier falls back to the older version
        # (RFC 3376 §7.2.1, RFC 3810 §8.2.1).
        h3 = lab.hosts["h3"]
        cap3 = Capture(h3)
        h3.join(G4)
        h3.join(G6)
        self.wait_entry(G4, {"p1", "p3"})
        self.wait_entry(G6, {"p1", "p3"})
        wait_until(lambda: {p.version for p in cap3.reports() if p.eth_src == h3.mac
                            and p.group in (G4, G6)} >= {"igmpv2", "mldv1"}, 10,
                   what="h3 reporting in IGMPv2 and MLDv1")
        self.assertFalse([p for p in cap3.reports() if p.eth_src == h3.mac and
                          (p.version in ("igmpv3", "mldv2")) and any(r[1] in (G4, G6) for r in p.records)])

    def test_source_follows_bridge_address(self):
        """Without a configured address the IPv4 source is the bridge's address (polled
        every 10 s): no address, no IPv4 queries; added, queries start; changed, they
        follow."""
        lab = self.make_lab(hosts=("h1",))
        cap = Capture(lab.hosts["h1"])
        self.start_daemon(config=querier_config(startup_count=1))
        self.wait_queries(cap, 2, 8, family=6, general=True)
        self.assertEqual(cap.queries(family=4), [], "IPv4 queries without an IPv4 address")
        t = now()
        lab.swrun("ip", "addr", "add", "192.0.2.7/24", "dev", lab.bridge)
        self.wait_queries(cap, 1, 12, family=4, general=True, src="192.0.2.7", since=t)
        # (Deleting a primary address deletes its secondaries: delete first.)
        lab.swrun("ip", "addr", "del", "192.0.2.7/24", "dev", lab.bridge)
        lab.swrun("ip", "addr", "add", "192.0.2.5/24", "dev", lab.bridge)
        t2 = now()
        q = self.wait_queries(cap, 1, 16, family=4, general=True, src="192.0.2.5", since=t2)[0]
        self.assertEqual(cap.queries(family=4, src="192.0.2.7", since=q.ts), [])

    def test_v2_and_mldv1_hosts_answer_v3_querier(self):
        """Older hosts under a v3/MLDv2 querier read the first 8 / 24 octets of our queries
        (RFC 2236 §2.5) and answer in their own version; we keep querying in v3/MLDv2."""
        lab = self.lab_with_address()
        h1, h2 = lab.hosts["h1"], lab.hosts["h2"]
        h1.force_igmp_version(2)
        h1.force_mld_version(1)
        h1.join(G4)
        h1.join(G6)
        cap1 = Capture(h1)
        self.start_daemon(config=querier_config())
        self.wait_own(G4, {"p1"})
        self.wait_own(G6, {"p1"})
        q = self.wait_queries(cap1, 3, 10, general=True)
        answers = [p for p in cap1.reports(since=q[0].ts) if p.eth_src == h1.mac]
        self.assertTrue(any(p.version == "igmpv2" and p.group == G4 for p in answers), answers)
        self.assertTrue(any(p.version == "mldv1" and p.group == G6 for p in answers), answers)
        self.assertEqual({p.version for p in cap1.queries(general=True)}, {"igmpv3", "mldv2"})

    def test_configured_source_and_large_interval_encodings(self):
        """address/address6 from the config; QQIC and Max Resp Code for values above the
        linear range: exact when representable, else the next lower value."""
        lab = self.lab_with_address(hosts=("h1",))
        interval, response = 1000, 45
        # The startup burst is the only thing this test waits for (the next query is
        # 1000 s away): listen before the daemon starts.
        cap = Capture(lab.hosts["h1"])
        self.start_daemon(config=querier_config(interval=interval, response=response, startup_count=2,
                                                startup_interval=0.5, address="192.0.2.254",
                                                address6="fe80::254"))
        q4 = self.wait_queries(cap, 1, 5, family=4, general=True)
        q6 = self.wait_queries(cap, 1, 5, family=6, general=True)
        qqic = lower_representable8(interval)
        self.assertEqual(qqic, 0xAF)                        # 1000 s -> 992 s
        self.assertEqual(decode_code8(qqic), 992)
        mrc8 = lower_representable8(response * 10)
        self.assertEqual((mrc8, decode_code8(mrc8)), (0x9C, 448))   # 45 s -> 44.8 s
        mrc16 = lower_representable16(response * 1000)
        self.assertEqual((mrc16, decode_code16(mrc16)), (0x85F9, 45000))  # exact
        for q in q4:
            self.assertEqual((q.src, q.version, q.qqic, q.max_resp_code), ("192.0.2.254", "igmpv3", qqic, mrc8))
            self.assertEqual(q.ttl, 1)
        for q in q6:
            self.assertEqual((q.src, q.version, q.qqic, q.max_resp_code), ("fe80::254", "mldv2", qqic, mrc16))
            self.assertEqual(q.ttl, 1)


class TestNewPort(QuerierCase):
    def test_port_coming_up_gets_a_general_query_of_its_own(self):
        """A port that starts forwarding is asked at once (RFC 4541 §2.1.1), out of that
        port only: its members are learned without waiting for the next general query."""
        lab = self.lab_with_address(hosts=("h1",))
        self.start_daemon(config=querier_config(interval=8, startup_count=1))
        cap1 = Capture(lab.hosts["h1"])
        first = self.wait_queries(cap1, 1, 10, family=4, general=True)[0]
        # Clear of it (the next one is 8 s away), so that nothing flooded is expected.
        wait_until(lambda: now() - first.ts > 1, 2, interval=0.1, what="1 s past a general query")
        h2 = lab.add_host("h2", 2)
        lab.swrun("ip", "link", "set", "dev", h2.port, "down")
        cap2 = Capture(h2)
        r = h2.join(G4)
        t = now()
        lab.swrun("ip", "link", "set", "dev", h2.port, "up")
        q = self.wait_queries(cap2, 1, 3, family=4, general=True, since=t)[0]
        self.assertEqual((q.src, q.version, q.ttl), (BR4, "igmpv3", 1))
        self.wait_own(G4, {"p2"}, timeout=3)
        flooded = [(round(x.ts - q.ts, 3), x.version) for x in cap1.queries(general=True, since=q.ts - 0.5)]
        self.assertEqual(flooded, [], "the port query was flooded")
        r.stop()


class TestReload(QuerierCase):
    def test_enable_and_disable_by_reload(self):
        """SIGHUP with [bridge.querier] enabled flipped: the querier starts with its
        startup burst, and stops querying when disabled again."""
        import signal
        lab = self.lab_with_address(hosts=("h1",))
        cap = Capture(lab.hosts["h1"])
        d = self.start_daemon(config=querier_config(enabled=False, extra='families = ["ipv4"]'))
        d.config_path.write_text(querier_config(enabled=True, startup_count=2, startup_interval=0.5,
                                                extra='families = ["ipv4"]'))
        t = now()
        d.send_signal(signal.SIGHUP)
        q = self.wait_queries(cap, 2, 5, family=4, src=BR4, general=True, since=t)
        self.assertEqual(cap.queries(src=BR4, since=0, general=True)[0].ts, q[0].ts,
                         "queries before the querier was enabled")
        self.assertAlmostEqual(q[1].ts - q[0].ts, 0.5, delta=0.25)
        d.config_path.write_text(querier_config(enabled=False, extra='families = ["ipv4"]'))
        d.send_signal(signal.SIGHUP)
        wait_until(lambda: "querier state querier -> disabled" in d.log_text(), 5, what="querier disabled")
        t_off = now()
        # One interval and a half later nothing more came.
        wait_until(lambda: now() - t_off > 6, 7, interval=0.5, what="6 s")
        self.assertEqual(cap.queries(src=BR4, since=t_off), [])


class TestPruning(QuerierCase):
    def test_querier_makes_the_kernel_prune(self):
        """Before: the daemon runs with its querier off and nobody queries, so the kernel
        floods although our entries are in the MDB (a non-member port gets the group).
        After enabling the querier (SIGHUP), the non-member gets nothing while the member
        does: the kernel took our queries as 'a querier exists'."""
        import signal
        lab = self.lab_with_address()
        h1, h2, h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))
        d = self.start_daemon(config=querier_config(enabled=False))
        wait_ipv6_ready(h3)
        groups = {}
        for g in (G4, G6):
            groups[g] = (h1.join(g), h2.sniff(g))
            self.wait_entry(g, {"p1"})
        for g, (member, other) in groups.items():
            before = other.count()
            h3.send(g, count=5)
            wait_until(lambda: other.count() >= before + 5, 5, what=f"{g} flooded without a querier")
        d.config_path.write_text(querier_config(enabled=True))
        d.send_signal(signal.SIGHUP)
        for g, (member, other) in groups.items():
            def pruned():
                before_m, before_o = member.count(), other.count()
                h3.send(g, count=3)
                wait_until(lambda: member.count() >= before_m + 3, 3, what=f"member gets {g}")
                return other.count() == before_o
            # After the first query the kernel floods for one max-response time (1 s).
            wait_until(pruned, 10, interval=0.3, what=f"{g} pruned from the non-member port")
            before_m, before_o = member.count(), other.count()
            h3.send(g, count=20)
            wait_until(lambda: member.count() >= before_m + 20, 5, what=f"member gets 20 of {g}")
            self.assertEqual(other.count(), before_o, f"non-member port received {g}")
        # Keep-alive queries (another way to make the kernel prune) did not do it.
        self.assertEqual(self.keepalives_sent(), 0, "keep-alive queries were sent")


class TestSpecificQueries(QuerierCase):
    """Leaves make the querier ask the port (Q(G), LMQC times, LMQI apart); the entry
    goes after LMQT; a member on another port keeps the group."""

    LMQI, LMQC = 0.5, 2

    def leave_case(self, family: int, host_version: int):
        lab = self.lab_with_address()
        h1, h2, h3 = (lab.hosts[n] for n in ("h1", "h2", "h3"))
        for h in (h1, h2):
            if family == 4:
                h.force_igmp_version(host_version)
            else:
                h.force_mld_version(host_version)
        g = G4 if family == 4 else G6
        self.start_daemon(config=querier_config(lmqi=self.LMQI, lmqc=self.LMQC))
        if family == 6:
            wait_ipv6_ready(h3)
        r1, r2 = h1.join(g), h2.join(g)
        self.wait_entry(g, {"p1", "p2"})
        cap1, cap2 = Capture(h1), Capture(h2)
        s1 = h1.sniff(g)
        t_leave = now()
        r1.stop()   # leave / TO_IN({}) / done
        self.wait_entry(g, {"p2"}, timeout=self.LMQI * self.LMQC + 2.5)
        t_gone = now()
        gsq = cap1.queries(group=g, since=t_leave)
        leaves = [p for p in cap1.reports(since=t_leave) if p.eth_src == h1.mac and
                  (p.kind == "leave" and p.group == g or (3, g, []) in p.records)]
        self.check_specific_sequence(gsq, leaves, t_gone)
        want = "igmpv3" if family == 4 else "mldv2"
        for q in gsq:
            # The querier's version, not the host's: compatibility modes change how
            # reports are read (RFC 9776 §7.3.2, RFC 9777 §8.3.2), older hosts read newer
            # queries (RFC 2236 §2.5), and an older query would switch the newer hosts of
            # the port to the older version (RFC 9776 §7.2.1).
            self.assertEqual(q.version, want, q)
            self.assertEqual(q.dst, g)
            self.assertEqual(q.ttl, 1)
            self.assertTrue(q.router_alert)
            if family == 4:
                self.assertEqual(q.src, BR4)
            self.assertEqual(q.sources, [])
            self.assertAlmostEqual(q.max_resp_s, self.LMQI, delta=0.01)
            self.assertFalse(q.s_flag)
        # Only the leaving port is asked.
        self.assertEqual(cap2.queries(group=g, since=t_leave), [])
        # h2 keeps the group; h1's port no longer gets it.
        before2, before1 = r2.count(), s1.count()
        h3.send(g, count=10)
        wait_until(lambda: r2.count() >= before2 + 10, 5, what="remaining member receives")
        self.assertEqual(s1.count(), before1, "left port still receives the group")
        self.assertEqual(lab.mdb_ports(g), {"p2"})

    def check_specific_sequence(self, qs, leaves, t_gone):
        """RFC 3376 §6.6.3 / RFC 3810 §7.6.3: every leave record is answered by an
        immediate query ("Send Q(G)"; hosts repeat their state-change report), the last
        one followed by LMQC-1 retransmissions LMQI apart; the state goes LMQT after it."""
        self.assertTrue(leaves, "the host sent no leave")
        immediate = []
        for lv in leaves:
            m = [q for q in qs if 0 <= q.ts - lv.ts < 0.1]
            self.assertTrue(m, f"no query right after the leave at {lv.ts}: {qs}")
            immediate.append(m[0])
        self.assertEqual(len(qs), len(leaves) + self.LMQC - 1,
                         f"queries at {[round(q.ts - qs[0].ts, 3) for q in qs]}, leaves at "
                         f"{[round(lv.ts - qs[0].ts, 3) for lv in leaves]}")
        tail = qs[-self.LMQC:]
        self.assertIs(tail[0], immediate[-1])
        for x in gaps(tail):
            self.assertAlmostEqual(x, self.LMQI, delta=0.2, msg=f"retransmission gaps {gaps(qs)}")
        lmqt = self.LMQI * self.LMQC
        self.assertGreater(t_gone - tail[0].ts, lmqt - 0.3, "state removed before LMQT")
        self.assertLess(t_gone - tail[0].ts, lmqt + SLACK, "state removed long after LMQT")

    def test_igmpv3_to_in_empty(self):
        self.leave_case(4, 3)

    def test_igmpv2_leave(self):
        self.leave_case(4, 2)

    def test_mldv2_to_in_empty(self):
        self.leave_case(6, 2)

    def test_mldv1_done(self):
        self.leave_case(6, 1)

    def block_case(self, group: str, s1: str, s2: str):
        lab = self.lab_with_address(hosts=("h1", "h2"))
        h1 = lab.hosts["h1"]
        self.start_daemon(config=querier_config(lmqi=self.LMQI, lmqc=self.LMQC))
        m = SourceMember(h1, group, [s1, s2], drop=[s1])
        for s in (s1, s2):
            wait_until(lambda s=s: lab.mdb_ports(group, s) == {"p1"}, 6, what=f"({s},{group}) on p1")
        cap = Capture(h1)
        t = now()
        m.drop()   # BLOCK(s1)
        wait_until(lambda: lab.mdb_ports(group, s1) == set(), self.LMQI * self.LMQC + 2.5,
                   what=f"({s1},{group}) removed")
        t_gone = now()
        q = cap.queries(group=group, since=t)
        blocks = [p for p in cap.reports(since=t) if p.eth_src == h1.mac and (6, group, [s1]) in p.records]
        # RFC 3376 §6.6.3.2 / RFC 3810 §7.6.3.2: BLOCK(s1) lowers s1's timer to LMQT and
        # gives it LMQC transmissions; a repeated BLOCK finds the timer at LMQT and adds
        # none (it may only bring the next one forward). So: LMQC queries in all, the
        # first right after the first BLOCK, and s1 gone LMQT after it.
        self.assertTrue(blocks, "the host sent no BLOCK")
        self.assertEqual(len(q), self.LMQC, f"queries at {[round(x.ts - t, 3) for x in q]}, BLOCKs at "
                                            f"{[round(b.ts - t, 3) for b in blocks]}")
        self.assertLess(q[0].ts - blocks[0].ts, 0.1)
        lmqt = self.LMQI * self.LMQC
        self.assertLess(q[-1].ts - q[0].ts, lmqt)
        self.assertGreater(t_gone - q[0].ts, lmqt - 0.3, "source removed before LMQT")
        self.assertLess(t_gone - q[0].ts, lmqt + SLACK, "source removed long after LMQT")
        for x in q:
            self.assertEqual(x.sources, [s1], x)   # Q(G, A*B) = Q(G, {s1})
            self.assertEqual(x.dst, group)
            self.assertEqual(x.version, "igmpv3" if ":" not in group else "mldv2")
        self.assertEqual(lab.mdb_ports(group, s2), {"p1"}, "the other source must stay")

    def test_igmpv3_block_source(self):
        self.block_case("232.1.1.1", "198.51.100.50", "198.51.100.51")

    def test_mldv2_block_source(self):
        self.block_case("ff3e::1:1", "2001:db8::50", "2001:db8::51")


class TestTopologyChange(QuerierCase):
    def test_tcn_triggers_general_query_and_flooding(self):
        lab = self.lab_with_address()
        h1, h2 = lab.hosts["h1"], lab.hosts["h2"]
        self.start_daemon(config=querier_config(
            extra="tcn = { flood-query-count = 2, solicit = false, solicit-when-root = false }"))
        cap = Capture(h1)
        # Past the startup burst; send the TCN 1.5 s after a periodic query so that
        # neither the 1 s hold-off nor the next periodic query (4 s) interferes.
        q = self.wait_queries(cap, 3, 10, family=4, general=True)
        last = wait_until(lambda: (lambda qs: qs[-1] if now() - qs[-1].ts >= 1.5 else None)(
            cap.queries(family=4, general=True)), 6, what="1.5 s after a general query")
        self.assertLess(now() - last.ts, 2.5)
        for p in ("p1", "p2", "p3"):
            self.assertEqual(lab.mcast_router(p), 0)
        t = now()
        send_frames(h2, [tcn_bpdu(h2.mac)])
        tc4 = self.wait_queries(cap, 1, 1.0, family=4, general=True, since=t)[0]
        tc6 = self.wait_queries(cap, 1, 1.0, family=6, general=True, since=t)[0]
        self.assertLess(tc4.ts - t, 1.0 * TIMEOUT_SCALE)
        self.assertLess(tc6.ts - t, 1.0 * TIMEOUT_SCALE)
        self.assertEqual(tc4.src, BR4)
        # Flooding: every port a router port until 2 general queries were seen.
        wait_until(lambda: all(lab.mcast_router(p) == 2 for p in ("p1", "p2", "p3")), 2,
                   what="TCN flooding (mcast_router 2 on all ports)")
        wait_until(lambda: all(lab.mcast_router(p) == 0 for p in ("p1", "p2", "p3")), 8,
                   what="TCN flooding ended")
        t_end = now()
        after = cap.queries(family=4, general=True, since=tc4.ts + 0.01)
        self.assertTrue(after and after[0].ts <= t_end + 0.2,
                        "flooding must last until the second general query")
        self.assertGreater(t_end - t, 2.0, "flooding ended at the TC query itself")


if __name__ == "__main__":
    unittest.main()
