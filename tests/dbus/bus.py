"""A private D-Bus system bus for the D-Bus tests, plus helpers around it.

Bus(tmp) starts `dbus-daemon --config-file=FILE --fork --print-address=1
--print-pid=1` with a system-type configuration written into `tmp`: the default
policy of Debian's system.conf (method calls denied unless a service's policy allows
them), monitoring allowed for root, and our policy file
packaging/dbus/org.mcsnoopd.conf included as is. It listens on a socket path in
`tmp` (abstract sockets would be per network namespace; the daemon runs in the
lab's switch namespace). close() kills it by PID.

Runs with Debian's /usr/bin/python3.
"""

from __future__ import annotations

import os
import pwd
import grp
import signal
import subprocess
import time
from pathlib import Path

from lab import LabError, sh, wait_until

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("MCS_SOURCE_DIR", HERE.parents[1]))
POLICY = ROOT / "packaging" / "dbus" / "org.mcsnoopd.conf"

# Unprivileged test users: one outside and one inside the group the policy lets
# change things.
USER = "mcstest"
OPERATOR = "mcstestop"
OPERATOR_GROUP = "mcsnoopd"

SERVICE = "org.mcsnoopd"
ROOT_PATH = "/org/mcsnoopd"
MANAGER = "org.mcsnoopd.Manager1"
BRIDGE = "org.mcsnoopd.Bridge1"
VLAN = "org.mcsnoopd.Vlan1"


def ctl_binary() -> str:
    env = os.environ.get("MCSNOOPCTL")
    if env:
        return env
    for cand in (ROOT / "build" / "dbus" / "mcsnoopctl", ROOT / "build-dbus" / "dbus" / "mcsnoopctl"):
        if cand.exists():
            return str(cand)
    raise LabError("mcsnoopctl not found: set MCSNOOPCTL or build into ./build")


def ensure_users() -> None:
    """Creates the test users (and the operator group) when missing. They stay: the
    next run reuses them."""
    try:
        grp.getgrnam(OPERATOR_GROUP)
    except KeyError:
        sh(["groupadd", "-r", OPERATOR_GROUP])
    for user, groups in ((USER, None), (OPERATOR, OPERATOR_GROUP)):
        try:
            pwd.getpwnam(user)
        except KeyError:
            cmd = ["useradd", "-r", "-M", "-s", "/usr/sbin/nologin"]
            if groups:
                cmd += ["-G", groups]
            sh(cmd + [user])


def as_user(user: str | None, cmd: list[str]) -> list[str]:
    if not user:
        return cmd
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--reset-env", *cmd]


SYSTEM_POLICY = """
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
"""


class Bus:
    def __init__(self, tmp: Path, policy: Path = POLICY):
        self.tmp = tmp
        self.socket = tmp / "system_bus_socket"
        self.config = tmp / "dbus-system.conf"
        self.config.write_text(f"""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={self.socket}</listen>
  <auth>EXTERNAL</auth>
{SYSTEM_POLICY}
  <include>{policy}</include>
</busconfig>
""")
        # Unprivileged users must reach the socket.
        os.chmod(tmp, 0o755)
        res = sh(["dbus-daemon", f"--config-file={self.config}", "--fork", "--print-address=1",
                  "--print-pid=1"])
        lines = res.stdout.split()
        self.address, self.pid = lines[0], int(lines[1])
        self.procs: list[subprocess.Popen] = []

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if self.alive():
                os.kill(self.pid, signal.SIGKILL)

    # ---- clients ------------------------------------------------------------
    def run(self, cmd: list[str], user: str | None = None, check: bool = False,
            timeout: float = 30) -> subprocess.CompletedProcess:
        res = subprocess.run(as_user(user, cmd), capture_output=True, text=True, timeout=timeout)
        if check and res.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stdout}{res.stderr}")
        return res

    def busctl(self, *args: str, user: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
        return self.run(["busctl", f"--address={self.address}", *args], user=user, check=check)

    def send(self, path: str, member: str, *args: str, user: str | None = None) -> subprocess.CompletedProcess:
        """dbus-send: prints "Error NAME: MESSAGE" on failure (busctl does not name it)."""
        return self.run(["dbus-send", f"--bus={self.address}", "--print-reply", f"--dest={SERVICE}",
                         path, member, *args], user=user)

    def ctl(self, *args: str, user: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
        return self.run([ctl_binary(), "--bus-address", self.address, *args], user=user, check=check)

    def spawn(self, cmd: list[str], out: Path, user: str | None = None) -> subprocess.Popen:
        f = open(out, "w")
        p = subprocess.Popen(as_user(user, cmd), stdout=f, stderr=subprocess.STDOUT)
        f.close()
        self.procs.append(p)
        return p

    def monitor(self, name: str = "monitor") -> "Monitor":
        out = self.tmp / f"{name}.txt"
        p = self.spawn(["dbus-monitor", "--address", self.address,
                        f"type='signal',sender='{SERVICE}'"], out)
        m = Monitor(p, out)
        # dbus-monitor prints NameAcquired once its match is in place.
        wait_until(lambda: "NameAcquired" in m.text(), 10, what="dbus-monitor ready")
        return m


class Monitor:
    def __init__(self, proc: subprocess.Popen, out: Path):
        self.proc = proc
        self.out = out

    def text(self) -> str:
        try:
            return self.out.read_text()
        except FileNotFoundError:
            return ""

    def signals(self, member: str) -> list[str]:
        """The blocks (header + arguments) of the signals named `member`."""
        blocks, cur = [], None
        for line in self.text().splitlines():
            if line.startswith("signal ") or line.startswith("method ") or line.startswith("error "):
                if cur is not None:
                    blocks.append(cur)
                cur = line if f"member={member}" in line and line.startswith("signal ") else None
            elif cur is not None:
                cur += "\n" + line
        if cur is not None:
            blocks.append(cur)
        return blocks
