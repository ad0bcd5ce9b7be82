"""Runs mcsnoopd inside a lab's switch namespace (tests and the demo)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from lab import Lab, LabError, wait_until

ROOT = Path(__file__).resolve().parents[2]


def binary() -> str:
    env = os.environ.get("MCSNOOPD")
    if env:
        return env
    for cand in (ROOT / "build" / "agent" / "daemon" / "mcsnoopd",):
        if cand.exists():
            return str(cand)
    raise LabError("mcsnoopd binary not found: set MCSNOOPD or build into ./build")


class Daemon:
    """mcsnoopd on lab.bridge; logs go to lab.tmp/mcsnoopd-N.log."""

    count = 0

    def __init__(self, lab: Lab, *args: str, config: str | None = None, log_level: str = "debug",
                 bus_address: str | None = None):
        """bus_address: serve the D-Bus API on that bus (tests/dbus); default --no-dbus."""
        Daemon.count += 1
        self.lab = lab
        self.log_path = lab.tmp / f"mcsnoopd-{Daemon.count}.log"
        self.runtime = lab.tmp / "run"
        cmd = [binary(), "--runtime-dir", str(self.runtime), "--log-level", log_level]
        cmd += ["--bus-address", bus_address] if bus_address else ["--no-dbus"]
        if config is not None:
            cfg = lab.tmp / f"mcsnoopd-{Daemon.count}.conf"
            cfg.write_text(config)
            self.config_path = cfg
            cmd += ["--config", str(cfg)]
        else:
            cmd += ["--bridge", lab.bridge]
        cmd += list(args)
        self.log = open(self.log_path, "w")
        self.proc = lab.swspawn(*cmd, stdout=self.log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.alive() and "running" in self.log_text(), 10,
                   what="mcsnoopd started")

    def alive(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"mcsnoopd exited with {self.proc.returncode}:\n{self.log_text()}")
        return True

    def log_text(self) -> str:
        return self.log_path.read_text()

    def send_signal(self, sig: int) -> None:
        os.killpg(self.proc.pid, sig)

    def stop(self, sig=signal.SIGTERM) -> int | None:
        rc = self.lab.kill(self.proc, sig)
        self.log.close()
        return rc
