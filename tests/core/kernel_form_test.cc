// Pure translation of port filters into kernel MDB entries (kernel_form.h).
#include "agent/core/kernel_form.h"

#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

class KernelForm : public ::testing::Test {
protected:
    std::string form(const KernelCaps& caps) {
        MdbSnapshot s;
        appendKernelForm(s, VlanId{7}, g, filters, caps);
        return dump(s);
    }
    IpAddr g = ip("239.1.1.1");
    std::vector<PortFilter> filters{
        {IfIndex{1}, FilterMode::Include, {ip("192.0.2.1"), ip("192.0.2.2")}},
        {IfIndex{2}, FilterMode::Exclude, {ip("192.0.2.9")}},
        {IfIndex{3}, FilterMode::Exclude, {}},
    };
};

TEST_F(KernelForm, WithSourceListsOneStarGPerPort) {
    EXPECT_EQ(form(KernelCaps{true, true, 31}),
              "vid 7 239.1.1.1 * port 1 include {192.0.2.1,192.0.2.2}\n"
              "vid 7 239.1.1.1 * port 2 exclude {192.0.2.9}\n"
              "vid 7 239.1.1.1 * port 3 exclude\n");
}

TEST_F(KernelForm, SourceListsLongerThanTheKernelTakesAreOverForwarded) {
    EXPECT_EQ(form(KernelCaps{true, true, 1}),
              "vid 7 239.1.1.1 * port 1 exclude\n"              // INCLUDE{2 sources} -> all
              "vid 7 239.1.1.1 * port 2 exclude {192.0.2.9}\n"
              "vid 7 239.1.1.1 * port 3 exclude\n");
}

TEST_F(KernelForm, WithoutSourceListsIncludeBecomesSGAndExcludePortsJoinThem) {
    EXPECT_EQ(form(KernelCaps{false, true, 31}),
              "vid 7 239.1.1.1 * port 2 exclude\n"              // blocked 192.0.2.9 forwarded
              "vid 7 239.1.1.1 * port 3 exclude\n"
              "vid 7 239.1.1.1 src 192.0.2.1 port 1\n"
              "vid 7 239.1.1.1 src 192.0.2.1 port 2\n"
              "vid 7 239.1.1.1 src 192.0.2.1 port 3\n"
              "vid 7 239.1.1.1 src 192.0.2.2 port 1\n"
              "vid 7 239.1.1.1 src 192.0.2.2 port 2\n"
              "vid 7 239.1.1.1 src 192.0.2.2 port 3\n");
}

TEST_F(KernelForm, IncludeOnlyGroupNeedsNoReplication) {
    filters.resize(1);
    EXPECT_EQ(form(KernelCaps{false, true, 31}),
              "vid 7 239.1.1.1 src 192.0.2.1 port 1\n"
              "vid 7 239.1.1.1 src 192.0.2.2 port 1\n");
}

TEST_F(KernelForm, PlainAsmKernelGetsStarGExcludeEverywhere) {
    EXPECT_EQ(form(KernelCaps{false, false, 31}),
              "vid 7 239.1.1.1 * port 1 exclude\n"
              "vid 7 239.1.1.1 * port 2 exclude\n"
              "vid 7 239.1.1.1 * port 3 exclude\n");
}

TEST_F(KernelForm, ReplacesOnlyItsOwnGroup) {
    MdbSnapshot s;
    appendKernelForm(s, VlanId{7}, ip("239.1.1.0"), filters, KernelCaps{});
    appendKernelForm(s, VlanId{7}, ip("239.1.1.2"), filters, KernelCaps{});
    appendKernelForm(s, VlanId{7}, g, filters, KernelCaps{});
    EXPECT_EQ(s.size(), 9u);
    EXPECT_EQ(s.begin()->first.group, ip("239.1.1.0"));
}

}  // namespace
}  // namespace mcs::core::test
