#include "tests/bridge/lab.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace mcs::bridge::test {

namespace {
std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
    return s;
}
UniqueFd currentNs() { return UniqueFd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)); }
}  // namespace

ProcessResult run(const std::vector<std::string>& argv) {
    auto path = findExecutable(argv.at(0));
    if (!path) {
        ProcessResult r;
        r.err = argv[0] + ": not found";
        return r;
    }
    auto r = runProcess(*path, argv, {}, std::chrono::seconds(30));
    if (!r) {
        ProcessResult p;
        p.err = r.error().str();
        return p;
    }
    return *r;
}

void must(const std::vector<std::string>& argv) {
    auto r = run(argv);
    ASSERT_TRUE(r.ok()) << join(argv) << " -> exit " << r.exitCode << "\n" << r.out << r.err;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

IfIndex ifindexOf(const std::string& name) { return IfIndex{static_cast<int>(if_nametoindex(name.c_str()))}; }

Host::Host() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    const pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
        // Child: die with the test, move to a new namespace, report, wait to be killed.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1);
        const char ok = ::unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
        (void)!::write(p[1], &ok, 1);
        for (;;) ::pause();
    }
    ::close(p[1]);
    char ok = 'n';
    (void)!::read(p[0], &ok, 1);
    ::close(p[0]);
    if (ok != 'y') throw std::runtime_error("host: unshare failed");
    ns_.reset(::open(("/proc/" + std::to_string(pid_) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    within([] { test::must({"ip", "link", "set", "lo", "up"}); });
}

Host::~Host() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

void Host::within(const std::function<void()>& f) {
    UniqueFd back = currentNs();
    if (::setns(ns_.get(), CLONE_NEWNET) != 0) throw std::runtime_error("setns host");
    try {
        f();
    } catch (...) {
        ::setns(back.get(), CLONE_NEWNET);
        throw;
    }
    ::setns(back.get(), CLONE_NEWNET);
}

ProcessResult Host::run(const std::vector<std::string>& argv) {
    ProcessResult r;
    within([&] { r = test::run(argv); });
    return r;
}

void Host::must(const std::vector<std::string>& argv) {
    auto r = run(argv);
    ASSERT_TRUE(r.ok()) << "[host " << pid_ << "] " << join(argv) << " -> exit " << r.exitCode << "\n" << r.out << r.err;
}

void LabTest::SetUp() {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    // A fresh namespace per test; the previous one dies with its last reference.
    ASSERT_EQ(::unshare(CLONE_NEWNET), 0) << std::strerror(errno);
    must({"ip", "link", "set", "lo", "up"});
    // No IPv6 on bridge-side interfaces: their own MLD reports would be snooped and
    // show up as kernel-learned entries. Hosts turn it back on for themselves.
    must({"sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"});
    must({"sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"});
}

void LabTest::TearDown() { hosts_.clear(); }

IfIndex LabTest::addBridge(const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> cmd{"ip", "link", "add", name, "type", "bridge"};
    cmd.insert(cmd.end(), extra.begin(), extra.end());
    must(cmd);
    must({"ip", "link", "set", name, "up"});
    return ifindexOf(name);
}

IfIndex LabTest::addPort(const std::string& bridge, const std::string& port, Host* host, const std::string& peer) {
    const std::string p = peer.empty() ? port + "p" : peer;
    must({"ip", "link", "add", port, "type", "veth", "peer", "name", p});
    must({"ip", "link", "set", port, "master", bridge});
    must({"ip", "link", "set", port, "up"});
    if (host) {
        must({"ip", "link", "set", p, "netns", std::to_string(host->pid())});
        host->must({"ip", "link", "set", p, "name", "eth0"});
        host->must({"sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=0"});
        host->must({"ip", "link", "set", "eth0", "up"});
    } else {
        must({"ip", "link", "set", p, "up"});
    }
    return ifindexOf(port);
}

Host& LabTest::newHost() {
    hosts_.push_back(std::make_unique<Host>());
    return *hosts_.back();
}

}  // namespace mcs::bridge::test
