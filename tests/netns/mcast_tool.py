"""Tiny multicast receiver/sender run inside a host namespace.

sniff: counts UDP frames to GROUP that reach IFNAME at all (joined or not).
recv: joins GROUP (any-source, or source-specific with --source) on IFNAME with
      the host's own IGMP/MLD stack and writes the number of datagrams received
      to OUT after every datagram (OUT is created at once, holding 0). SIGTERM
      closes the socket, which makes the kernel send a leave.
send: sends COUNT datagrams (0: until stopped) to GROUP out of IFNAME with TTL/hop
      limit 8; with --out, writes the number sent so far to OUT after each one.
ctl: counts IGMP reports/leaves and MLD reports/dones arriving on IFNAME (frames the
     host itself sends are not counted), per source MAC, as JSON in OUT; with
     --group only those that carry GROUP. Queries, PIM and data are not counted.
"""

import argparse
import ipaddress
import json
import os
import signal
import socket
import struct
import sys
import time


def ifindex(name: str) -> int:
    return socket.if_nametoindex(name)


def primary_v4(ifname: str) -> str:
    import fcntl
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    req = struct.pack("256s", ifname.encode()[:15])
    addr = fcntl.ioctl(s.fileno(), 0x8915, req)[20:24]  # SIOCGIFADDR
    return socket.inet_ntoa(addr)


def recv(a) -> None:
    grp = ipaddress.ip_address(a.group)
    if grp.version == 4:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a.group, a.port))
        local = socket.inet_aton(primary_v4(a.ifname))
        if a.source:
            # struct ip_mreq_source: imr_multiaddr, imr_interface, imr_sourceaddr
            mreq = socket.inet_aton(a.group) + local + socket.inet_aton(a.source)
            s.setsockopt(socket.IPPROTO_IP, 39, mreq)  # IP_ADD_SOURCE_MEMBERSHIP
        else:
            mreq = socket.inet_aton(a.group) + local
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a.group, a.port, 0, ifindex(a.ifname)))
        if a.source:
            # struct group_source_req: u32 ifindex, pad, sockaddr_storage group, sockaddr_storage source
            def ss(addr):
                sa = struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", 0, 0) + \
                    socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=I", 0)
                return sa + b"\0" * (128 - len(sa))
            req = struct.pack("=I", ifindex(a.ifname)) + b"\0" * 4 + ss(a.group) + ss(a.source)
            s.setsockopt(socket.IPPROTO_IPV6, 46, req)  # MCAST_JOIN_SOURCE_GROUP
        else:
            mreq = socket.inet_pton(socket.AF_INET6, a.group) + struct.pack("=I", ifindex(a.ifname))
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)

    count = 0
    tmp = a.out + ".tmp"

    def publish():
        with open(tmp, "w") as f:
            f.write(f"{count}\n")
        os.replace(tmp, a.out)

    def stop(*_):
        s.close()  # the stack sends the leave
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    publish()
    while True:
        s.recv(65535)
        count += 1
        publish()


def sniff(a) -> None:
    """Counts IPv4/IPv6 frames addressed to GROUP arriving on IFNAME, whether or not
    the host joined: what the bridge actually delivered to this port."""
    ETH_P_ALL = 0x0003
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.ifname, 0))
    grp = ipaddress.ip_address(a.group).packed
    count = 0
    tmp = a.out + ".tmp"

    def publish():
        with open(tmp, "w") as f:
            f.write(f"{count}\n")
        os.replace(tmp, a.out)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    publish()
    while True:
        frame, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        et = frame[12:14]
        if et == b"\x08\x00" and frame[30:34] == grp and frame[23] == 17:
            count += 1
            publish()
        elif et == b"\x86\xdd" and frame[38:54] == grp and frame[20] == 17:
            count += 1
            publish()


IGMP_REPORTS = {0x12: "igmpv1", 0x16: "igmpv2", 0x17: "leave", 0x22: "igmpv3"}
MLD_REPORTS = {131: "mldv1", 132: "done", 143: "mldv2"}


def control_kind(frame: bytes):
    """(kind, L4 payload) of an IGMP/MLD report or leave, else None."""
    et = frame[12:14]
    if et == b"\x08\x00" and len(frame) >= 34 and frame[23] == 2:
        l4 = frame[14 + (frame[14] & 0x0F) * 4:]
        kind = IGMP_REPORTS.get(l4[0]) if l4 else None
        return (kind, l4) if kind else None
    if et == b"\x86\xdd" and len(frame) >= 54:
        nh, off = frame[20], 54
        while nh in (0, 43, 60) and off + 2 <= len(frame):  # hop-by-hop, routing, dest opts
            nh, off = frame[off], off + (frame[off + 1] + 1) * 8
        if nh != 58 or off >= len(frame):
            return None
        kind = MLD_REPORTS.get(frame[off])
        return (kind, frame[off:]) if kind else None
    return None


def ctl(a) -> None:
    ETH_P_ALL = 0x0003
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((a.ifname, 0))
    grp = ipaddress.ip_address(a.group).packed if a.group else None
    counts: dict[str, int] = {}
    tmp = a.out + ".tmp"

    def publish():
        with open(tmp, "w") as f:
            json.dump(counts, f)
        os.replace(tmp, a.out)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    publish()
    while True:
        frame, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        c = control_kind(frame)
        if not c or (grp and grp not in c[1]):
            continue
        mac = frame[6:12].hex(":")
        counts[mac] = counts.get(mac, 0) + 1
        publish()


def send(a) -> None:
    grp = ipaddress.ip_address(a.group)
    if grp.version == 4:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(primary_v4(a.ifname)))
        dst = (a.group, a.port)
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 8)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex(a.ifname))
        dst = (a.group, a.port, 0, ifindex(a.ifname))
    n = 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while a.count <= 0 or n < a.count:  # --count 0: until SIGTERM
        s.sendto(a.payload.encode(), dst)
        n += 1
        if a.out:  # progress, for tests that tell a stalled sender from lost data
            with open(a.out + ".tmp", "w") as f:
                f.write(f"{n}\n")
            os.replace(a.out + ".tmp", a.out)
        time.sleep(a.interval)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["recv", "send", "sniff", "ctl"])
    p.add_argument("--group")
    p.add_argument("--source")
    p.add_argument("--ifname", default="eth0")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--out")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--interval", type=float, default=0.01)
    p.add_argument("--payload", default="mcsnoopd-test")
    a = p.parse_args()
    if a.mode != "ctl" and not a.group:
        p.error("--group is required")
    {"recv": recv, "send": send, "sniff": sniff, "ctl": ctl}[a.mode](a)


if __name__ == "__main__":
    main()
