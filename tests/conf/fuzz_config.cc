// libFuzzer target for the config parser (scripts/fuzz-config.sh builds and runs it).
//
// Beyond "never crash, never leak": every accepted file must render to text that parses
// back to an equal Config, whose diff against the original is empty, and every VLAN and
// port must resolve. Any broken invariant aborts, so the fuzzer keeps the input.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "conf/config.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "invariant broken: %s\n%s\n", what, detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mcs::conf;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = parseConfig(text, "fuzz.conf");
    if (!r) {
        if (r.error().empty()) fail("failure without diagnostics", "");
        for (const Diagnostic& d : r.error())
            if (d.message.empty() || d.str().empty()) fail("empty diagnostic", d.str());
        return 0;
    }
    const Config& c = *r;
    for (RenderMode mode : {RenderMode::Canonical, RenderMode::Effective}) {
        const std::string rendered = render(c, mode);
        auto again = parseConfig(rendered, "rendered.conf");
        if (!again)
            fail("rendered config does not parse", rendered + "\n" + again.error().front().str());
        if (!(*again == c)) fail("rendered config parses to a different config", rendered);
        if (!diff(c, *again).empty())
            fail("diff of equal configs is not empty", to_string(diff(c, *again)));
    }
    for (const BridgeConfig& b : c.bridges) {
        (void)resolveVlan(b, mcs::VlanId{0});
        for (const VlanConfig& v : b.vlans) {
            (void)resolveVlan(b, v.id);
            for (const PortConfig& p : b.ports) (void)resolvePort(b, v.id, p.name);
        }
        for (const PortConfig& p : b.ports) (void)resolvePort(b, mcs::VlanId{0}, p.name);
    }
    (void)to_string(diff(defaultConfig(), c));
    return 0;
}
