// bridge_test entry point: quiet logs unless MCS_TEST_LOG=debug|trace|info.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const char* lvl = std::getenv("MCS_TEST_LOG");
    spdlog::set_level(lvl ? spdlog::level::from_str(lvl) : spdlog::level::warn);
    return RUN_ALL_TESTS();
}
