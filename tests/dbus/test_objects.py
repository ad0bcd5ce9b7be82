"""The object model: the manager at /org/mcsnoopd (ObjectManager), one object per
bridge and per VLAN that appear and disappear with them, introspection, properties,
Describe() JSON (docs/dbus.md)."""

import json
import unittest

import labcase
from dbuscase import BR0, BRIDGE, MANAGER, ROOT_PATH, VLAN, VLAN0, DbusCase, wait_until


class ObjectsTest(DbusCase):
    def test_introspection_shows_the_versioned_interfaces(self):
        self.start_api_daemon()
        tree = self.bus.busctl("tree", "--list", "org.mcsnoopd", check=True).stdout.split()
        for path in (ROOT_PATH, BR0, VLAN0):
            self.assertIn(path, tree)
        root = self.bus.busctl("introspect", "org.mcsnoopd", ROOT_PATH, check=True).stdout
        self.assertIn("org.freedesktop.DBus.ObjectManager", root)
        self.assertIn(MANAGER, root)
        for member in ("ListBridges", "GetBridgeByName", "GetVlan", "Describe", "Reload", "TopologyChanged"):
            self.assertIn("." + member, root)
        vlan = self.bus.busctl("introspect", "org.mcsnoopd", VLAN0, check=True).stdout
        for member in ("GetGroups", "GetMrouterPorts", "GetQuerier", "SetImmediateLeave", "AddStaticGroup",
                       "GroupJoined", "GroupLeft", "MrouterPortChanged", "QuerierChanged", "GroupCount",
                       "IgmpQuerier"):
            self.assertIn("." + member, vlan)

    def test_properties_and_lookups(self):
        self.start_api_daemon()
        self.assertTrue(self.prop(ROOT_PATH, MANAGER, "Version"))
        self.assertEqual(self.prop(BR0, BRIDGE, "Name"), "br0")
        ifindex = self.prop(BR0, BRIDGE, "IfIndex")
        self.assertEqual(self.prop(BR0, BRIDGE, "Vlans"), [0])
        self.assertEqual(sorted(p[1] for p in self.prop(BR0, BRIDGE, "Ports")), ["p1", "p2", "p3"])
        self.assertEqual(self.prop(VLAN0, VLAN, "Bridge"), "br0")
        self.assertEqual(self.prop(VLAN0, VLAN, "VlanId"), 0)
        self.assertIs(self.prop(VLAN0, VLAN, "Snooping"), True)
        self.assertEqual(self.prop(VLAN0, VLAN, "Overrides"), [])
        self.assertEqual(self.prop(VLAN0, VLAN, "IgmpQuerier")[0], "disabled")
        self.assertIn("rx.igmpv3-report", self.prop(VLAN0, VLAN, "Counters"))
        self.assertEqual(self.call(ROOT_PATH, MANAGER, "ListBridges"), [[[ifindex, "br0", BR0]]])
        self.assertEqual(self.call(ROOT_PATH, MANAGER, "GetBridgeByName", "s", "br0"), [BR0])
        self.assertEqual(self.call(ROOT_PATH, MANAGER, "GetVlan", "sq", "br0", "0"), [VLAN0])
        q = self.call(VLAN0, VLAN, "GetQuerier", "s", "ipv4")[0]
        self.assertEqual(q["State"]["data"], "disabled")
        self.assertEqual(q["ConfiguredVersion"]["data"], "igmpv3")
        managed = self.call(ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects")[0]
        self.assertIn(VLAN, managed[VLAN0])
        self.assertIn(BRIDGE, managed[BR0])

    def test_describe_follows_the_documented_schema(self):
        self.start_api_daemon()
        doc = self.describe()
        self.assertEqual(doc["schema"], 1)
        self.assertEqual(list(doc), ["schema", "version", "bridges"])
        br = doc["bridges"][0]
        self.assertEqual(list(br), ["name", "ifindex", "path", "ports", "overrides", "counters", "vlans"])
        self.assertEqual(br["path"], BR0)
        v = br["vlans"][0]
        self.assertEqual(list(v), ["vid", "path", "snooping", "overrides", "settings", "groups_total",
                                   "groups_truncated", "groups", "mrouter_ports", "querier", "flood", "counters"])
        self.assertEqual(list(v["settings"]), ["immediate_leave", "max_groups", "filter", "static_groups",
                                               "static_mrouter_ports"])
        self.assertEqual(set(v["querier"]), {"ipv4", "ipv6"})
        for key in ("state", "inactive_reason", "elected", "operating_version", "configured_version",
                    "source_address", "next_general_query_ms", "other_querier_present_ms",
                    "startup_queries_left", "timing", "heard", "counters"):
            self.assertIn(key, v["querier"]["ipv4"])
        # Bridge1/Vlan1.Describe: the same objects, with the schema member first.
        vd = self.vlan0()
        self.assertEqual(vd["schema"], 1)
        self.assertEqual(vd["vid"], 0)
        bd = json.loads(self.call(BR0, BRIDGE, "Describe")[0])
        self.assertEqual(bd["name"], "br0")

    def test_bridge_objects_appear_and_disappear_with_the_bridge(self):
        # br1 is configured but does not exist yet: its objects come when it does.
        self.start_api_daemon(config=labcase.config() + labcase.config(bridge="br1"))
        mon = self.bus.monitor()
        br1 = "/org/mcsnoopd/bridge/br1"
        self.assertNotIn(br1, self.bus.busctl("tree", "--list", "org.mcsnoopd").stdout.split())
        self.lab.swrun("ip", "link", "add", "br1", "type", "bridge")
        self.lab.swrun("ip", "link", "set", "br1", "up")
        wait_until(lambda: len(mon.signals("InterfacesAdded")) >= 2, 10, what="InterfacesAdded for br1")
        added = "\n".join(mon.signals("InterfacesAdded"))
        self.assertIn(f'object path "{br1}"', added)
        self.assertIn(f'object path "{br1}/vlan/0"', added)
        self.assertIn(BRIDGE, added)
        self.assertIn(br1, self.bus.busctl("tree", "--list", "org.mcsnoopd").stdout.split())
        self.assertEqual(len(self.call(ROOT_PATH, MANAGER, "ListBridges")[0]), 2)

        self.lab.swrun("ip", "link", "del", "br1")
        wait_until(lambda: len(mon.signals("InterfacesRemoved")) >= 2, 10, what="InterfacesRemoved for br1")
        removed = "\n".join(mon.signals("InterfacesRemoved"))
        self.assertIn(f'object path "{br1}/vlan/0"', removed)
        self.assertIn(f'object path "{br1}"', removed)
        self.assertNotIn(br1, self.bus.busctl("tree", "--list", "org.mcsnoopd").stdout.split())
        # The manager's lookups follow.
        self.ctl_error("org.mcsnoopd.Error.NoSuchBridge", "show", "groups", "br1")


if __name__ == "__main__":
    unittest.main()
