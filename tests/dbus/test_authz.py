"""The daemon's own access check (issue #10, "Security"), on a bus WITHOUT our policy
file: a bus that lets everyone call everything, as a session bus or a system bus with a
missing or edited org.mcsnoopd.conf would. There the bus lets every call through, and
mcsnoopd itself must refuse the methods annotated org.mcsnoopd.Privileged with
org.mcsnoopd.Error.AccessDenied unless the caller is root or in the group "mcsnoopd"
(looked up in the group database, as dbus-daemon does).

  * every privileged method of the XML, called with valid arguments by a user outside
    the group: AccessDenied, and nothing changed; the read methods and properties stay
    open to them. (A uid without a passwd entry is refused too: dbus-daemon does not
    let one connect, so tests/daemon/privileges_test.cc checks that);
  * the same calls by a member of the group and by root: not refused (they take effect);
  * mcsnoopctl shows the named error.
"""

import json
import subprocess
import unittest

from bus import OPERATOR, USER, Bus, as_user
from dbuscase import BR0, BRIDGE, MANAGER, ROOT_PATH, VLAN, VLAN0, DbusCase, wait_until
from test_security import interface_methods, python_dbus

OPEN_POLICY = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <!-- No mcsnoopd policy: anyone may call anything (a session bus's rules). -->
  <policy context="default">
    <allow own="org.mcsnoopd"/>
    <allow send_destination="org.mcsnoopd"/>
  </policy>
</busconfig>
"""

# Valid arguments for every privileged method: without the check each call would
# succeed (or, for the removals, fail with NoSuchEntry), so AccessDenied can only come
# from the check. (signature, python literal of the arguments)
ARGS = {
    "Reload": ("b", "(False,)"),
    "TopologyChanged": ("saq", "('br0', [0])"),
    "SetSnooping": ("b", "(True,)"),
    "SetImmediateLeave": ("b", "(True,)"),
    "SetFilter": ("a(ssys)", "([('allow', '239.0.0.0', 8, '')],)"),
    "SetMaxGroups": ("us", "(100, 'deny')"),
    "SetQuerier": ("a{sv}", "({'Robustness': dbus.UInt32(3)},)"),
    "AddStaticGroup": ("sss", "('239.10.9.9', '', 'p1')"),
    "RemoveStaticGroup": ("sss", "('239.10.9.8', '', 'p1')"),
    "AddMrouterPort": ("s", "('p2',)"),
    "RemoveMrouterPort": ("s", "('p3',)"),
    "FlushGroups": ("", "()"),
    "ResetOverrides": ("", "()"),
}
PATHS = {MANAGER: ROOT_PATH, BRIDGE: BR0, VLAN: VLAN0}


def privileged_calls() -> list[tuple[str, str, str]]:
    return [(PATHS[i], i, m) for i, ms in interface_methods().items() for m, p in ms.items() if p]


class AuthzCase(DbusCase):
    def setUp(self):
        super().setUp()
        tmp = self.lab.tmp / "openbus"
        tmp.mkdir()
        policy = tmp / "open-policy.conf"
        policy.write_text(OPEN_POLICY)
        self.open_bus = Bus(tmp, policy=policy)
        self.addCleanup(self.open_bus.close)
        self.d = self.start_api_daemon(bus_address=self.open_bus.address)
        self.bus = self.open_bus   # DbusCase's helpers (prop, call, ctl) use this one
        wait_until(lambda: "D-Bus API on" in self.d.log_text(), 10, what="mcsnoopd on the open bus")

    def call_all(self, cmd_prefix: list[str] | None = None, user: str | None = None) -> dict[str, str]:
        """Calls every privileged method with valid arguments; {Interface.Method: "OK"
        or the D-Bus error name}."""
        calls = [(p, i, m, *ARGS[m]) for p, i, m in privileged_calls()]
        body = "\n".join(f"    ({p!r}, {i!r}, {m!r}, {sig!r}, {args})," for p, i, m, sig, args in calls)
        prog = f"""
import dbus, json
bus = dbus.bus.BusConnection({self.bus.address!r})
calls = [
{body}
]
out = {{}}
for path, iface, member, sig, args in calls:
    m = bus.get_object('org.mcsnoopd', path, introspect=False).get_dbus_method(member, iface)
    try:
        m(*args, signature=sig)
        out[iface + '.' + member] = 'OK'
    except dbus.DBusException as e:
        out[iface + '.' + member] = e.get_dbus_name() + ': ' + e.get_dbus_message()
print(json.dumps(out))
"""
        cmd = ["/usr/bin/python3", "-c", prog]
        if cmd_prefix:
            cmd = cmd_prefix + cmd
        res = subprocess.run(as_user(user, cmd), capture_output=True, text=True, timeout=60)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(res.stdout)

    def assert_unchanged(self):
        self.assertEqual(self.prop(BR0, BRIDGE, "Overrides"), [])
        self.assertEqual(self.prop(VLAN0, VLAN, "Overrides"), [])
        self.assertEqual(self.prop(VLAN0, VLAN, "StaticGroups"), [])
        self.assertIs(self.prop(VLAN0, VLAN, "ImmediateLeave"), False)


class AuthzTest(AuthzCase):
    def test_every_method_has_arguments_here(self):
        self.assertEqual({m for _, _, m in privileged_calls()}, set(ARGS))

    def test_the_bus_lets_everything_through(self):
        # Properties.Set reaches the daemon here (the policy file denies it at the bus):
        # refused by sd-bus because the property is read-only.
        res = python_dbus(self.bus.address, f"""
props = dbus.Interface(bus.get_object('org.mcsnoopd', {VLAN0!r}), 'org.freedesktop.DBus.Properties')
try:
    props.Set({VLAN!r}, 'Snooping', False)
    print('ALLOWED')
except dbus.DBusException as e:
    print(e.get_dbus_name())
""", user=USER)
        self.assertEqual(res.stdout.strip(), "org.freedesktop.DBus.Error.PropertyReadOnly", res.stderr)

    def test_others_are_refused_by_the_daemon(self):
        results = self.call_all(user=USER)
        self.assertEqual(len(results), len(privileged_calls()))
        for method, result in results.items():
            self.assertTrue(result.startswith("org.mcsnoopd.Error.AccessDenied: "), f"{method}: {result}")
            self.assertIn("mcsnoopd", result)
        self.assert_unchanged()
        # Reads stay open.
        self.assertEqual(self.prop(BR0, BRIDGE, "Name", user=USER), "br0")
        self.assertEqual(self.call(ROOT_PATH, MANAGER, "GetBridgeByName", "s", "br0", user=USER), [BR0])
        self.call(VLAN0, VLAN, "GetGroups", user=USER)
        self.assertEqual(self.ctl_json("describe", user=USER)["schema"], 1)
        err = self.ctl_error("org.mcsnoopd.Error.AccessDenied", "set", "br0", "immediate-leave", "on", user=USER)
        self.assertIn("SetImmediateLeave", err)
        self.ctl_error("org.mcsnoopd.Error.AccessDenied", "reload", user=USER)
        self.assert_unchanged()

    def test_group_members_and_root_are_not_refused(self):
        for user in (OPERATOR, None):
            with self.subTest(user=user or "root"):
                results = self.call_all(user=user)
                refused = {m: r for m, r in results.items() if "AccessDenied" in r}
                self.assertEqual(refused, {})
                # Valid arguments: each did its work (the removals of what was never added
                # say so; nothing else failed).
                failed = {m: r for m, r in results.items() if r != "OK"
                          and not (m.endswith(("RemoveStaticGroup", "RemoveMrouterPort"))
                                   and r.startswith("org.mcsnoopd.Error.NoSuchEntry"))}
                self.assertEqual(failed, {})
                self.call(BR0, BRIDGE, "ResetOverrides", user=user)
                self.call(VLAN0, VLAN, "ResetOverrides", user=user)


if __name__ == "__main__":
    unittest.main()
