// Replays every tests/core/timelines/*.tl script (format: timeline.h).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/core/timeline.h"
#include "tests/core/core_test_util.h"

namespace mcs::core::test {
namespace {

std::vector<std::string> timelineFiles() {
    std::vector<std::string> v;
    for (const auto& e : std::filesystem::directory_iterator(MCS_TIMELINE_DIR))
        if (e.path().extension() == ".tl") v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
}

class Timeline : public ::testing::TestWithParam<std::string> {};

TEST_P(Timeline, Replays) {
    std::ifstream in(std::filesystem::path(MCS_TIMELINE_DIR) / GetParam());
    std::stringstream text;
    text << in.rdbuf();
    for (const auto& f : runTimeline(text.str())) ADD_FAILURE() << GetParam() << ":" << f.line << ": " << f.message;
}

TEST(TimelineHarness, ReportsErrorsWithLineNumbers) {
    const auto f = runTimeline("port p1 1\nat 1s frobnicate\nat 0s tick\nat 2s expect-mdb\nvid 1\nend\n");
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(f[0].line, 2);
    EXPECT_EQ(f[1].line, 3);
    EXPECT_EQ(f[2].line, 4);
}

INSTANTIATE_TEST_SUITE_P(Scripts, Timeline, ::testing::ValuesIn(timelineFiles()), [](const auto& i) {
    std::string n = i.param.substr(0, i.param.size() - 3);
    for (auto& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return n;
});

}  // namespace
}  // namespace mcs::core::test
