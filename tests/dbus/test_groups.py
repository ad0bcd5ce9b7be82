"""Reading what real hosts do through the API: groups with their ports, modes, sources
and timers, mrouter ports, the querier; and the signals (GroupJoined, GroupLeft,
MrouterPortChanged, QuerierChanged, PropertiesChanged) as they happen, seen with
dbus-monitor and `mcsnoopctl monitor`."""

import json
import unittest

from bus import ctl_binary
from dbuscase import VLAN, VLAN0, DbusCase, wait_until


class GroupsTest(DbusCase):
    def setUp(self):
        super().setUp()
        self.h1, self.h2, self.h3 = (self.lab.hosts[n] for n in ("h1", "h2", "h3"))

    def test_a_host_join_shows_up_with_its_port_and_signals_group_joined(self):
        self.start_api_daemon()
        mon = self.bus.monitor()
        ctl_out = self.lab.tmp / "ctl-monitor.txt"
        self.bus.spawn([ctl_binary(), "--bus-address", self.bus.address, "-j", "monitor"], ctl_out)
        wait_until(lambda: ctl_out.exists(), 5, what="mcsnoopctl monitor started")

        self.h1.join("239.1.1.1")
        rows = wait_until(lambda: self.group_rows("239.1.1.1"), 10, what="239.1.1.1 in show groups")
        self.assertEqual([r["port"] for r in rows], ["p1"])
        row = rows[0]
        self.assertEqual(row["bridge"], "br0")
        self.assertEqual(row["vlan"], 0)
        self.assertEqual(row["origin"], "learned")
        self.assertEqual(row["mode"], "exclude")          # IGMPv3 join: EXCLUDE({})
        self.assertEqual(row["compat"], "igmpv3")
        self.assertGreater(row["timer_ms"], 0)
        self.assertEqual(self.lab.mdb_ports("239.1.1.1"), {"p1"})

        wait_until(lambda: any('"239.1.1.1"' in s and '"p1"' in s for s in mon.signals("GroupJoined")), 10,
                   what="GroupJoined signal")
        joined = [s for s in mon.signals("GroupJoined") if '"239.1.1.1"' in s][0]
        self.assertIn(f"path={VLAN0}", joined)
        self.assertIn(f"interface={VLAN}", joined)
        self.assertIn('"learned"', joined)
        wait_until(lambda: any("GroupCount" in s for s in mon.signals("PropertiesChanged")), 10,
                   what="PropertiesChanged(GroupCount)")

        def ctl_saw():
            for line in ctl_out.read_text().splitlines():
                try:
                    j = json.loads(line)
                except ValueError:
                    continue
                if j.get("signal") == "GroupJoined" and j.get("group") == "239.1.1.1":
                    return j
            return None
        j = wait_until(ctl_saw, 10, what="mcsnoopctl monitor printed GroupJoined")
        self.assertEqual((j["bridge"], j["vlan"], j["port"], j["origin"]), ("br0", 0, "p1", "learned"))

        # The same through the typed method and the human table.
        groups = self.call(VLAN0, VLAN, "GetGroups")[0]
        self.assertIn("p1", [g[1] for g in groups if g[0] == "239.1.1.1"])
        self.assertGreaterEqual(self.prop(VLAN0, VLAN, "GroupCount"), 1)
        table = self.ctl_ok("show", "groups", "br0", "vlan", "0").splitlines()
        self.assertEqual(table[0].split(), ["BRIDGE", "VLAN", "GROUP", "PORT", "ORIGIN", "MODE", "TIMER", "COMPAT",
                                            "SOURCES"])
        line = [ln for ln in table if "239.1.1.1" in ln][0]
        self.assertEqual(line.split()[:6], ["br0", "0", "239.1.1.1", "p1", "learned", "exclude"])
        # Columns are aligned: every cell of a column starts where its header does.
        col = table[0].index("GROUP")
        self.assertTrue(all(ln[col:].startswith(("GROUP", "239.", "ff0")) for ln in table if ln.strip()))

    def test_source_specific_join_lists_its_source(self):
        self.start_api_daemon()
        self.h2.join("232.1.1.1", source="192.0.2.99")
        rows = wait_until(lambda: self.group_rows("232.1.1.1"), 10, what="232.1.1.1 in show groups")
        self.assertEqual(rows[0]["port"], "p2")
        self.assertEqual(rows[0]["mode"], "include")
        self.assertEqual([s["address"] for s in rows[0]["sources"]], ["192.0.2.99"])
        self.assertGreater(rows[0]["sources"][0]["timer_ms"], 0)
        self.assertIn("192.0.2.99/", self.ctl_ok("show", "groups"))

    def test_querier_mrouter_ports_and_leave_signals(self):
        q = self.lab.querier_host("q")
        self.start_api_daemon()
        mon = self.bus.monitor()
        self.bus.ctl("set", "br0", "immediate-leave", "on", check=True)
        # The querier host's port becomes a router port learned from its queries.
        rows = wait_until(lambda: [r for r in self.ctl_json("show", "mrouters") if r["port"] == q.port], 15,
                          what="querier port in show mrouters")
        self.assertEqual(rows[0]["origin"], "query")
        self.assertIn(rows[0]["family"], ("ipv4", "ipv6"))
        wait_until(lambda: any(f'"{q.port}"' in s for s in mon.signals("MrouterPortChanged")), 10,
                   what="MrouterPortChanged signal")
        self.assertIn((q.port, "ipv4"), {tuple(p) for p in self.prop(VLAN0, VLAN, "MrouterPorts")})
        # The elected querier as seen by our (disabled) querier and the core.
        qr = wait_until(lambda: [r for r in self.ctl_json("show", "querier") if r["family"] == "ipv4"
                                 and r["elected"]], 15, what="elected IPv4 querier")[0]
        self.assertEqual(qr["elected"]["address"], q.ipv4)
        self.assertFalse(qr["elected"]["self"])
        self.assertEqual(qr["heard"]["port"], q.port)
        wait_until(lambda: any(f'"{q.ipv4}"' in s for s in mon.signals("QuerierChanged")), 10,
                   what="QuerierChanged signal")
        self.assertEqual(self.prop(VLAN0, VLAN, "IgmpQuerier")[2], q.ipv4)
        self.assertIn(q.ipv4, self.ctl_ok("show", "querier", "br0"))

        # Immediate leave: the last member leaving ends the membership at once.
        r = self.h3.join("239.3.3.3")
        wait_until(lambda: self.group_rows("239.3.3.3"), 10, what="239.3.3.3 joined")
        r.stop()
        wait_until(lambda: any('"239.3.3.3"' in s and '"fast-leave"' in s for s in mon.signals("GroupLeft")), 10,
                   what="GroupLeft(fast-leave)")
        wait_until(lambda: not self.group_rows("239.3.3.3"), 5, what="239.3.3.3 gone from show groups")


if __name__ == "__main__":
    unittest.main()
