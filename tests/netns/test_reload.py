"""Configuration reload (SIGHUP) on a running daemon, and --check-config.

  * a good file changes only what changed: a new deny filter removes the groups it
    denies, a new static group appears, immediate leave turns on; learned groups the
    change does not touch stay, and their MDB entries are not rewritten (no netlink
    event for them while reloading);
  * a bad file changes nothing: the error is logged as file:line:col, the daemon keeps
    running with the old configuration and its entries;
  * a bridge named in the file that does not exist yet stays pending and is snooped as
    soon as it appears;
  * mcsnoopd --check-config exits 0 for a valid file and 1 with file:line:col for a bad one.
"""

import signal
import subprocess
import time
import unittest

from daemon import binary
from lab import wait_until
import labcase
from labcase import LabCase, config


class ReloadTest(LabCase):
    def setUp(self):
        super().setUp()
        self.make_lab(hosts=("h1", "h2", "h3"))
        self.h1, self.h2, self.h3 = (self.lab.hosts[n] for n in ("h1", "h2", "h3"))

    def reload(self, d, text: str, expect: str) -> None:
        marks = d.log_text().count(expect)
        d.config_path.write_text(text)
        d.send_signal(signal.SIGHUP)
        wait_until(lambda: d.log_text().count(expect) > marks, 10, what=f"log '{expect}'")

    def test_good_reload_changes_only_what_changed(self):
        # No querier here: memberships must outlive the test (slow under emulation).
        d = self.start_daemon(config=config(query_interval=60))
        self.h1.join("239.1.1.1")
        self.h2.join("239.2.2.2")
        self.wait_entry("239.1.1.1", {"p1"})
        self.wait_entry("239.2.2.2", {"p2"})

        mon = self.lab.mdb_monitor()
        self.addCleanup(mon.stop)
        new = config(immediate_leave=True, query_interval=60, extra='''
filter = { mode = "deny", groups = ["239.2.0.0/16"] }
static-groups = [ { group = "239.5.5.5", ports = ["p3"] } ]
''')
        self.reload(d, new, "reload:")
        self.wait_entry("239.5.5.5", {"p3"})
        self.wait_entry("239.2.2.2", set())      # denied now
        self.wait_entry("239.1.1.1", {"p1"})     # learned, untouched
        time.sleep(0.3)
        touched = [l for l in mon.lines() if " grp 239.1.1.1 " in l + " "]
        self.assertEqual(touched, [], "an entry the reload did not change was rewritten")

        # Immediate leave is on now: no querier in this lab, so only fast leave can
        # remove the entry this quickly.
        r = self.h3.join("239.7.7.7")
        self.wait_entry("239.7.7.7", {"p3"})
        r.stop()
        self.wait_entry("239.7.7.7", set(), timeout=3)
        # A denied group cannot be joined any more.
        self.h3.join("239.2.9.9")
        time.sleep(1)
        self.assertEqual(self.lab.mdb_ports("239.2.9.9"), set())

    def test_bad_reload_changes_nothing(self):
        d = self.start_daemon(config=config())
        self.h1.join("239.1.1.1")
        self.wait_entry("239.1.1.1", {"p1"})
        bad = config() + '\n[[bridge.port]]\nname = "p1"\nmax-groups = { limit = 0, action = "deny" }\n'
        self.reload(d, bad, "reload refused")
        log = d.log_text()
        self.assertRegex(log, r"mcsnoopd-\d+\.conf:\d+:\d+: ")
        self.assertTrue(d.alive())
        self.wait_entry("239.1.1.1", {"p1"})
        # Still the old policy (no immediate leave, no querier): the entry stays.
        self.h2.join("239.1.1.1")
        self.wait_entry("239.1.1.1", {"p1", "p2"})

    def test_pending_bridge_applies_when_it_appears(self):
        text = config() + config(bridge="br9")
        d = self.start_daemon(config=text)
        # br9 does not exist yet; create it and move h3's port into it.
        self.lab.swrun("ip", "link", "add", "br9", "type", "bridge")
        self.lab.swrun("ip", "link", "set", "br9", "up")
        self.lab.swrun("ip", "link", "set", "p3", "nomaster")
        self.lab.swrun("ip", "link", "set", "p3", "master", "br9")
        wait_until(lambda: "bridge 'br9'" in d.log_text() and "snooping" in d.log_text(), 10,
                   what="daemon picks up br9")
        self.h3.join("239.9.9.9")

        def on_br9():
            out = self.lab.swrun("bridge", "-j", "-d", "mdb", "show", "dev", "br9").stdout
            return '"grp":"239.9.9.9"' in out.replace(" ", "") and f'"protocol":"{labcase.OUR_PROTOCOL}"' in out.replace(" ", "")
        wait_until(on_br9, 10, what="entry of ours on br9")


class CheckConfigTest(unittest.TestCase):
    def run_check(self, text: str, tmpdir) -> subprocess.CompletedProcess:
        path = tmpdir / "c.conf"
        path.write_text(text)
        return subprocess.run([binary(), "--check-config", str(path)], capture_output=True, text=True)

    def test_exit_codes_and_diagnostics(self):
        import tempfile
        from pathlib import Path
        with tempfile.TemporaryDirectory() as t:
            tmp = Path(t)
            ok = self.run_check(config(), tmp)
            self.assertEqual(ok.returncode, 0, ok.stderr)
            bad = self.run_check('[[bridge]]\nname = "br0"\nrobustness = 3\n[bridge.querier]\ninterval = 0\n', tmp)
            self.assertEqual(bad.returncode, 1)
            self.assertRegex(bad.stderr, r"c\.conf:\d+:\d+: ")
            self.assertIn("interval", bad.stderr)


if __name__ == "__main__":
    unittest.main()
