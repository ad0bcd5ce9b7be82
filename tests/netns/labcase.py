"""unittest base class for the netns integration tests: every test builds its own
Lab (and Daemon), and both are torn down by cleanups even when the test fails.
When a test fails, the tail of each daemon log it started is printed."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
import unittest

from daemon import Daemon
from lab import Lab, wait_until


def _kernel() -> tuple[int, int]:
    r = os.uname().release.split(".")
    return int(r[0]), int(r[1].split("-")[0])


# Our MDB entries carry protocol 183 where the kernel takes one from userspace (6.3+);
# older kernels (the VM lane's 6.1, docs/vm.md) mark every user entry "static", and the
# daemon recognises its own by its record file.
OUR_PROTOCOL = "183" if _kernel() >= (6, 3) else "static"

# What AddressSanitizer, LeakSanitizer and UBSan print when they find something.
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ")

# Short protocol timers for tests (seconds): query interval 4, response interval 1,
# last member interval 0.5. Startup grace after a restart = 4 + 1 = 5 s.
QUERY_INTERVAL = 4
RESPONSE_INTERVAL = 1
LMQI = 0.5
LMQC = 2


def config(*, immediate_leave: bool = False, querier: bool = False, extra: str = "",
           bridge: str = "br0", ports: str = "", query_interval: float = QUERY_INTERVAL) -> str:
    """A TOML configuration for one bridge with the short test timers (a lab without a
    querier that must keep memberships for a while passes a longer query_interval:
    they end after 2 x query_interval + response interval)."""
    return f"""
[[bridge]]
name = "{bridge}"
immediate-leave = {str(immediate_leave).lower()}
{extra}

[bridge.querier]
enabled = {str(querier).lower()}
interval = {query_interval}
response-interval = {RESPONSE_INTERVAL}
last-member-interval = {LMQI}
last-member-count = {LMQC}
{ports}
"""


class LabCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.started = time.monotonic()
        self.daemons: list[Daemon] = []

    def make_lab(self, hosts=("h1", "h2", "h3"), **kw) -> Lab:
        lab = Lab(hosts=hosts, **kw)
        self.addCleanup(self._close_lab, lab)
        self.lab = lab
        return lab

    def start_daemon(self, *args: str, config: str | None = None, lab: Lab | None = None) -> Daemon:
        d = Daemon(lab or self.lab, *args, config=config)
        d.started_at = time.monotonic()
        self.daemons.append(d)
        self.addCleanup(self._stop_daemon, d)
        return d

    def _failed(self) -> bool:
        res = getattr(self._outcome, "result", None)
        if res is None:
            return False
        return any(t is self for t, _ in list(res.failures) + list(res.errors))

    def _stop_daemon(self, d: Daemon) -> None:
        if d.proc.poll() is None:
            d.stop()
        # An ASan/UBSan build of the daemon (scripts/test.sh runs these tests with one)
        # reports on stderr, which is the log: any report fails the test.
        try:
            text = d.log_text()
        except OSError:
            return
        for marker in SANITIZER_MARKERS:
            if marker in text:
                at = text.index(marker)
                self.fail(f"sanitizer report in the daemon's log:\n{text[max(0, at - 2000):at + 4000]}")

    def _close_lab(self, lab: Lab) -> None:
        failed = self._failed() or getattr(self._outcome, "success", True) is False
        if failed:
            for d in self.daemons:
                try:
                    text = d.log_text()
                except OSError:
                    continue
                tail = "\n".join(text.splitlines()[-60:])
                print(f"\n---- {d.log_path} (last 60 lines) ----\n{tail}", file=sys.stderr)
        lab.close()
        if not failed:
            shutil.rmtree(lab.tmp, ignore_errors=True)

    def features(self) -> dict[str, bool]:
        """Kernel MDB features as the daemon probed them (its log line "kernel MDB
        features: rtprot=yes source-lists=yes sg=yes bulk-delete=yes"; the 6.1 VM lane
        has no protocol and no source lists)."""
        text = self.daemons[-1].log_text() if self.daemons else ""
        m = re.search(r"kernel MDB features: (.*)", text)
        if not m:
            return {}
        return {k: v == "yes" for k, v in (kv.split("=", 1) for kv in m.group(1).split() if "=" in kv)}

    # ---- assertions -----------------------------------------------------------
    def entries(self, group: str, source: str | None = None) -> list[dict]:
        return [e for e in self.lab.mdb() if e.get("grp") == group
                and e.get("port") != self.lab.bridge
                and (source is None or e.get("src") == source)]

    def wait_entry(self, group: str, ports: set[str], source: str | None = None,
                   timeout: float = 5) -> list[dict]:
        """Waits until exactly `ports` hold an entry for group (and source), each of
        them ours: permanent, protocol 183. An entry the kernel learned before the
        daemon started (a host joined earlier) is replaced when the host answers a
        query, within the startup grace period: the deadline covers that too."""
        def ours(e):
            return e.get("state") == "permanent" and e.get("protocol") == OUR_PROTOCOL

        grace = QUERY_INTERVAL + RESPONSE_INTERVAL
        since = time.monotonic() - self.daemons[-1].started_at if self.daemons else grace
        deadline = max(timeout, grace - since + 2)
        wait_until(lambda: self.lab.mdb_ports(group, source) == ports
                   and all(ours(e) for e in self.entries(group, source)), deadline,
                   what=f"MDB {group} {source or '*'} on {sorted(ports)}, ours "
                        f"(now {self.entries(group, source)})")
        es = self.entries(group, source)
        for e in es:
            self.assertEqual(e.get("state"), "permanent", e)
            self.assertEqual(e.get("protocol"), OUR_PROTOCOL, e)
        return es

    def wait_pruning(self, sender, router, other, timeout: float = 10, ipv6: bool = True) -> None:
        """Waits until the kernel forwards by the MDB (it floods until it believes a
        querier exists, and for one Max Resp time after the first query): a datagram to
        a fresh unregistered group reaches `router` (a router port) and not `other`.
        ipv6=False probes IPv4 only (a lab whose IPv6 querier is not of interest)."""
        n = [0]

        def probe_one(group):
            rr, ro = router.sniff(group), other.sniff(group)
            try:
                sender.send(group, 1)
                wait_until(lambda: rr.count() >= 1, 2, what=f"probe to {group} at the router")
                return ro.count() == 0
            finally:
                rr.stop()
                ro.stop()

        def probe():
            # Both families: the IPv4 and the IPv6 querier are known to the kernel apart.
            n[0] += 1
            return (probe_one(f"239.255.{n[0] // 250}.{n[0] % 250 + 1}")
                    and (not ipv6 or probe_one(f"ff15::ffff:{n[0]:x}")))

        wait_until(probe, timeout, interval=0.1, what="the kernel pruning unregistered groups")

    def assertNoKernelEntries(self):
        """No entry the kernel learned by itself. Those found when the daemon started
        (hosts joined before) stay for the startup grace period (query interval +
        response interval) unless relearned sooner: wait that long at most."""
        grace = QUERY_INTERVAL + RESPONSE_INTERVAL
        since = time.monotonic() - self.daemons[-1].started_at if self.daemons else grace
        try:
            wait_until(lambda: not self.lab.kernel_port_entries(), max(0.0, grace - since) + 2,
                       what="no kernel-learned entries")
        except AssertionError:
            self.assertEqual(self.lab.kernel_port_entries(), [],
                             "the kernel learned entries by itself while the daemon runs")
