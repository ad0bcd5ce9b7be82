#include "bridge/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "bridge/nl_handles.h"

extern char** environ;

namespace mcs::bridge {

namespace {
constexpr size_t kMaxCapture = 1 << 20;

void drain(int fd, std::string& into, bool& open) {
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            if (into.size() < kMaxCapture) into.append(buf, static_cast<size_t>(std::min<ssize_t>(n, static_cast<ssize_t>(kMaxCapture - into.size()))));
            continue;
        }
        if (n == 0) open = false;
        if (n < 0 && errno == EINTR) continue;
        return;  // EAGAIN or EOF
    }
}
}  // namespace

std::optional<std::string> findExecutable(std::string_view name) {
    if (name.find('/') != std::string_view::npos) {
        const std::string p(name);
        return ::access(p.c_str(), X_OK) == 0 ? std::optional(p) : std::nullopt;
    }
    std::string dirs;
    if (const char* path = std::getenv("PATH")) dirs = path;
    dirs += ":/usr/sbin:/sbin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        const size_t end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty()) {
            const std::string cand = dir + "/" + std::string(name);
            if (::access(cand.c_str(), X_OK) == 0) return cand;
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return std::nullopt;
}

Result<ProcessResult, Error> runProcess(const std::string& path, const std::vector<std::string>& argv,
                                        std::string_view input, std::chrono::milliseconds timeout) {
    const std::string what = "run " + path;
    // stdin is a socketpair, not a pipe: send(MSG_NOSIGNAL) cannot raise SIGPIPE in
    // the daemon if the child exits without reading.
    int in[2], out[2], err[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) return fail(Error::fromErrno(errno, what));
    UniqueFd inParent(in[0]), inChild(in[1]);
    if (::pipe2(out, O_CLOEXEC) != 0) return fail(Error::fromErrno(errno, what));
    UniqueFd outParent(out[0]), outChild(out[1]);
    if (::pipe2(err, O_CLOEXEC) != 0) return fail(Error::fromErrno(errno, what));
    UniqueFd errParent(err[0]), errChild(err[1]);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, inChild.get(), 0);
    posix_spawn_file_actions_adddup2(&fa, outChild.get(), 1);
    posix_spawn_file_actions_adddup2(&fa, errChild.get(), 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, path.c_str(), &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return fail(Error::fromErrno(rc, what));
    inChild.reset();
    outChild.reset();
    errChild.reset();
    for (int fd : {inParent.get(), outParent.get(), errParent.get()}) ::fcntl(fd, F_SETFL, O_NONBLOCK);

    ProcessResult r;
    size_t written = 0;
    if (input.empty()) inParent.reset();
    bool outOpen = true, errOpen = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timedOut = false;
    while (outOpen || errOpen) {
        pollfd p[3];
        nfds_t n = 0;
        if (outOpen) p[n++] = {outParent.get(), POLLIN, 0};
        if (errOpen) p[n++] = {errParent.get(), POLLIN, 0};
        if (inParent.valid()) p[n++] = {inParent.get(), POLLOUT, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        const int pr = ::poll(p, n, static_cast<int>(left.count()));
        if (pr < 0 && errno != EINTR) break;
        if (outOpen) drain(outParent.get(), r.out, outOpen);
        if (errOpen) drain(errParent.get(), r.err, errOpen);
        if (inParent.valid()) {
            const ssize_t w = ::send(inParent.get(), input.data() + written, input.size() - written, MSG_NOSIGNAL);
            if (w > 0) written += static_cast<size_t>(w);
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) inParent.reset();  // EOF
        }
    }
    if (timedOut) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut) return fail(Error::fromErrno(ETIMEDOUT, what));
    if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.termSignal = WTERMSIG(status);
    return r;
}

}  // namespace mcs::bridge
