// Aligned text tables for mcsnoopctl's human output: columns padded to their widest
// cell, like iproute2's brief output; the last column is not padded.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace mcs::ctl {

class Table {
public:
    explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    void print(std::ostream& out) const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// "254.54" (seconds with two decimals) for a timer in ms; "-" for 0 (no timer).
std::string formatTimer(uint64_t ms);

}  // namespace mcs::ctl
