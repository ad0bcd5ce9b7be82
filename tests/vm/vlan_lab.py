"""VLAN additions to the netns lab (tests/netns/lab.py) for the VM lane.

A VlanLab's bridge filters VLANs (vlan_filtering 1, no default PVID: every port
gets exactly the VLANs a test gives it). Hosts sit on access ports (one VLAN,
untagged: the host uses eth0) or trunk ports (tagged VLANs: the host has an
802.1Q interface eth0.VID per VLAN, with its own IPv4 address). `host.on(vid)`
is the host as seen in one VLAN: join/send/sniff/capture go through that
VLAN's interface.

Needs a kernel with CONFIG_BRIDGE_VLAN_FILTERING and 8021q: run inside the VM
lane's guest (tests/vm/run-in-vm.sh).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "netns"))

from lab import MCAST_TOOL, PY, Host, Lab, Receiver, wait_until  # noqa: E402


def vlan_ipv4(vid: int, index: int) -> str:
    """Host `index` in VLAN `vid`: 198.51.100.0/24 in /27s, one per VLAN 10..70."""
    k = (vid // 10) % 8
    return f"198.51.100.{k * 32 + index}"


def vlan_ifname(host: Host, vid: int) -> str:
    return host.vlan_ifs[vid]


class VlanHost:
    """A host's view of one VLAN: the lab's Host API bound to that VLAN's interface."""

    def __init__(self, host: Host, vid: int):
        self.host = host
        self.vid = vid
        self.ifname = host.vlan_ifs[vid]
        self.view = dataclasses.replace(host, ifname=self.ifname, procs=host.procs)
        self.name = f"{host.name}.{vid}"
        self.port = host.port
        self.mac = host.mac

    def join(self, group: str, source: str | None = None, port: int = 5000) -> Receiver:
        return self.view.join(group, source, port)

    def send(self, group: str, count: int = 5, port: int = 5000, interval: float = 0.01) -> None:
        self.view.send(group, count, port, interval)

    def sniff(self, group: str) -> Receiver:
        """UDP frames to `group` arriving on this VLAN's interface, joined or not."""
        out = self.host.lab.tmp / f"sniff-{self.name}-{group.replace(':', '_')}-{uuid.uuid4().hex[:6]}"
        p = self.host.spawn(PY, str(MCAST_TOOL), "sniff", "--group", group, "--ifname", self.ifname,
                            "--out", str(out))
        r = Receiver(self.view, group, None, out, p)
        wait_until(lambda: out.exists(), 5, what=f"{self.name} sniffing {group}")
        return r

    # sysctl names an interface "eth0.10" as "eth0/10" (a dot separates keys).
    def force_igmp_version(self, v: int) -> None:
        self.host.sysctl(f"net.ipv4.conf.{self.ifname.replace('.', '/')}.force_igmp_version", v)
        self.host.sysctl("net.ipv4.conf.all.force_igmp_version", v)

    def force_mld_version(self, v: int) -> None:
        self.host.sysctl(f"net.ipv6.conf.{self.ifname.replace('.', '/')}.force_mld_version", v)
        self.host.sysctl("net.ipv6.conf.all.force_mld_version", v)


class VlanLab(Lab):
    """with VlanLab(vlans=(10, 20)) as lab:
           h1 = lab.add_vlan_host("h1", untagged=10)
           h3 = lab.add_vlan_host("h3", tagged=(10, 20))
           h3.on(20).join("239.1.1.1")
    """

    def __init__(self, vlans=(10, 20), vlan_snooping: bool = False, bridge_self: bool = True, **kw):
        kw.setdefault("hosts", ())
        super().__init__(**kw)
        try:
            self.set_bridge("vlan_filtering", "1", "vlan_default_pvid", "0")
            if vlan_snooping:
                self.set_bridge("mcast_vlan_snooping", "1")
            # Queries and keep-alives of the daemon leave through the bridge device,
            # which must be a member of the VLAN (tagged) to send in it.
            if bridge_self:
                for v in vlans:
                    self.bridge_vlan_add(self.bridge, v, self_=True)
        except BaseException:
            self.close()
            raise

    # ---- construction -------------------------------------------------------
    def bridge_vlan_add(self, dev: str, vid: int, untagged: bool = False, self_: bool = False) -> None:
        cmd = ["bridge", "vlan", "add", "dev", dev, "vid", str(vid)]
        if untagged:
            cmd += ["pvid", "untagged"]
        if self_:
            cmd += ["self"]
        self.swrun(*cmd)

    def bridge_vlan_del(self, dev: str, vid: int, self_: bool = False) -> None:
        self.swrun("bridge", "vlan", "del", "dev", dev, "vid", str(vid), *(["self"] if self_ else []))

    def add_vlan_host(self, name: str, untagged: int | None = None, tagged=()) -> Host:
        h = self.add_host(name)
        index = len(self.hosts)
        h.vlan_ifs = {}
        if untagged is not None:
            self.bridge_vlan_add(h.port, untagged, untagged=True)
            h.vlan_ifs[untagged] = "eth0"
        for vid in tagged:
            self.add_host_vlan(h, vid, index)
        h.on = lambda vid, h=h: VlanHost(h, vid)
        return h

    def add_host_vlan(self, h: Host, vid: int, index: int | None = None) -> None:
        """Makes VLAN `vid` tagged on h's port and gives h an interface eth0.VID in it."""
        index = index or list(self.hosts).index(h.name) + 1
        self.bridge_vlan_add(h.port, vid)
        ifn = f"eth0.{vid}"
        h.run("ip", "link", "add", "link", "eth0", "name", ifn, "type", "vlan", "id", str(vid))
        key = ifn.replace(".", "/")
        for k, v in (("ipv6.conf.{}.accept_dad", 0),
                     ("ipv4.conf.{}.igmpv3_unsolicited_report_interval", 100),
                     ("ipv4.conf.{}.igmpv2_unsolicited_report_interval", 100),
                     ("ipv6.conf.{}.mldv2_unsolicited_report_interval", 100),
                     ("ipv6.conf.{}.mldv1_unsolicited_report_interval", 100)):
            h.sysctl("net." + k.format(key), v)
        h.run("ip", "addr", "add", f"{vlan_ipv4(vid, index)}/27", "dev", ifn)
        h.run("ip", "link", "set", ifn, "up")
        h.vlan_ifs[vid] = ifn

    # ---- observation --------------------------------------------------------
    def mdb_by_vid(self, group: str) -> set[tuple[str, int]]:
        """{(port, vid)} of the entries for `group` on bridge ports."""
        return {(e["port"], e.get("vid", 0)) for e in self.mdb()
                if e.get("grp") == group and e.get("port") != self.bridge}

    def vlan_snooping(self) -> int:
        return int(self.link_info(self.bridge)["linkinfo"]["info_data"].get("mcast_vlan_snooping", 0))

    def vlan_globals(self) -> dict[int, dict]:
        """`bridge vlan global show` of the bridge, by vid."""
        out = self.swrun("bridge", "-j", "vlan", "global", "show", "dev", self.bridge).stdout
        res = {}
        for dev in json.loads(out or "[]"):
            for v in dev.get("vlans", []):
                res[v["vlan"]] = v
        return res

    def port_vlans(self, dev: str) -> dict[int, dict]:
        """`bridge -d vlan show dev DEV` by vid (flags, state, mcast_router)."""
        out = self.swrun("bridge", "-j", "-d", "vlan", "show", "dev", dev).stdout
        res = {}
        for d in json.loads(out or "[]"):
            for v in d.get("vlans", []):
                for vid in range(v["vlan"], v.get("vlanEnd", v["vlan"]) + 1):
                    res[vid] = v
        return res

    def port_vlan_router(self, dev: str, vid: int) -> int | None:
        v = self.port_vlans(dev).get(vid)
        return None if v is None or "mcast_router" not in v else int(v["mcast_router"])


def frame_vid(raw: bytes) -> int | None:
    """VLAN id of a captured frame (libpcap puts the stripped tag back), None if untagged."""
    if len(raw) >= 16 and raw[12:14] == b"\x81\x00":
        return int.from_bytes(raw[14:16], "big") & 0x0FFF
    return None
