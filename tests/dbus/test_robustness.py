"""mcsnoopd without D-Bus: no bus reachable at start, or the bus going away while it
runs. Either way it says so once, never retries in a loop, and goes on snooping.
(The build without D-Bus, -DMCS_DBUS=OFF, is covered by docs/dbus.md's build note:
CI runs the default build.)"""

import os
import signal
import time
import unittest
from pathlib import Path

from dbuscase import DbusCase, wait_until


class WithoutBusTest(DbusCase):
    def assert_snoops(self, group: str) -> None:
        self.lab.hosts["h1"].join(group)
        wait_until(lambda: self.lab.mdb_ports(group) == {"p1"}, 10, what=f"{group} learned without D-Bus")

    def test_no_bus_at_start_is_logged_once_and_snooping_works(self):
        d = self.start_api_daemon(bus_address=f"unix:path={self.lab.tmp}/no-such-bus")
        self.assert_snoops("239.1.1.1")
        log = d.log_text()
        self.assertEqual(log.count("D-Bus API not available"), 1, log)
        self.assertNotIn("D-Bus API on", log)

    def test_losing_the_bus_is_logged_once_and_snooping_goes_on(self):
        d = self.start_api_daemon()
        self.assertEqual(self.prop("/org/mcsnoopd/bridge/br0", "org.mcsnoopd.Bridge1", "Name"), "br0")
        os.kill(self.bus.pid, signal.SIGKILL)
        wait_until(lambda: "D-Bus connection lost" in d.log_text(), 10, what="connection loss noticed")
        cpu_before, wall_before = self.cpu_seconds(d), time.monotonic()
        self.assert_snoops("239.2.2.2")
        # No retry storm: while the join was being learned the daemon mostly idled (a
        # busy loop on the dead socket would use about all the wall time as CPU time),
        # and it said so only once.
        cpu = self.cpu_seconds(d) - cpu_before
        wall = time.monotonic() - wall_before
        self.assertLess(cpu, 0.1 + wall / 2, f"{cpu:.2f} s CPU in {wall:.2f} s")
        self.assertTrue(d.alive())
        self.assertEqual(d.log_text().count("D-Bus connection lost"), 1)

    def cpu_seconds(self, d) -> float:
        # The daemon runs under `ip netns exec` (exec'd, same PID).
        fields = Path(f"/proc/{d.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    unittest.main()
