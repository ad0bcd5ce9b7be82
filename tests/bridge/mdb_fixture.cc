#include "tests/bridge/mdb_fixture.h"

#include "bridge/port_config.h"

namespace mcs::bridge::test {

BridgeMcastOptions MdbTest::bridgeOptions(IfIndex br) {
    auto s = readBridgeState(*sock_, br);
    EXPECT_TRUE(s) << s.error().str();
    return s ? s->mcast : BridgeMcastOptions{};
}

size_t MdbTest::iprouteCount() {
    auto r = run({"bridge", "-j", "mdb", "show"});
    EXPECT_TRUE(r.ok()) << r.err;
    size_t n = 0;
    for (size_t pos = r.out.find("\"grp\":"); pos != std::string::npos; pos = r.out.find("\"grp\":", pos + 1)) ++n;
    return n;
}

}  // namespace mcs::bridge::test
