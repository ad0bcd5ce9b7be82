// Network-namespace lab for bridge/ tests. Every test runs in a fresh network
// namespace (unshare(CLONE_NEWNET) in SetUp; the test process never returns to, or
// touches, the namespace it started in). "Hosts" are child processes in their own
// namespaces, holding the far end of a veth whose near end is a bridge port.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/base/types.h"
#include "bridge/nl_handles.h"
#include "bridge/subprocess.h"

namespace mcs::bridge::test {

// Runs argv (argv[0] looked up in PATH / sbin) in the current namespace.
ProcessResult run(const std::vector<std::string>& argv);
// run(), failing the current test (with output) on a non-zero exit.
void must(const std::vector<std::string>& argv);

// Polls pred every few ms until it holds or the deadline passes.
bool eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds deadline = std::chrono::seconds(10));

IfIndex ifindexOf(const std::string& name);

// A host: a child process sitting in a new network namespace.
class Host {
public:
    Host();
    ~Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    pid_t pid() const { return pid_; }
    // Runs argv inside the host's namespace.
    ProcessResult run(const std::vector<std::string>& argv);
    void must(const std::vector<std::string>& argv);
    // Calls f with the calling thread inside the host's namespace (sockets created in f
    // stay in it), then switches back.
    void within(const std::function<void()>& f);

private:
    pid_t pid_ = -1;
    UniqueFd ns_;
};

class LabTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // `ip link add NAME type bridge EXTRA...; ip link set NAME up`
    IfIndex addBridge(const std::string& name, const std::vector<std::string>& extra = {});
    // veth PORT <-> peer; PORT enslaved to BRIDGE and up. With a host, the peer moves
    // into it as "eth0" (IPv6 on) and comes up; without, it stays here as PEER.
    IfIndex addPort(const std::string& bridge, const std::string& port, Host* host = nullptr,
                    const std::string& peer = "");
    Host& newHost();

    std::vector<std::unique_ptr<Host>> hosts_;
};

}  // namespace mcs::bridge::test
