"""mcsnoopd stops (SIGTERM, or SIGKILL) and starts again while traffic flows.

Lab: members h1 (G1) and h2 (G2), sender h3 (to G1 and G2 every 10 ms), non-member h4,
querier host q (its port is a router port: it gets every group). Short timers: query
interval 4 s, response interval 1 s, so the startup grace period (entries of ours found
in the MDB stay until relearned or until query interval + response interval) is 5 s.

  * entries stay in the MDB across the restart: a `bridge monitor mdb` never reports
    G1's entry deleted, from before the stop to after the new daemon's grace period;
  * data never stops: h1 and the router port receive G1 in every 0.5 s window; the
    non-member h4 never sees G1;
  * h2 leaves while the daemon is down: its entry stays through the grace period
    (nobody can tell a leave the daemon did not see) and goes when it ends, while h1's
    entry stays (h1 answers the querier's queries: relearned);
  * after SIGTERM (the daemon removed its nftables table, so the kernel's own snooping
    runs meanwhile), h4 joining G1 while the daemon is down is served at once by the
    kernel's entry, and keeps being served when the new daemon takes it over.
"""

import signal
import threading
import time
import unittest

import labcase
from lab import wait_until
from labcase import LabCase

G1, G2 = "239.4.1.1", "239.4.2.2"
GRACE = labcase.QUERY_INTERVAL + labcase.RESPONSE_INTERVAL
WINDOW = 0.5


class Sampler:
    """Samples receivers' counts every 50 ms in a thread."""

    def __init__(self, receivers: dict):
        self.receivers = dict(receivers)
        self.lock = threading.Lock()
        self.samples: list[tuple[float, dict]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopped.is_set():
            with self.lock:
                rs = list(self.receivers.items())
            self.samples.append((time.monotonic(), {n: r.count() for n, r in rs}))
            time.sleep(0.05)

    def add(self, name: str, receiver) -> None:
        with self.lock:
            self.receivers[name] = receiver

    def stop(self):
        self.stopped.set()
        self.thread.join()

    def rise(self, name: str, t0: float, t1: float) -> int:
        inside = [c[name] for (ts, c) in self.samples if t0 <= ts <= t1 and name in c]
        return inside[-1] - inside[0] if len(inside) >= 2 else 0

    def silent_windows(self, name: str, start: float, end: float) -> list[tuple[float, float]]:
        """Windows of WINDOW seconds in [start, end) in which `name` received nothing
        although the sender ("tx") sent at least 3 datagrams early enough in it (a
        loaded machine may stall the sender: those windows prove nothing)."""
        bad = []
        t = start
        while t + WINDOW <= end:
            if self.rise("tx", t, t + WINDOW - 0.1) >= 3 and self.rise(name, t, t + WINDOW) == 0:
                bad.append((round(t - start, 2), round(t + WINDOW - start, 2)))
            t += WINDOW
        return bad


class RestartCase(LabCase):
    def setUp(self):
        super().setUp()
        lab = self.make_lab(hosts=("h1", "h2", "h3", "h4"))
        self.h1, self.h2, self.h3, self.h4 = (lab.hosts[n] for n in ("h1", "h2", "h3", "h4"))
        self.q = lab.querier_host("q")
        self.config = labcase.config()

    def start(self):
        d = self.start_daemon(config=self.config)
        wait_until(lambda: self.lab.mcast_router(self.q.port) == 2, 10, what="querier port is a router port")
        return d

    def restart(self, sig: int):
        lab = self.lab
        d1 = self.start()
        r1, r2 = self.h1.join(G1), self.h2.join(G2)
        self.wait_entry(G1, {self.h1.port})
        self.wait_entry(G2, {self.h2.port})
        self.wait_pruning(self.h3, self.q, self.h4)
        mon = lab.mdb_monitor()
        s4 = self.h4.sniff(G1)
        rq = self.q.sniff(G1)
        tx = self.h3.sender(G1)
        self.h3.sender(G2)
        wait_until(lambda: r1.count() > 10 and rq.count() > 10, 10, what="G1 flowing")
        sampler = Sampler({"h1": r1, "router": rq, "tx": tx})
        self.addCleanup(sampler.stop)
        t_begin = time.monotonic() + 0.1
        time.sleep(2 * WINDOW)  # receive before the stop too

        d1.stop(sig)
        t_down = time.monotonic()
        self.assertEqual(lab.mdb_ports(G1), {self.h1.port}, "G1's entry gone with the daemon")
        self.assertEqual(lab.mdb_ports(G2), {self.h2.port}, "G2's entry gone with the daemon")
        self.assertEqual(s4.count(), 0, "non-member h4 got G1")
        r2.stop()            # h2 leaves while nobody listens
        r4 = None
        if sig == signal.SIGTERM:
            r4 = self.h4.join(G1)
            wait_until(lambda: r4.count() > 0, 3, what="h4, joined while the daemon is down, served")
            sampler.add("h4", r4)
            t_h4 = time.monotonic()
        time.sleep(1.0)      # the daemon stays away for a second

        d2 = self.start()
        t_up = time.monotonic()
        self.assertIn("entries of ours", d2.log_text())
        # G2: kept through the grace period, then removed (h2 did not answer).
        self.assertIn(self.h2.port, lab.mdb_ports(G2), "G2 removed before the grace period ended")
        wait_until(lambda: not lab.mdb_ports(G2), GRACE + 3, interval=0.1,
                   what="G2 (h2 left while the daemon was down) removed after the grace period")
        self.assertGreater(time.monotonic() - t_up, GRACE - 1.5, "G2 removed before the grace period ended")
        time.sleep(2 * WINDOW)  # and a little beyond
        t_end = time.monotonic()
        sampler.stop()

        # G1: never deleted, data never stopped, ours again.
        # (h4's kernel-learned entry, if any, is replaced by ours: deleted and re-added.)
        self.assertEqual(mon.deleted(G1, self.h1.port), [], "h1's G1 entry deleted during the restart")
        self.assertEqual(sampler.silent_windows("h1", t_begin, t_end), [],
                         f"h1 missed G1 (daemon down at {t_down - t_begin:.2f} s, "
                         f"up at {t_up - t_begin:.2f} s)")
        self.assertEqual(sampler.silent_windows("router", t_begin, t_end), [],
                         f"the router port missed G1 (daemon down at {t_down - t_begin:.2f} s, "
                         f"up at {t_up - t_begin:.2f} s)")
        if r4 is None:
            self.assertEqual(s4.count(), 0, "non-member h4 got G1")
        else:
            self.assertEqual(sampler.silent_windows("h4", t_h4, t_end), [],
                             f"h4 (joined while down) missed G1 (up at {t_up - t_h4:.2f} s)")
        want = {self.h1.port} | ({self.h4.port} if r4 else set())
        self.wait_entry(G1, want)
        self.assertRouterPort()
        self.assertNoKernelEntries()

    def assertRouterPort(self):
        ports = sorted(h.port for h in self.lab.hosts.values())
        self.assertEqual({p: self.lab.mcast_router(p) for p in ports},
                         {p: 2 if p == self.q.port else 0 for p in ports})


class RestartTest(RestartCase):
    def test_sigterm_restart(self):
        # Also: h4 joins while the daemon is down; the kernel learns it (no nftables
        # table then) and serves it; the new daemon takes the entry over, no gap.
        self.restart(signal.SIGTERM)

    def test_sigkill_restart(self):
        self.restart(signal.SIGKILL)


if __name__ == "__main__":
    unittest.main()
