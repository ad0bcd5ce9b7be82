// MDB programming rate: MdbWriter::apply() against a raw netlink loop of prebuilt
// RTM_NEWMDB messages, on fresh bridges in a private network namespace.
//
//   sudo build/tests/bench/mdb_rate [-r REPS] [N ...]   (default: -r 5 10000 50000)
//
// For each N, on a fresh bridge (mcast_hash_max 131072, one veth port):
//   writer  MdbWriter::apply() of N (*,G) adds (permanent, protocol 183, EXCLUDE {}),
//           then of N removals;
//   raw     the same N RTM_NEWMDB messages (bytes from buildMdbAdd, built before the
//           clock starts: that build is timed on its own), 256 per sendmsg, only the
//           last of each batch with NLM_F_ACK, waiting for that ack before the next
//           batch (errors come back by seq).
// Prints the time and the rate of each run, then the median and best rate over REPS
// runs (the machine is shared: single runs vary a lot). Needs root (unshare, `ip`).
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bridge/kernel_features.h"
#include "bridge/mdb_message.h"
#include "bridge/mdb_writer.h"
#include "bridge/nl_socket.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace mcs;

constexpr size_t kBatch = 256;

void sh(const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "mdb_rate: failed: %s\n", cmd.c_str());
        std::exit(1);
    }
}

// A fresh bridge with one veth port; returns (bridge, port) ifindexes.
std::pair<IfIndex, IfIndex> freshBridge(const std::string& br) {
    sh("ip link add " + br + " type bridge mcast_snooping 1 mcast_hash_max 131072");
    sh("ip link add " + br + "p type veth peer name " + br + "h");
    sh("ip link set " + br + "p master " + br);
    sh("ip link set " + br + "p up && ip link set " + br + "h up && ip link set " + br + " up");
    return {IfIndex{static_cast<int>(if_nametoindex(br.c_str()))},
            IfIndex{static_cast<int>(if_nametoindex((br + "p").c_str()))}};
}

void dropBridge(const std::string& br) { sh("ip link del " + br + " && ip link del " + br + "p"); }

std::vector<std::pair<MdbKey, MdbAttrs>> entries(IfIndex port, size_t n) {
    std::vector<std::pair<MdbKey, MdbAttrs>> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        MdbKey k;
        k.group = IpAddr::v4(0xef000000u + static_cast<uint32_t>(i) + 1);   // 239.0.0.1 ...
        k.source = IpAddr::unspecified(Family::V4);
        k.port = port;
        out.emplace_back(k, MdbAttrs{});
    }
    return out;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Rates of every run, by (N, what), for the summary.
std::map<std::pair<size_t, std::string>, std::vector<double>> rates;

void report(const char* what, size_t n, Clock::duration d, size_t failed) {
    const double rate = static_cast<double>(n) / seconds(d);
    rates[{n, what}].push_back(rate);
    std::printf("  %-28s %7zu in %8.1f ms  %9.0f /s%s\n", what, n, seconds(d) * 1e3, rate,
                failed ? ("  (" + std::to_string(failed) + " failed)").c_str() : "");
}

// Counts our entries (protocol 183) in the MDB of `br` (a check that the adds took).
size_t countEntries(const std::string& br) {
    std::string cmd = "bridge -d mdb show dev " + br + " | grep -c 'proto 183'";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return 0;
    size_t n = 0;
    if (std::fscanf(p, "%zu", &n) != 1) n = 0;
    pclose(p);
    return n;
}

void benchWriter(size_t n) {
    const std::string br = "ratew";
    auto [bi, pi] = freshBridge(br);
    auto sock = bridge::NlSocket::open();
    if (!sock) std::exit(1);
    auto features = bridge::probeKernelFeatures(*sock, bi);
    if (!features) {
        std::fprintf(stderr, "mdb_rate: probe: %s\n", features.error().str().c_str());
        std::exit(1);
    }
    auto writer = bridge::MdbWriter::open(*features);
    if (!writer) std::exit(1);
    MdbDelta add;
    add.add = entries(pi, n);
    auto t0 = Clock::now();
    auto res = writer->apply(bi, add);
    auto t1 = Clock::now();
    report("MdbWriter::apply add", n, t1 - t0, res.failed.size());
    if (size_t got = countEntries(br); got != n) std::printf("  !! %zu entries in the MDB\n", got);
    MdbDelta del;
    for (const auto& [k, a] : add.add) del.remove.push_back(k);
    t0 = Clock::now();
    res = writer->apply(bi, del);
    t1 = Clock::now();
    report("MdbWriter::apply remove", n, t1 - t0, res.failed.size());
    dropBridge(br);
}

void benchRaw(size_t n) {
    const std::string br = "rater";
    auto [bi, pi] = freshBridge(br);
    bridge::MdbEncoding enc;
    enc.rtprot = bridge::kMcsRtProt;
    // Prebuilt batches: messages back to back, seq numbers set, NLM_F_ACK on the last.
    std::vector<std::vector<uint8_t>> batches;
    std::vector<uint32_t> lastSeq;
    uint32_t seq = 1;
    auto es = entries(pi, n);
    const auto b0 = Clock::now();
    for (size_t i = 0; i < es.size(); i += kBatch) {
        std::vector<uint8_t> buf;
        size_t end = std::min(es.size(), i + kBatch);
        for (size_t j = i; j < end; ++j) {
            auto msg = bridge::buildMdbAdd(bi, es[j].first, es[j].second, enc, false);
            nlmsghdr* h = nlmsg_hdr(msg.get());
            h->nlmsg_seq = seq++;
            h->nlmsg_pid = 0;
            // libnl adds NLM_F_REQUEST when it sends; we send ourselves.
            h->nlmsg_flags = static_cast<uint16_t>((h->nlmsg_flags & ~NLM_F_ACK) | NLM_F_REQUEST |
                                                   (j + 1 == end ? NLM_F_ACK : 0));
            const auto* b = reinterpret_cast<const uint8_t*>(h);
            buf.insert(buf.end(), b, b + NLMSG_ALIGN(h->nlmsg_len));
        }
        batches.push_back(std::move(buf));
        lastSeq.push_back(seq - 1);
    }
    report("buildMdbAdd only (no I/O)", n, Clock::now() - b0, 0);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        std::perror("mdb_rate: netlink socket");
        std::exit(1);
    }
    int sz = 1 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    std::vector<uint8_t> rx(1 << 16);
    size_t failed = 0;
    auto t0 = Clock::now();
    for (size_t b = 0; b < batches.size(); ++b) {
        if (send(fd, batches[b].data(), batches[b].size(), 0) < 0) {
            std::perror("mdb_rate: send");
            std::exit(1);
        }
        bool acked = false;
        while (!acked) {
            ssize_t len = recv(fd, rx.data(), rx.size(), 0);
            if (len < 0) {
                std::perror("mdb_rate: recv");
                std::exit(1);
            }
            int rem = static_cast<int>(len);
            for (auto* h = reinterpret_cast<nlmsghdr*>(rx.data()); NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
                if (h->nlmsg_type != NLMSG_ERROR) continue;
                const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                if (e->error) ++failed;
                if (h->nlmsg_seq == lastSeq[b]) acked = true;
            }
        }
    }
    auto t1 = Clock::now();
    close(fd);
    report("raw batches of 256 (add)", n, t1 - t0, failed);
    if (size_t got = countEntries(br); got != n) std::printf("  !! %zu entries in the MDB\n", got);
    dropBridge(br);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<size_t> counts;
    int reps = 5;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "-r" && i + 1 < argc)
            reps = std::atoi(argv[++i]);
        else
            counts.push_back(std::strtoul(argv[i], nullptr, 10));
    }
    if (counts.empty()) counts = {10000, 50000};
    if (unshare(CLONE_NEWNET) != 0) {
        std::perror("mdb_rate: unshare(CLONE_NEWNET) (run as root)");
        return 1;
    }
    sh("ip link set lo up");
    for (int r = 0; r < reps; ++r)
        for (size_t n : counts) {
            std::printf("run %d, N = %zu (*,G) entries on one port\n", r + 1, n);
            benchWriter(n);
            benchRaw(n);
        }
    std::printf("\n%-28s %7s %12s %12s\n", "summary", "N", "median /s", "best /s");
    for (auto& [key, v] : rates) {
        std::sort(v.begin(), v.end());
        std::printf("%-28s %7zu %12.0f %12.0f\n", key.second.c_str(), key.first, v[v.size() / 2], v.back());
    }
    return 0;
}
