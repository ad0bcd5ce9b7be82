"""Raw frame sender and source-specific member, run inside a host namespace.

send: writes the given Ethernet frames (hex) out of IFNAME on a packet socket, once
      (--count 1, the default), COUNT times, or until SIGTERM (--count 0), --every
      seconds apart. A stand-in for a router that keeps querying (tests of election).
ssm:  joins GROUP for every source of --sources (one socket each, so the host's own
      stack sends the IGMPv3/MLDv2 reports), writes OUT when joined, and drops the
      memberships named by --drop once the file TRIGGER exists: the stack then sends
      BLOCK(those sources). Runs until SIGTERM.
"""

import argparse
import ipaddress
import os
import signal
import socket
import struct
import sys
import time


def send(a) -> None:
    frames = [bytes.fromhex(h) for h in a.hex]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.ifname, 0))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    n = 0
    while a.count <= 0 or n < a.count:
        for f in frames:
            s.send(f)
        n += 1
        if a.count <= 0 or n < a.count:
            time.sleep(a.every)


def join_source(group: str, source: str, ifname: str, port: int, primary_v4) -> socket.socket:
    g = ipaddress.ip_address(group)
    if g.version == 4:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((group, port))
        # struct ip_mreq_source: imr_multiaddr, imr_interface, imr_sourceaddr
        mreq = socket.inet_aton(group) + socket.inet_aton(primary_v4) + socket.inet_aton(source)
        s.setsockopt(socket.IPPROTO_IP, 39, mreq)  # IP_ADD_SOURCE_MEMBERSHIP
        return s
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((group, port, 0, idx))

    def ss(addr):
        sa = struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", 0, 0) + \
            socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=I", 0)
        return sa + b"\0" * (128 - len(sa))
    req = struct.pack("=I", idx) + b"\0" * 4 + ss(group) + ss(source)
    s.setsockopt(socket.IPPROTO_IPV6, 46, req)  # MCAST_JOIN_SOURCE_GROUP
    return s


def ssm(a) -> None:
    import fcntl
    v4 = ""
    if ipaddress.ip_address(a.group).version == 4:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        req = struct.pack("256s", a.ifname.encode()[:15])
        v4 = socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915, req)[20:24])  # SIOCGIFADDR
    socks = {src: join_source(a.group, src, a.ifname, a.port, v4) for src in a.sources.split(",")}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(a.out, "w") as f:
        f.write("joined\n")
    drop = [d for d in (a.drop or "").split(",") if d]
    while drop and not os.path.exists(a.trigger):
        time.sleep(0.02)
    for d in drop:
        socks.pop(d).close()   # the stack sends BLOCK(d)
    if drop:
        with open(a.out, "w") as f:
            f.write("dropped\n")
    while True:
        time.sleep(3600)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["send", "ssm"])
    p.add_argument("--ifname", default="eth0")
    p.add_argument("--hex", action="append", default=[])
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--every", type=float, default=1.0)
    p.add_argument("--group")
    p.add_argument("--sources")
    p.add_argument("--drop")
    p.add_argument("--trigger")
    p.add_argument("--out")
    p.add_argument("--port", type=int, default=5001)
    a = p.parse_args()
    {"send": send, "ssm": ssm}[a.mode](a)


if __name__ == "__main__":
    main()
