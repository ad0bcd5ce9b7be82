"""What mcsnoopd keeps of root's powers, and where it writes (issue #10, "Security").

  * started as root, once its sockets are open it holds CAP_NET_ADMIN and CAP_NET_RAW
    only: effective, permitted, inheritable, ambient and the bounding set of every
    thread, with no_new_privs (read from /proc/PID/task/*/status), and logs that set;
    --keep-capabilities keeps everything;
  * with that set it still does all it did: ports and bridges that appear later get
    packet sockets (CAP_NET_RAW) and MDB entries, and `nft`, which it runs for the
    suppression tables, still installs and removes them (a bridge named in the file
    that appears later, a port added later, the tables gone after SIGTERM);
  * started as a non-root user with only CAP_NET_ADMIN and CAP_NET_RAW as ambient
    capabilities (what a systemd drop-in with User= gets from the unit's
    AmbientCapabilities=), nft still works: it can only get them from the ambient set
    the daemon keeps raised;
  * nothing is written outside the runtime directory: the daemon runs under
    `strace -ff` through joins, a port and a bridge added, a reload and a stop, and
    every file opened for writing, created, renamed, removed or linked, by the daemon
    or by the nft it runs, is inside the runtime directory. The only exception
    allowed is /dev/null, which is not a file.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import stat
import unittest
from pathlib import Path

import daemon as daemon_mod
import labcase
from lab import wait_until
from labcase import LabCase

CAP_NET_ADMIN, CAP_NET_RAW = 12, 13
KEPT = (1 << CAP_NET_ADMIN) | (1 << CAP_NET_RAW)
G1, G2, G3 = "239.10.1.1", "239.10.2.2", "239.10.3.3"

# Writes outside the runtime directory that are fine: not files.
ALLOWED_OUTSIDE = ("/dev/null",)

# File system calls that change something; strace's names for x86-64.
MUTATING = ("open,openat,openat2,creat,truncate,rename,renameat,renameat2,unlink,unlinkat,rmdir,mkdir,"
            "mkdirat,link,linkat,symlink,symlinkat,chmod,fchmodat,chown,fchownat,lchown,mknod,mknodat,"
            "utimensat,utimes,utime,setxattr,lsetxattr,removexattr,lremovexattr,chdir,fchdir")
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")


def proc_caps(pid: int) -> list[dict[str, int]]:
    """Capability sets and no_new_privs of every thread of pid."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = {}
        for line in (task / "status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
                fields[key] = int(value.strip(), 16)
            elif key == "NoNewPrivs":
                fields[key] = int(value.strip())
        out.append(fields)
    return out


def daemon_pid(proc) -> int:
    """`ip netns exec` (and setpriv) exec the daemon: same pid. Checked by name."""
    comm = Path(f"/proc/{proc.pid}/comm").read_text().strip()
    if comm != "mcsnoopd":
        raise AssertionError(f"pid {proc.pid} is {comm}, not mcsnoopd")
    return proc.pid


def nft_tables(lab) -> set[str]:
    out = lab.swrun("nft", "list", "tables", "bridge").stdout
    return {line.split()[-1] for line in out.splitlines() if line.startswith("table bridge ")}


class Wrapped:
    """Runs the daemon through `prefix` (a wrapper script): daemon.binary() is what
    Daemon executes, swapped for the time of one start."""

    def __init__(self, script: Path):
        self.script = script
        self.saved = None

    def __enter__(self):
        self.saved = daemon_mod.binary
        real = self.saved()
        text = self.script.read_text().replace("@MCSNOOPD@", real)
        self.script.write_text(text)
        self.script.chmod(0o755)
        daemon_mod.binary = lambda: str(self.script)
        return self

    def __exit__(self, *exc):
        daemon_mod.binary = self.saved


class CapabilitiesTest(LabCase):
    def setUp(self):
        super().setUp()
        self.make_lab(hosts=("h1", "h2", "h3"))
        self.h1, self.h2, self.h3 = (self.lab.hosts[n] for n in ("h1", "h2", "h3"))

    def joins_and_a_later_port_work(self):
        """With the capabilities left: a join, and a port added later (packet socket,
        nft re-install) whose host joins."""
        self.h1.join(G1)
        self.wait_entry(G1, {"p1"})
        h4 = self.lab.add_host("h4")
        h4.join(G2)
        self.wait_entry(G2, {"p4"})

    def test_root_keeps_net_admin_and_net_raw_only(self):
        text = labcase.config() + labcase.config(bridge="br9")
        d = self.start_daemon(config=text)
        pid = daemon_pid(d.proc)
        threads = proc_caps(pid)
        self.assertGreaterEqual(len(threads), 1)
        for t in threads:
            self.assertEqual(t, {"CapInh": KEPT, "CapPrm": KEPT, "CapEff": KEPT, "CapBnd": KEPT,
                                 "CapAmb": KEPT, "NoNewPrivs": 1}, {k: hex(v) for k, v in t.items()})
        log = d.log_text()
        self.assertRegex(log, r"capabilities: eff=cap_net_admin,cap_net_raw prm=cap_net_admin,cap_net_raw "
                              r"inh=cap_net_admin,cap_net_raw bnd=cap_net_admin,cap_net_raw "
                              r"amb=cap_net_admin,cap_net_raw nnp=yes \(uid 0\)")
        self.assertIn("mcsnoopd_br0", nft_tables(self.lab))

        # Everything still works with that: joins, a port added later, a bridge that
        # appears later (nft table, MDB), and the stop.
        self.joins_and_a_later_port_work()
        self.lab.swrun("ip", "link", "add", "br9", "type", "bridge")
        self.lab.swrun("ip", "link", "set", "br9", "up")
        self.lab.swrun("ip", "link", "set", "p3", "nomaster")
        self.lab.swrun("ip", "link", "set", "p3", "master", "br9")
        wait_until(lambda: "mcsnoopd_br9" in nft_tables(self.lab), 10, what="nft table of br9")
        self.h3.join(G3)

        def on_br9():
            out = self.lab.swrun("bridge", "-j", "-d", "mdb", "show", "dev", "br9").stdout.replace(" ", "")
            return f'"grp":"{G3}"' in out and '"state":"permanent"' in out
        wait_until(on_br9, 10, what="entry of ours on br9")
        self.assertNotIn("nft exited", d.log_text())
        self.assertEqual(d.stop(), 0)
        wait_until(lambda: not {"mcsnoopd_br0", "mcsnoopd_br9"} & nft_tables(self.lab), 5,
                   what="suppression tables removed on stop")
        self.assertNotIn("nft exited", d.log_text())

    def test_keep_capabilities_keeps_them(self):
        before = proc_caps(os.getpid())[0]
        d = self.start_daemon("--keep-capabilities", config=labcase.config())
        (t, *_) = proc_caps(daemon_pid(d.proc))
        self.assertEqual(t["CapEff"], before["CapEff"])
        self.assertEqual(t["CapBnd"], before["CapBnd"])
        self.assertIn("capabilities kept (--keep-capabilities)", d.log_text())

    def test_non_root_with_ambient_capabilities(self):
        """As under systemd with User= and AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW:
        no CAP_SETPCAP (the bounding set stays as it is), and nft, exec'd by a non-root
        process, has only what the ambient set gives it."""
        if not shutil.which("setpriv"):
            self.skipTest("setpriv (util-linux) not installed")
        nobody = pwd.getpwnam("nobody")
        runtime = self.lab.tmp / "run"
        runtime.mkdir(exist_ok=True)
        os.chown(runtime, nobody.pw_uid, nobody.pw_gid)
        script = self.lab.tmp / "as-nobody.sh"
        script.write_text("#!/bin/sh\nexec setpriv --reuid=nobody --regid=nogroup --clear-groups "
                          "--inh-caps=-all,+net_admin,+net_raw --ambient-caps=+net_admin,+net_raw "
                          "@MCSNOOPD@ \"$@\"\n")
        with Wrapped(script):
            d = self.start_daemon(config=labcase.config())
        pid = daemon_pid(d.proc)
        self.assertEqual(os.stat(f"/proc/{pid}").st_uid, nobody.pw_uid)
        for t in proc_caps(pid):
            self.assertEqual((t["CapEff"], t["CapPrm"], t["CapAmb"], t["NoNewPrivs"]), (KEPT, KEPT, KEPT, 1),
                             {k: hex(v) for k, v in t.items()})
        self.assertRegex(d.log_text(), r"capabilities: eff=cap_net_admin,cap_net_raw .* nnp=yes \(uid "
                                       f"{nobody.pw_uid}\\)")
        # nft ran as nobody: the table exists, and a port added later re-installs it.
        self.assertIn("mcsnoopd_br0", nft_tables(self.lab))
        self.joins_and_a_later_port_work()
        self.assertNotIn("nft exited", d.log_text())
        self.assertNotIn("Operation not permitted", d.log_text())
        self.assertEqual(d.stop(), 0)
        wait_until(lambda: "mcsnoopd_br0" not in nft_tables(self.lab), 5, what="suppression table removed")

    def test_started_as_by_the_systemd_unit(self):
        """Root with the unit's CapabilityBoundingSet= and AmbientCapabilities= (the two,
        no CAP_SETPCAP): nothing left to drop, and no capset call at all, which the
        unit's SystemCallFilter=~@privileged would refuse."""
        if not shutil.which("setpriv") or not shutil.which("strace"):
            self.skipTest("setpriv and strace needed")
        trace = self.lab.tmp / "capset.trace"
        script = self.lab.tmp / "as-unit.sh"
        script.write_text("#!/bin/sh\nexec setpriv --bounding-set=-all,+net_admin,+net_raw "
                          "--inh-caps=-all,+net_admin,+net_raw --ambient-caps=+net_admin,+net_raw "
                          f"strace -f -qq -o {trace} -e trace=capset,capget @MCSNOOPD@ \"$@\"\n")
        with Wrapped(script):
            d = self.start_daemon(config=labcase.config())
        self.assertRegex(d.log_text(), r"capabilities: eff=cap_net_admin,cap_net_raw prm=cap_net_admin,cap_net_raw "
                                       r"inh=cap_net_admin,cap_net_raw bnd=cap_net_admin,cap_net_raw "
                                       r"amb=cap_net_admin,cap_net_raw nnp=yes \(uid 0\)")
        self.h1.join(G1)
        self.wait_entry(G1, {"p1"})
        self.assertIn("mcsnoopd_br0", nft_tables(self.lab))
        self.assertEqual(d.stop(), 0)
        traced = trace.read_text()
        self.assertIn("capget(", traced)   # the trace saw the daemon
        self.assertNotIn("capset(", traced)


class WritesTest(LabCase):
    """strace -ff over a whole run: every change to the file system is in the runtime
    directory."""

    def setUp(self):
        super().setUp()
        if not shutil.which("strace"):
            self.skipTest("strace not installed (scripts/install-deps.sh)")
        self.make_lab(hosts=("h1", "h2", "h3"))
        self.h1, self.h2, self.h3 = (self.lab.hosts[n] for n in ("h1", "h2", "h3"))

    def test_nothing_is_written_outside_the_runtime_directory(self):
        trace = self.lab.tmp / "trace"
        trace.mkdir()
        script = self.lab.tmp / "traced.sh"
        # cd /: as systemd starts services (relative paths would resolve from there).
        # -y: file descriptors with their paths (dirfd-relative names resolve).
        script.write_text(f"#!/bin/sh\ncd /\nexec strace -ff -qq -y -s 4096 -o {trace}/t -e trace={MUTATING} "
                          "@MCSNOOPD@ \"$@\"\n")
        text = labcase.config() + labcase.config(bridge="br9")
        with Wrapped(script):
            d = self.start_daemon(config=text)
        runtime = str(d.runtime)

        self.h1.join(G1)
        self.h2.join(G2)
        self.wait_entry(G1, {"p1"})
        self.wait_entry(G2, {"p2"})
        h4 = self.lab.add_host("h4")
        h4.join(G1)
        self.wait_entry(G1, {"p1", "p4"})
        self.lab.swrun("ip", "link", "add", "br9", "type", "bridge")
        self.lab.swrun("ip", "link", "set", "br9", "up")
        self.lab.swrun("ip", "link", "set", "p3", "nomaster")
        self.lab.swrun("ip", "link", "set", "p3", "master", "br9")
        wait_until(lambda: "mcsnoopd_br9" in nft_tables(self.lab), 10, what="nft table of br9")
        marks = d.log_text().count("reload:")
        d.config_path.write_text(labcase.config(immediate_leave=True, extra='''
static-groups = [ { group = "239.10.5.5", ports = ["p2"] } ]
'''))
        d.send_signal(signal.SIGHUP)
        wait_until(lambda: d.log_text().count("reload:") > marks, 10, what="reload")
        self.wait_entry("239.10.5.5", {"p2"})
        wait_until(lambda: "mcsnoopd_br9" not in nft_tables(self.lab), 10, what="br9 dropped by the reload")
        self.assertEqual(d.stop(), 0)

        # The trace is real: it saw the daemon read its configuration, and the nft runs
        # (one file per process).
        files = list(trace.iterdir())
        self.assertGreaterEqual(len(files), 3, files)
        self.assertTrue(any(str(d.config_path) in f.read_text(errors="replace") for f in files))
        changes, refused = self.file_changes(trace)
        self.assertEqual(self.chdirs, [], "relative paths would not resolve from /")

        def inside(p):
            return p == runtime or p.startswith(runtime + "/") or p in ALLOWED_OUTSIDE
        outside = [c for c in changes if not inside(c[2])]
        self.assertEqual(outside, [], "written outside the runtime directory " + runtime)
        # Failed attempts count too: nothing may even try.
        self.assertEqual([c for c in refused if not inside(c[2])], [],
                         "attempts to write outside the runtime directory")

    def test_the_trace_catches_writes(self):
        """The parser above on a process that does write outside: without this, a
        change in strace's output format would make the real test pass on nothing."""
        trace = self.lab.tmp / "selftrace"
        trace.mkdir()
        out = self.lab.tmp / "outside"
        out.mkdir()
        script = (f"cd {out} && echo x > a && mv a b && mkdir {out}/d && ln -s b c && rm c && "
                  f"echo y >> {out}/b && : > /dev/null")
        self.lab.swrun("strace", "-ff", "-qq", "-y", "-s", "4096", "-o", f"{trace}/t", "-e",
                       f"trace={MUTATING}", "sh", "-c", script)
        changes, _ = self.file_changes(trace)
        seen = {(call, p) for _, call, p in changes}
        for want in (("openat", f"{out}/a"), ("rename", f"{out}/b"), ("mkdir", f"{out}/d"),
                     ("symlink", f"{out}/c"), ("unlink", f"{out}/c"), ("openat", f"{out}/b"),
                     ("openat", "/dev/null")):
            self.assertTrue(any(c.startswith(want[0][:4]) and p == want[1] for c, p in seen), (want, seen))

    def file_changes(self, trace: Path):
        """[(pid, syscall, absolute path)] of the successful changes, and of those
        that failed, from strace's per-process files."""
        done, refused = [], []
        self.chdirs = []
        call_re = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|\?)(.*)$")
        for f in sorted(trace.iterdir()):
            pid = f.name.rsplit(".", 1)[-1]
            # Relative names of the non-*at calls (strace -y decorates only the *at
            # calls' directory) resolve from the process's directory: / (the wrapper's
            # cd /) unless it changed it. A child starts where its parent is, which a
            # per-process file cannot tell: the real test checks that nobody changed.
            self.cwd = "/"
            for line in f.read_text(errors="replace").splitlines():
                m = call_re.match(line)
                if not m:
                    continue
                name, args, ret, rest = m.groups()
                if name in ("chdir", "fchdir"):
                    if not ret.startswith("-"):
                        self.chdirs.append((pid, line))
                        a = self.split_args(args)[0]
                        d = re.search(r"<(.*)>$", a)
                        self.cwd = d.group(1) if name == "fchdir" and d else self.resolve(None, self.unquote(a))
                    continue
                paths = self.paths_changed(name, args, ret, rest)
                for p in paths:
                    (done if not ret.startswith("-") else refused).append((pid, name, p))
        return done, refused

    @staticmethod
    def split_args(args: str) -> list[str]:
        out, cur, depth, quoted, esc = [], "", 0, False, False
        for ch in args:
            if quoted:
                cur += ch
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    quoted = False
                continue
            if ch == '"':
                quoted = True
            elif ch in "<[{(":
                depth += 1
            elif ch in ">]})":
                depth -= 1
            elif ch == "," and depth == 0:
                out.append(cur.strip())
                cur = ""
                continue
            cur += ch
        if cur.strip():
            out.append(cur.strip())
        return out

    @staticmethod
    def unquote(s: str) -> str:
        s = s.strip()
        if s.startswith('"'):
            s = s[1:s.rindex('"')]
        return s.encode().decode("unicode_escape")

    def resolve(self, dirfd: str | None, name: str) -> str:
        if name.startswith("/"):
            return os.path.normpath(name)
        base = getattr(self, "cwd", "/")
        if dirfd:
            m = re.search(r"<(.*)>$", dirfd)
            if m:
                base = m.group(1)
        return os.path.normpath(os.path.join(base, name))

    def paths_changed(self, name: str, args: str, ret: str, rest: str) -> list[str]:
        a = self.split_args(args)
        if name in ("open", "creat"):
            if name == "open" and not any(f in a[1] for f in WRITE_FLAGS):
                return []
            return [self.opened(ret, rest) or self.resolve(None, self.unquote(a[0]))]
        if name in ("openat", "openat2"):
            flags = a[2]
            if not any(f in flags for f in WRITE_FLAGS):
                return []
            return [self.opened(ret, rest) or self.resolve(a[0], self.unquote(a[1]))]
        if name in ("rename", "link", "symlink"):
            return [self.resolve(None, self.unquote(a[1]))] + (
                [self.resolve(None, self.unquote(a[0]))] if name == "rename" else [])
        if name in ("renameat", "renameat2", "linkat"):
            return [self.resolve(a[2], self.unquote(a[3]))] + (
                [self.resolve(a[0], self.unquote(a[1]))] if name != "linkat" else [])
        if name == "symlinkat":
            return [self.resolve(a[1], self.unquote(a[2]))]
        if name in ("unlinkat", "mkdirat", "mknodat", "fchmodat", "fchownat", "utimensat"):
            if name == "utimensat" and a[1] == "NULL":
                return [a[0]]
            return [self.resolve(a[0], self.unquote(a[1]))]
        # unlink, rmdir, mkdir, truncate, chmod, chown, lchown, mknod, utime(s), *xattr
        return [self.resolve(None, self.unquote(a[0]))]

    @staticmethod
    def opened(ret: str, rest: str) -> str | None:
        """The path strace -y prints for the returned descriptor: "= 5</a/b>"."""
        m = re.match(r"<(.*)>", rest)
        if m and not ret.startswith("-"):
            p = m.group(1)
            return p if not p.startswith(("socket:", "pipe:", "anon_inode:")) else None
        return None


if __name__ == "__main__":
    unittest.main()
