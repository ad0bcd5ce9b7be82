"""The bus policy (packaging/dbus/org.mcsnoopd.conf) on a real system-type bus: anyone
reads, only root and the group "mcsnoopd" change things, nobody else can own the
name; and the policy lists exactly the methods the XML marks as privileged."""

import subprocess
import unittest
import xml.etree.ElementTree as ET

from bus import MANAGER, OPERATOR, POLICY, ROOT, USER, as_user
from dbuscase import BR0, BRIDGE, ROOT_PATH, VLAN, VLAN0, DbusCase

XML = {iface: ROOT / "dbus" / f"{iface}.xml" for iface in (MANAGER, BRIDGE, VLAN)}
PRIVILEGED = "org.mcsnoopd.Privileged"


def interface_methods() -> dict[str, dict[str, bool]]:
    """{interface: {method: privileged}} from the XML files (the source of truth)."""
    out = {}
    for iface, path in XML.items():
        node = ET.parse(path).getroot()
        (itf,) = [i for i in node.findall("interface") if i.get("name") == iface]
        out[iface] = {m.get("name"): any(a.get("name") == PRIVILEGED and a.get("value") == "true"
                                         for a in m.findall("annotation"))
                      for m in itf.findall("method")}
    return out


def policy_denies() -> set[tuple[str, str]]:
    root = ET.parse(POLICY).getroot()
    (default,) = [p for p in root.findall("policy") if p.get("context") == "default"]
    return {(d.get("send_interface"), d.get("send_member")) for d in default.findall("deny")}


def python_dbus(address: str, code: str, user: str | None = None) -> subprocess.CompletedProcess:
    """Runs `code` with `bus` (dbus-python) connected to `address`."""
    prog = f"import dbus\nbus = dbus.bus.BusConnection({address!r})\n{code}"
    return subprocess.run(as_user(user, ["/usr/bin/python3", "-c", prog]), capture_output=True, text=True,
                          timeout=30)


class PolicyFileTest(unittest.TestCase):
    def test_policy_denies_exactly_the_privileged_methods(self):
        methods = interface_methods()
        denied = policy_denies()
        want = {(i, m) for i, ms in methods.items() for m, priv in ms.items() if priv}
        want.add(("org.freedesktop.DBus.Properties", "Set"))
        self.assertEqual(denied, want)
        # Every read method stays open; the write methods of both scopes are listed.
        self.assertFalse(methods[VLAN]["GetGroups"])
        self.assertFalse(methods[MANAGER]["Describe"])
        self.assertTrue(methods[MANAGER]["Reload"])
        self.assertEqual({m for m, p in methods[BRIDGE].items() if p}, {m for m, p in methods[VLAN].items() if p})
        # Every deny names the destination and the interface (dbus-daemon(1): a bare
        # send_interface rule would hit other services' interface-less messages).
        root = ET.parse(POLICY).getroot()
        for rule in root.iter("deny"):
            self.assertEqual(rule.get("send_destination"), "org.mcsnoopd")
            self.assertTrue(rule.get("send_interface"))
        owners = [p for p in root.findall("policy") if any(a.get("own") for a in p.findall("allow"))]
        self.assertEqual([p.attrib for p in owners], [{"user": "root"}])


class AccessTest(DbusCase):
    def setUp(self):
        super().setUp()
        self.start_api_daemon()

    def test_unprivileged_users_read_but_cannot_change(self):
        # Reads: properties, introspection, ObjectManager, Describe, mcsnoopctl show.
        self.assertEqual(self.prop(BR0, BRIDGE, "Name", user=USER), "br0")
        self.assertIs(self.prop(VLAN0, VLAN, "Snooping", user=USER), True)
        self.bus.busctl("introspect", "org.mcsnoopd", VLAN0, user=USER, check=True)
        self.bus.busctl("call", "org.mcsnoopd", ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
                        "GetManagedObjects", user=USER, check=True)
        self.assertEqual(self.call(ROOT_PATH, MANAGER, "GetBridgeByName", "s", "br0", user=USER), [BR0])
        self.call(VLAN0, VLAN, "GetGroups", user=USER)
        self.call(VLAN0, VLAN, "GetQuerier", "s", "ipv6", user=USER)
        self.assertEqual(self.ctl_json("describe", user=USER)["schema"], 1)
        self.ctl_json("show", "groups", user=USER)

        # Every privileged method of every interface: refused by the bus.
        paths = {MANAGER: ROOT_PATH, BRIDGE: BR0, VLAN: VLAN0}
        for iface, methods in interface_methods().items():
            for member, privileged in methods.items():
                if not privileged:
                    continue
                res = self.bus.send(paths[iface], f"{iface}.{member}", user=USER)
                self.assertIn("Error org.freedesktop.DBus.Error.AccessDenied", res.stdout + res.stderr,
                              f"{iface}.{member}")
        err = self.ctl_error("org.freedesktop.DBus.Error.AccessDenied", "set", "br0", "immediate-leave", "on",
                             user=USER)
        self.assertIn("SetImmediateLeave", err)
        self.ctl_error("org.freedesktop.DBus.Error.AccessDenied", "add", "static-group", "br0", "239.1.1.1",
                       "port", "p1", user=USER)
        self.ctl_error("org.freedesktop.DBus.Error.AccessDenied", "reload", user=USER)
        # Nothing changed.
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), [])
        self.assertEqual(self.prop(VLAN0, VLAN, "StaticGroups"), [])

    def test_leaving_out_the_interface_does_not_bypass_the_policy(self):
        res = python_dbus(self.bus.address, f"""
obj = bus.get_object('org.mcsnoopd', {VLAN0!r})
try:
    obj.get_dbus_method('FlushGroups')()   # no interface field in the message
    print('ALLOWED')
except dbus.DBusException as e:
    print(e.get_dbus_name())
""", user=USER)
        self.assertEqual(res.stdout.strip(), "org.freedesktop.DBus.Error.AccessDenied", res.stderr)

    def test_members_of_the_mcsnoopd_group_may_change_things(self):
        self.ctl_ok("set", "br0", "immediate-leave", "on", user=OPERATOR)
        self.assertIs(self.prop(VLAN0, VLAN, "ImmediateLeave"), True)
        self.ctl_ok("set", "br0", "reset", user=OPERATOR)

    def test_properties_are_read_only_and_the_name_cannot_be_taken(self):
        res = self.bus.busctl("set-property", "org.mcsnoopd", VLAN0, VLAN, "Snooping", "b", "false", user=USER)
        self.assertNotEqual(res.returncode, 0)
        res = self.bus.busctl("set-property", "org.mcsnoopd", VLAN0, VLAN, "Snooping", "b", "false")
        self.assertNotEqual(res.returncode, 0)   # root too: properties change through methods
        self.assertIs(self.prop(VLAN0, VLAN, "Snooping"), True)
        res = python_dbus(self.bus.address, """
try:
    print(bus.request_name('org.mcsnoopd', dbus.bus.NAME_FLAG_DO_NOT_QUEUE))
except dbus.DBusException as e:
    print(e.get_dbus_name())
""", user=USER)
        self.assertEqual(res.stdout.strip(), "org.freedesktop.DBus.Error.AccessDenied", res.stderr)


if __name__ == "__main__":
    unittest.main()
