// agent/daemon/privileges.*: the capability drop, run for real in a forked child (it
// cannot be undone), and the control API's access rule against the real user and
// group databases.
#include "agent/daemon/privileges.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mcs::daemon {
namespace {

constexpr CapMask kNetAdminRaw = (CapMask{1} << CAP_NET_ADMIN) | (CapMask{1} << CAP_NET_RAW);

TEST(Privileges, Names) {
    EXPECT_EQ(capNames(0), "none");
    EXPECT_EQ(capNames(kNetAdminRaw), "cap_net_admin,cap_net_raw");
    EXPECT_EQ(capNames(CapMask{1} << CAP_CHOWN | CapMask{1} << 40), "cap_chown,cap_checkpoint_restore");
    EXPECT_EQ(capNames(CapMask{1} << 50), "cap_50");
    EXPECT_EQ(keptCapabilities(), kNetAdminRaw);
}

// What a program exec'd by the process holds: the line "CapEff:\t..." of its own status.
CapMask execedEffective() {
    FILE* f = ::popen("exec grep CapEff: /proc/self/status", "r");
    if (!f) return ~CapMask{0};
    char line[128] = {};
    const bool got = std::fgets(line, sizeof line, f) != nullptr;
    ::pclose(f);
    return got ? std::strtoull(line + 7, nullptr, 16) : ~CapMask{0};
}

TEST(Privileges, DropLeavesNetAdminAndNetRawForUsAndWhatWeRun) {
    auto before = currentCapabilities();
    ASSERT_TRUE(before) << before.error();
    if (::getuid() != 0 || (before->effective & kNetAdminRaw) != kNetAdminRaw ||
        !(before->effective & (CapMask{1} << CAP_SETPCAP)))
        GTEST_SKIP() << "needs root with CAP_SETPCAP, CAP_NET_ADMIN and CAP_NET_RAW";
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // The child reports by exit status: 0 fine, else the number of the failed check.
        auto st = dropCapabilities();
        if (!st) ::_exit(10);
        if (st->effective != kNetAdminRaw || st->permitted != kNetAdminRaw) ::_exit(11);
        if (st->inheritable != kNetAdminRaw || st->ambient != kNetAdminRaw) ::_exit(12);
        if (st->bounding != kNetAdminRaw || !st->noNewPrivs) ::_exit(13);
        // Gone: CAP_CHOWN (chown of our own file to another owner).
        char path[] = "/tmp/mcs-priv-XXXXXX";
        const int fd = ::mkstemp(path);
        if (fd < 0) ::_exit(14);
        const bool chowned = ::fchown(fd, 65534, 65534) == 0;
        ::close(fd);
        ::unlink(path);
        if (chowned) ::_exit(15);
        // Kept: CAP_NET_RAW (a packet socket).
        const int ps = ::socket(AF_PACKET, SOCK_RAW, 0);
        if (ps < 0) ::_exit(16);
        ::close(ps);
        // A program we run (as nft is) has the same two, no more.
        if (execedEffective() != kNetAdminRaw) ::_exit(17);
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "failed check " << WEXITSTATUS(status);
}

TEST(Privileges, RootMayChangeStateOthersNot) {
    EXPECT_TRUE(mayChangeState(0));
    EXPECT_FALSE(mayChangeState(54329));   // no passwd entry
    if (const passwd* nobody = ::getpwnam("nobody")) {
        EXPECT_FALSE(mayChangeState(nobody->pw_uid));
    }
    auto st = checkPrivilegedCaller(54329, "SetSnooping");
    ASSERT_TRUE(st);
    EXPECT_EQ(st->kind, ControlErrorKind::AccessDenied);
    EXPECT_EQ(to_string(st->kind), "AccessDenied");
    EXPECT_NE(st->message.find("SetSnooping"), std::string::npos);
    EXPECT_NE(st->message.find("uid 54329"), std::string::npos);
    EXPECT_FALSE(checkPrivilegedCaller(0, "Reload"));
}

TEST(Privileges, MembersOfTheOperatorGroupMayChangeState) {
    // tests/dbus (bus.py ensure_users) creates mcstestop in the group mcsnoopd.
    const passwd* op = ::getpwnam("mcstestop");
    if (!op) GTEST_SKIP() << "no user mcstestop (created by the tests/dbus run)";
    EXPECT_TRUE(mayChangeState(op->pw_uid));
    if (const passwd* user = ::getpwnam("mcstest")) {
        EXPECT_FALSE(mayChangeState(user->pw_uid));
    }
}

}  // namespace
}  // namespace mcs::daemon
