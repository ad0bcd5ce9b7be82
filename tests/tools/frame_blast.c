/* frame_blast: sends crafted IGMP membership reports out of one interface at a
 * paced rate, for report-storm tests (tests/netns/test_storm.py). Run it inside a
 * host namespace: ip netns exec NS frame_blast --ifname eth0 --rate 100000 ...
 *
 * Frames are built once (one per group) and sent round-robin with sendmmsg() on an
 * AF_PACKET socket bound to the interface, in batches paced against the monotonic
 * clock: after t seconds, rate * t frames are due. Every --fixed-every'th frame
 * reports --fixed (when given); the others cycle over --groups groups counted up
 * from --base. IGMPv2 reports (to the group, Router Alert, TTL 1) or IGMPv3
 * reports (to 224.0.0.22, one CHANGE_TO_EXCLUDE({}) record).
 *
 * Prints one JSON line when done: {"sent": N, "errors": E, "seconds": S, "rate": R}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kMaxFrame = 64, kMaxBatch = 256 };

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t csum(const uint8_t *p, size_t n) {
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1) s += (uint32_t)(p[n - 1] << 8);
    while (s >> 16) s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* Ethernet + IPv4 with Router Alert (RFC 2113) + IGMP report for `group` (host order). */
static size_t build(uint8_t *f, int version, uint32_t group, uint32_t src, const uint8_t mac[6]) {
    const uint32_t dst = version == 3 ? 0xe0000016u : group; /* 224.0.0.22 */
    const size_t igmp_len = version == 3 ? 16 : 8;
    memset(f, 0, kMaxFrame);
    f[0] = 0x01; f[1] = 0x00; f[2] = 0x5e;
    f[3] = (uint8_t)((dst >> 16) & 0x7f); f[4] = (uint8_t)(dst >> 8); f[5] = (uint8_t)dst;
    memcpy(f + 6, mac, 6);
    put16(f + 12, ETH_P_IP);
    uint8_t *ip = f + 14;
    ip[0] = 0x46;                       /* version 4, IHL 6 (options) */
    ip[1] = 0xc0;                       /* DSCP CS6 */
    put16(ip + 2, (uint16_t)(24 + igmp_len));
    ip[8] = 1;                          /* TTL 1 */
    ip[9] = 2;                          /* IGMP */
    uint32_t s = htonl(src), d = htonl(dst);
    memcpy(ip + 12, &s, 4);
    memcpy(ip + 16, &d, 4);
    ip[20] = 0x94; ip[21] = 0x04;       /* Router Alert, length 4, value 0 */
    put16(ip + 10, csum(ip, 24));
    uint8_t *ig = ip + 24;
    uint32_t g = htonl(group);
    if (version == 3) {
        ig[0] = 0x22;                   /* v3 membership report */
        put16(ig + 6, 1);               /* one record */
        ig[8] = 4;                      /* CHANGE_TO_EXCLUDE_MODE, no sources */
        memcpy(ig + 12, &g, 4);
    } else {
        ig[0] = 0x16;                   /* v2 membership report */
        memcpy(ig + 4, &g, 4);
    }
    put16(ig + 2, csum(ig, igmp_len));
    size_t len = 14 + 24 + igmp_len;
    return len < 60 ? 60 : len;         /* Ethernet minimum (padding after the IP packet) */
}

static int parse_mac(const char *s, uint8_t mac[6]) {
    unsigned m[6];
    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6) return -1;
    for (int i = 0; i < 6; ++i) mac[i] = (uint8_t)m[i];
    return 0;
}

static uint32_t parse_ip(const char *s) {
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        fprintf(stderr, "frame_blast: bad IPv4 address '%s'\n", s);
        exit(2);
    }
    return ntohl(a.s_addr);
}

static void usage(void) {
    fprintf(stderr,
            "usage: frame_blast --ifname IF [--rate PPS] [--duration S] [--count N]\n"
            "         [--groups N] [--base 239.200.0.0] [--fixed GROUP] [--fixed-every K]\n"
            "         [--version 2|3] [--src-ip IP] [--src-mac MAC] [--batch N]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *ifname = NULL;
    double rate = 100000, duration = 5;
    long count = 0, groups = 1024, fixed_every = 2, batch = 64;
    int version = 2;
    uint32_t base = parse_ip("239.200.0.0"), fixed = 0, src = parse_ip("192.0.2.11");
    uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    static const struct option opts[] = {
        {"ifname", 1, 0, 'i'}, {"rate", 1, 0, 'r'},    {"duration", 1, 0, 'd'}, {"count", 1, 0, 'c'},
        {"groups", 1, 0, 'g'}, {"base", 1, 0, 'b'},    {"fixed", 1, 0, 'f'},    {"fixed-every", 1, 0, 'k'},
        {"version", 1, 0, 'v'}, {"src-ip", 1, 0, 's'}, {"src-mac", 1, 0, 'm'},  {"batch", 1, 0, 'n'},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'i': ifname = optarg; break;
        case 'r': rate = atof(optarg); break;
        case 'd': duration = atof(optarg); break;
        case 'c': count = atol(optarg); break;
        case 'g': groups = atol(optarg); break;
        case 'b': base = parse_ip(optarg); break;
        case 'f': fixed = parse_ip(optarg); break;
        case 'k': fixed_every = atol(optarg); break;
        case 'v': version = atoi(optarg); break;
        case 's': src = parse_ip(optarg); break;
        case 'm': if (parse_mac(optarg, mac)) usage(); break;
        case 'n': batch = atol(optarg); break;
        default: usage();
        }
    }
    if (!ifname || rate <= 0 || groups < 1 || groups > 1 << 20 || batch < 1 || batch > kMaxBatch ||
        (version != 2 && version != 3) || fixed_every < 1)
        usage();

    int fd = socket(AF_PACKET, SOCK_RAW, 0);   /* protocol 0: receives nothing */
    if (fd < 0) { perror("socket"); return 1; }
    struct sockaddr_ll sll = {0};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = (int)if_nametoindex(ifname);
    if (!sll.sll_ifindex) { perror(ifname); return 1; }
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) { perror("bind"); return 1; }
    int one = 1, sndbuf = 4 << 20;
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

    /* One frame per slot: slot i reports the fixed group when (i % fixed_every) == 0. */
    long slots = groups * (fixed ? fixed_every : 1);
    if (fixed && fixed_every == 1) slots = 1;
    uint8_t (*frames)[kMaxFrame] = calloc((size_t)slots, kMaxFrame);
    size_t *lens = calloc((size_t)slots, sizeof *lens);
    if (!frames || !lens) { perror("calloc"); return 1; }
    long next_group = 0;
    for (long i = 0; i < slots; ++i) {
        uint32_t g = (fixed && i % fixed_every == 0) ? fixed : base + (uint32_t)(next_group++ % groups);
        lens[i] = build(frames[i], version, g, src, mac);
    }

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    struct mmsghdr msgs[kMaxBatch];
    struct iovec iov[kMaxBatch];
    long sent = 0, errors = 0, slot = 0;
    const double t0 = now_s();
    while (!stop_flag) {
        const double t = now_s() - t0;
        if (t >= duration || (count && sent >= count)) break;
        long due = (long)(rate * t) + 1 - sent;
        if (count && due > count - sent) due = count - sent;
        if (due <= 0) {
            struct timespec ts = {0, 50000};   /* 50 us */
            nanosleep(&ts, NULL);
            continue;
        }
        int n = (int)(due < batch ? due : batch);
        memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
        for (int i = 0; i < n; ++i) {
            long s = (slot + i) % slots;
            iov[i].iov_base = frames[s];
            iov[i].iov_len = lens[s];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int r = sendmmsg(fd, msgs, (unsigned)n, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            ++errors;
            if (errno == ENOBUFS || errno == EAGAIN) {
                struct timespec ts = {0, 100000};
                nanosleep(&ts, NULL);
                continue;
            }
            perror("sendmmsg");
            return 1;
        }
        sent += r;
        slot = (slot + r) % slots;
    }
    const double el = now_s() - t0;
    printf("{\"sent\": %ld, \"errors\": %ld, \"seconds\": %.3f, \"rate\": %.0f}\n", sent, errors, el,
           el > 0 ? (double)sent / el : 0.0);
    free(frames);
    free(lens);
    return 0;
}
