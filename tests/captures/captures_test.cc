// Frames captured from real Linux hosts, the Linux bridge querier, an STP
// bridge and pimd (tests/captures/capture.py regenerates them). Each frame has
// an `expect:` line computed independently by the capture script.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/wire/decode.h"

namespace mcs::wire {
namespace {

struct CapturedFrame {
    std::string file;
    int line = 0;
    std::string expect;
    std::vector<uint8_t> bytes;
};

std::vector<uint8_t> unhex(const std::string& s) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
    return out;
}

std::vector<CapturedFrame> loadAll() {
    std::vector<CapturedFrame> frames;
    for (const auto& entry : std::filesystem::directory_iterator(MCS_CAPTURES_DIR)) {
        if (entry.path().extension() != ".frames") continue;
        std::ifstream in(entry.path());
        std::string line, expect;
        int n = 0;
        while (std::getline(in, line)) {
            ++n;
            if (line.rfind("expect: ", 0) == 0) expect = line.substr(8);
            if (line.rfind("frame ", 0) == 0)
                frames.push_back({entry.path().filename().string(), n, expect, unhex(line.substr(6))});
        }
    }
    return frames;
}

// What the decoder made of a frame, in the capture script's vocabulary.
std::string describe(const Result<Decoded, DropReason>& r) {
    if (!r) return "drop " + std::string(to_string(r.error()));
    return std::visit(
        [](const auto& m) -> std::string {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, Report>) {
                std::string v(to_string(m.version));
                return "report " + v;
            } else if constexpr (std::is_same_v<T, Leave>) {
                return "leave " + std::string(to_string(m.version));
            } else if constexpr (std::is_same_v<T, Query>) {
                return "query";
            } else if constexpr (std::is_same_v<T, PimHello>) {
                return "pim-hello";
            } else if constexpr (std::is_same_v<T, Bpdu>) {
                return "bpdu";
            } else {
                return "mrd";
            }
        },
        r->msg);
}

TEST(Captures, EveryCapturedFrameDecodesAsExpected) {
    auto frames = loadAll();
    ASSERT_GE(frames.size(), 20u) << "run tests/captures/capture.py";
    std::set<std::string> kinds;
    for (const auto& f : frames) {
        auto r = decodeFrame(f.bytes);
        EXPECT_EQ(describe(r), f.expect) << f.file << ":" << f.line;
        kinds.insert(f.expect);
        // Strict mode must accept what real Linux stacks send (TTL 1, Router Alert,
        // general queries to 224.0.0.1 / ff02::1), except IGMPv1 reports (no RA by RFC 1112).
        if (r && f.expect != "report igmpv1") {
            auto strict = decodeFrame(f.bytes, DecodeOptions{.strict = true});
            EXPECT_TRUE(strict.ok()) << f.file << ":" << f.line << " strict: "
                                     << (strict ? "" : to_string(strict.error()));
        }
    }
    for (const char* k : {"report igmpv1", "report igmpv2", "report igmpv3", "leave igmpv2",
                          "report mldv1", "report mldv2", "leave mldv1", "query", "pim-hello",
                          "bpdu", "drop bad-igmp-checksum"})
        EXPECT_TRUE(kinds.count(k)) << "no captured frame of kind " << k;
}

TEST(Captures, ReportsCarryTheJoinedGroups) {
    for (const auto& f : loadAll()) {
        if (f.file != "igmpv3-ssm.frames" && f.file != "mldv2-ssm.frames") continue;
        auto r = decodeFrame(f.bytes);
        ASSERT_TRUE(r.ok()) << f.file << ":" << f.line;
        const auto& rep = std::get<Report>(r->msg);
        ASSERT_FALSE(rep.records.empty());
        // Source-specific joins are ALLOW / TO_IN with the one source; leaves BLOCK / TO_IN {}.
        for (const auto& rec : rep.records) {
            EXPECT_TRUE(rec.group.isMulticast());
            for (const auto& s : rec.sources) EXPECT_FALSE(s.isMulticast());
        }
    }
}

}  // namespace
}  // namespace mcs::wire
