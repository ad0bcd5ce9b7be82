"""unittest base class of the D-Bus integration tests: a netns lab (tests/netns), a
private system bus (bus.py) and mcsnoopd serving its API there; all torn down by
cleanups, in reverse order, also when a test fails."""

from __future__ import annotations

import json

import labcase
from bus import BRIDGE, MANAGER, ROOT_PATH, VLAN, Bus, ensure_users
from daemon import Daemon
from lab import wait_until
from labcase import LabCase

VLAN0 = "/org/mcsnoopd/bridge/br0/vlan/0"
BR0 = "/org/mcsnoopd/bridge/br0"


class DbusCase(LabCase):
    hosts = ("h1", "h2", "h3")

    def setUp(self):
        super().setUp()
        ensure_users()
        self.lab = self.make_lab(hosts=self.hosts)
        self.bus = Bus(self.lab.tmp)
        self.addCleanup(self.bus.close)

    def start_api_daemon(self, *args: str, config: str | None = None, bus_address: str | None = None) -> Daemon:
        d = Daemon(self.lab, *args, config=config if config is not None else labcase.config(),
                   bus_address=bus_address or self.bus.address)
        self.daemons.append(d)
        self.addCleanup(self._stop_daemon, d)
        if bus_address is None:
            wait_until(lambda: "D-Bus API on" in d.log_text(), 10, what="mcsnoopd on the bus")
        return d

    # ---- reading the API ----------------------------------------------------
    def prop(self, path: str, iface: str, name: str, user: str | None = None):
        """A property's value as busctl -j gives it ({"type": ..., "data": ...})."""
        res = self.bus.busctl("-j", "get-property", "org.mcsnoopd", path, iface, name, user=user, check=True)
        return json.loads(res.stdout)["data"]

    def call(self, path: str, iface: str, member: str, *sig_and_args: str, user: str | None = None):
        res = self.bus.busctl("-j", "call", "org.mcsnoopd", path, iface, member, *sig_and_args, user=user,
                              check=True)
        return json.loads(res.stdout)["data"] if res.stdout.strip() else None

    def describe(self) -> dict:
        return json.loads(self.call(ROOT_PATH, MANAGER, "Describe")[0])

    def vlan0(self) -> dict:
        return json.loads(self.call(VLAN0, VLAN, "Describe")[0])

    def ctl_json(self, *args: str, user: str | None = None):
        res = self.bus.ctl("-j", *args, user=user)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(res.stdout)

    def ctl_ok(self, *args: str, user: str | None = None) -> str:
        res = self.bus.ctl(*args, user=user)
        self.assertEqual(res.returncode, 0, f"mcsnoopctl {' '.join(args)}: {res.stderr}")
        return res.stdout

    def ctl_error(self, error: str, *args: str, user: str | None = None) -> str:
        """mcsnoopctl fails with exit status 1 and prints the D-Bus error `error`."""
        res = self.bus.ctl(*args, user=user)
        self.assertEqual(res.returncode, 1, f"mcsnoopctl {' '.join(args)}: {res.stdout}{res.stderr}")
        self.assertIn(error, res.stderr)
        return res.stderr

    def group_rows(self, group: str) -> list[dict]:
        return [r for r in self.ctl_json("show", "groups", "br0") if r["group"] == group]


__all__ = ["DbusCase", "VLAN0", "BR0", "BRIDGE", "MANAGER", "ROOT_PATH", "VLAN", "wait_until"]
