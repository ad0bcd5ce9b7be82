"""Changing the running daemon through the API (mcsnoopctl and busctl), checked in the
kernel's MDB and port flags: static groups and mrouter ports, snooping, filters,
immediate leave, max-groups, the querier, flush, topology change; runtime overrides
and Reload (they do not survive it unless kept); named errors for bad arguments;
mcsnoopctl's exit codes."""

import json
import signal
import unittest

import labcase
from bus import ctl_binary
from dbuscase import BR0, BRIDGE, MANAGER, ROOT_PATH, VLAN, VLAN0, DbusCase, wait_until

CONFIG_STATIC = 'static-groups = [ { group = "239.5.5.5", ports = ["p3"] } ]\nstatic-mrouter-ports = ["p3"]'


class WriteTest(DbusCase):
    def setUp(self):
        super().setUp()
        self.h1, self.h2, self.h3 = (self.lab.hosts[n] for n in ("h1", "h2", "h3"))

    def test_static_group_reaches_the_kernel_mdb_and_goes_when_deleted(self):
        self.start_api_daemon()
        mon = self.bus.monitor()
        self.ctl_ok("add", "static-group", "br0", "239.9.9.9", "port", "p2")
        wait_until(lambda: self.lab.mdb_ports("239.9.9.9") == {"p2"}, 10, what="static 239.9.9.9 on p2 in the MDB")
        entry = [e for e in self.lab.mdb() if e.get("grp") == "239.9.9.9"][0]
        self.assertEqual(entry["state"], "permanent")
        self.assertIn(["239.9.9.9", "", "p2", "runtime"], self.prop(VLAN0, VLAN, "StaticGroups"))
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), ["static-groups"])
        rows = self.group_rows("239.9.9.9")
        self.assertEqual((rows[0]["port"], rows[0]["origin"]), ("p2", "static"))
        wait_until(lambda: any('"239.9.9.9"' in s and '"static"' in s for s in mon.signals("GroupJoined")), 10,
                   what="GroupJoined(static)")
        # Adding it again changes nothing; (S,G) on one VLAN works as well.
        self.ctl_ok("add", "static-group", "br0", "239.9.9.9", "port", "p2")
        self.ctl_ok("add", "static-group", "br0", "vlan", "0", "232.7.7.7", "source", "192.0.2.77", "port", "p1")
        wait_until(lambda: self.lab.mdb_ports("232.7.7.7", "192.0.2.77") == {"p1"}, 10, what="(S,G) static in MDB")
        self.assertEqual(self.prop(VLAN0, VLAN, "Overrides"), ["static-groups"])

        self.ctl_ok("del", "static-group", "br0", "239.9.9.9", "port", "p2")
        wait_until(lambda: not self.lab.mdb_ports("239.9.9.9"), 10, what="239.9.9.9 gone from the MDB")
        wait_until(lambda: any('"239.9.9.9"' in s and '"static-removed"' in s for s in mon.signals("GroupLeft")),
                   10, what="GroupLeft(static-removed)")
        self.ctl_ok("del", "static-group", "br0", "vlan", "0", "232.7.7.7", "source", "192.0.2.77", "port", "p1")
        wait_until(lambda: not self.lab.mdb_ports("232.7.7.7"), 10, what="(S,G) gone")
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), [])
        self.assertEqual(self.prop(VLAN0, VLAN, "Overrides"), [])

    def test_static_mrouter_port_sets_the_kernel_port_flag(self):
        self.start_api_daemon()
        self.ctl_ok("add", "mrouter", "br0", "port", "p2")
        wait_until(lambda: self.lab.mcast_router("p2") == 2, 10, what="p2 mcast_router permanent")
        rows = [r for r in self.ctl_json("show", "mrouters") if r["port"] == "p2"]
        self.assertEqual({r["origin"] for r in rows}, {"static"})
        self.assertIn(["p2", "runtime"], self.prop(VLAN0, VLAN, "StaticMrouterPorts"))
        self.ctl_ok("del", "mrouter", "br0", "port", "p2")
        wait_until(lambda: self.lab.mcast_router("p2") != 2, 10, what="p2 no longer a router port")

    def test_settings_are_overrides_visible_as_properties(self):
        self.start_api_daemon()
        self.ctl_ok("set", "br0", "vlan", "0", "immediate-leave", "on", "max-groups", "5", "replace")
        self.assertIs(self.prop(VLAN0, VLAN, "ImmediateLeave"), True)
        self.assertEqual(self.prop(VLAN0, VLAN, "MaxGroups"), [5, "replace"])
        self.assertEqual(self.prop(VLAN0, VLAN, "Overrides"), ["immediate-leave", "max-groups"])
        self.ctl_ok("set", "br0", "filter", "deny", "239.2.0.0/16", "allow", "239.0.0.0/8")
        self.assertEqual(self.prop(VLAN0, VLAN, "Filter"),
                         [["allow", "239.0.0.0", 8, ""], ["deny", "239.2.0.0", 16, ""]])
        # A denied group is not learned; an allowed one is.
        self.h1.join("239.2.2.2")
        self.h1.join("239.3.3.3")
        wait_until(lambda: self.group_rows("239.3.3.3"), 10, what="allowed group learned")
        self.assertEqual(self.group_rows("239.2.2.2"), [])
        self.assertFalse(self.lab.mdb_ports("239.2.2.2"))
        self.ctl_ok("set", "br0", "filter", "none")
        self.assertEqual(self.prop(VLAN0, VLAN, "Filter"), [])
        # The same through busctl on the VLAN object.
        self.call(VLAN0, VLAN, "SetMaxGroups", "us", "0", "deny")
        self.assertEqual(self.prop(VLAN0, VLAN, "MaxGroups"), [0, "deny"])
        # ResetOverrides: back to the configuration, per scope.
        self.ctl_ok("set", "br0", "vlan", "0", "reset")
        self.assertIs(self.prop(VLAN0, VLAN, "ImmediateLeave"), False)
        self.assertEqual(self.prop(VLAN0, VLAN, "Overrides"), [])
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), ["filter"])
        self.ctl_ok("set", "br0", "reset")
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), [])

    def test_snooping_off_removes_our_entries_and_on_brings_them_back(self):
        self.start_api_daemon()
        self.ctl_ok("add", "static-group", "br0", "239.9.9.9", "port", "p1")
        wait_until(lambda: self.lab.mdb_ports("239.9.9.9") == {"p1"}, 10, what="static entry")
        self.ctl_ok("set", "br0", "vlan", "0", "snooping", "off")
        self.assertIs(self.prop(VLAN0, VLAN, "Snooping"), False)
        wait_until(lambda: not self.lab.mdb_ports("239.9.9.9"), 10, what="entries gone with snooping off")
        self.ctl_ok("set", "br0", "vlan", "0", "snooping", "on")
        wait_until(lambda: self.lab.mdb_ports("239.9.9.9") == {"p1"}, 10, what="entries back with snooping on")

    def test_flush_forgets_learned_groups_and_keeps_static_ones(self):
        self.start_api_daemon()
        self.ctl_ok("add", "static-group", "br0", "239.9.9.9", "port", "p3")
        self.h1.join("239.1.1.1")
        wait_until(lambda: self.lab.mdb_ports("239.1.1.1") == {"p1"}, 10, what="learned entry")
        self.ctl_ok("flush", "br0", "vlan", "0")
        wait_until(lambda: not self.lab.mdb_ports("239.1.1.1"), 10, what="learned entry flushed")
        self.assertEqual(self.group_rows("239.1.1.1"), [])
        self.assertEqual(self.lab.mdb_ports("239.9.9.9"), {"p3"})

    def test_topology_change_starts_tcn_flooding(self):
        self.start_api_daemon()
        before = self.vlan0()["counters"]["stat.topology-changes"]
        self.ctl_ok("topology-change", "br0", "vlan", "0")
        v = self.vlan0()
        self.assertEqual(v["counters"]["stat.topology-changes"], before + 1)
        self.assertTrue(v["flood"]["active"])
        self.call(ROOT_PATH, MANAGER, "TopologyChanged", "saq", "br0", "0")
        self.assertEqual(self.vlan0()["counters"]["stat.topology-changes"], before + 2)
        self.ctl_error("org.mcsnoopd.Error.NoSuchVlan", "topology-change", "br0", "vlan", "7")
        self.assertEqual(self.vlan0()["counters"]["stat.topology-changes"], before + 2)

    def test_querier_settings_make_us_the_querier(self):
        self.lab.swrun("ip", "addr", "add", "192.0.2.1/24", "dev", "br0")
        self.start_api_daemon()
        mon = self.bus.monitor()
        self.ctl_ok("set", "br0", "querier", "on", "igmp-version", "2", "interval", "30")
        wait_until(lambda: self.prop(VLAN0, VLAN, "IgmpQuerier")[0] == "querier", 10, what="we are the querier")
        state = self.prop(VLAN0, VLAN, "IgmpQuerier")
        self.assertEqual(state[2:], ["192.0.2.1", True, "igmpv2"])
        q = self.call(VLAN0, VLAN, "GetQuerier", "s", "ipv4")[0]
        self.assertEqual(q["QueryIntervalMs"]["data"], 30000)
        self.assertEqual(q["SourceAddress"]["data"], "192.0.2.1")
        wait_until(lambda: any('"ipv4"' in s and '"querier"' in s for s in mon.signals("QuerierChanged")), 10,
                   what="QuerierChanged(querier)")
        # A bad value is refused as a whole.
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "set", "br0", "querier", "on", "address", "224.0.0.1")
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "set", "br0", "querier", "on", "address", "fe80::1",
                       "address6", "2001:db8::1")
        res = self.bus.busctl("call", "org.mcsnoopd", VLAN0, VLAN, "SetQuerier", "a{sv}", "1", "Frobnicate", "u", "1")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("unknown querier setting 'Frobnicate'", res.stderr)
        self.ctl_ok("set", "br0", "querier", "off")
        wait_until(lambda: self.prop(VLAN0, VLAN, "IgmpQuerier")[0] == "disabled", 10, what="querier off")

    def test_reload_drops_overrides_unless_kept(self):
        d = self.start_api_daemon(config=labcase.config(extra=CONFIG_STATIC))
        wait_until(lambda: self.lab.mdb_ports("239.5.5.5") == {"p3"}, 10, what="configured static group")
        self.assertIn(["239.5.5.5", "", "p3", "config"], self.prop(VLAN0, VLAN, "StaticGroups"))
        self.assertIn(["p3", "config"], self.prop(VLAN0, VLAN, "StaticMrouterPorts"))
        # Configured entries cannot be removed through the API.
        self.ctl_error("org.mcsnoopd.Error.NotPermitted", "del", "static-group", "br0", "239.5.5.5", "port", "p3")
        self.ctl_error("org.mcsnoopd.Error.NotPermitted", "del", "mrouter", "br0", "port", "p3")

        self.ctl_ok("add", "static-group", "br0", "239.6.6.6", "port", "p1")
        self.ctl_ok("set", "br0", "immediate-leave", "on")
        wait_until(lambda: self.lab.mdb_ports("239.6.6.6") == {"p1"}, 10, what="runtime static group")
        self.ctl_ok("reload", "keep-overrides")
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), ["immediate-leave", "static-groups"])
        self.assertEqual(self.lab.mdb_ports("239.6.6.6"), {"p1"})

        # A broken file changes nothing, overrides included.
        good = d.config_path.read_text()
        d.config_path.write_text(good + "\nthis is not toml = = =\n")
        err = self.ctl_error("org.mcsnoopd.Error.ReloadFailed", "reload")
        self.assertIn(str(d.config_path), err)
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), ["immediate-leave", "static-groups"])

        d.config_path.write_text(good)
        self.ctl_ok("reload")
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), [])
        self.assertIs(self.prop(VLAN0, VLAN, "ImmediateLeave"), False)
        wait_until(lambda: not self.lab.mdb_ports("239.6.6.6"), 10, what="runtime static group gone after Reload")
        self.assertEqual(self.lab.mdb_ports("239.5.5.5"), {"p3"})

        # SIGHUP is a Reload too.
        self.ctl_ok("set", "br0", "snooping", "on")
        d.send_signal(signal.SIGHUP)
        wait_until(lambda: self.prop(BR0, BRIDGE, "Overrides") == [], 10, what="SIGHUP dropped the overrides")

    def test_bad_arguments_get_named_errors(self):
        self.start_api_daemon()
        self.ctl_error("org.mcsnoopd.Error.NoSuchBridge", "show", "groups", "nosuchbr")
        self.ctl_error("org.mcsnoopd.Error.NoSuchBridge", "set", "nosuchbr", "snooping", "off")
        self.ctl_error("org.mcsnoopd.Error.NoSuchVlan", "show", "groups", "br0", "vlan", "7")
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "add", "static-group", "br0", "300.1.1.1", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "add", "static-group", "br0", "10.1.1.1", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "add", "static-group", "br0", "224.0.0.251", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "add", "static-group", "br0", "239.1.1.1", "source",
                       "ff02::1", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.NoSuchPort", "add", "static-group", "br0", "239.1.1.1", "port", "p9")
        self.ctl_error("org.mcsnoopd.Error.NoSuchPort", "add", "mrouter", "br0", "port", "p9")
        self.ctl_error("org.mcsnoopd.Error.NoSuchEntry", "del", "static-group", "br0", "239.1.1.1", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.NoSuchEntry", "del", "mrouter", "br0", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.InvalidArgs", "set", "br0", "filter", "deny", "zzz/8")
        too_many = []
        for i in range(257):
            too_many += ["deny", f"239.{i // 256}.{i % 256}.0/24"]
        self.ctl_error("org.mcsnoopd.Error.LimitReached", "set", "br0", "filter", *too_many)
        # An entry added for the whole bridge is removed there, not per VLAN.
        self.ctl_ok("add", "static-group", "br0", "239.8.8.8", "port", "p1")
        self.ctl_error("org.mcsnoopd.Error.NotPermitted", "del", "static-group", "br0", "vlan", "0", "239.8.8.8",
                       "port", "p1")
        # busctl / dbus-send callers get the same names.
        res = self.bus.send(ROOT_PATH, f"{MANAGER}.GetBridgeByName", "string:nosuchbr")
        self.assertIn("Error org.mcsnoopd.Error.NoSuchBridge", res.stdout + res.stderr)
        res = self.bus.send(VLAN0, f"{VLAN}.GetQuerier", "string:ipv5")
        self.assertIn("Error org.mcsnoopd.Error.InvalidArgs", res.stdout + res.stderr)
        # Nothing of it broke the daemon.
        self.assertEqual(self.prop(VLAN0, VLAN, "Snooping"), True)

    def test_mcsnoopctl_exit_codes(self):
        self.start_api_daemon()
        for args in (["bogus"], ["show"], ["show", "nonsense"], ["set", "br0"], ["set", "br0", "snooping", "maybe"],
                     ["add", "static-group", "br0", "239.1.1.1"], ["--frobnicate", "show", "groups"]):
            res = self.bus.ctl(*args)
            self.assertEqual(res.returncode, 2, f"{args}: {res.stdout}{res.stderr}")
        self.assertEqual(self.bus.ctl("show", "bridges").returncode, 0)
        # -j on every show gives JSON.
        for what in ("groups", "mrouters", "querier", "counters", "bridges"):
            self.assertIsInstance(self.ctl_json("show", what), list)
        counters = self.ctl_json("show", "counters", "br0")
        self.assertEqual([(c["bridge"], c["vlan"]) for c in counters], [("br0", None), ("br0", 0)])
        self.assertEqual(json.loads(self.ctl_ok("describe"))["schema"], 1)
        # No daemon on the bus: an error, exit 1, with the D-Bus name.
        res = self.bus.run([ctl_binary(), "--bus-address", "unix:path=/nonexistent/socket", "show", "groups"])
        self.assertEqual(res.returncode, 1)


if __name__ == "__main__":
    unittest.main()
