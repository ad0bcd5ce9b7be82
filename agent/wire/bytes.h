// Bounds-checked big-endian byte reader and writer for the codecs.
// The reader never touches memory outside its span: a read past the end yields
// zeros and latches ok() == false, so a decoder checks once after a group of reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "agent/base/types.h"

namespace mcs::wire {

class Reader {
public:
    explicit Reader(std::span<const uint8_t> d) : d_(d) {}

    bool ok() const { return ok_; }
    size_t pos() const { return pos_; }
    size_t remaining() const { return d_.size() - pos_; }
    bool has(size_t n) const { return n <= remaining(); }

    uint8_t u8() { return has(1) ? d_[pos_++] : fail<uint8_t>(); }
    uint16_t u16() {
        if (!has(2)) return fail<uint16_t>();
        auto v = static_cast<uint16_t>((d_[pos_] << 8) | d_[pos_ + 1]);
        pos_ += 2;
        return v;
    }
    uint32_t u32() {
        uint32_t hi = u16();
        return (hi << 16) | u16();
    }
    uint64_t u64() {
        uint64_t hi = u32();
        return (hi << 32) | u32();
    }
    // The next n bytes, or an empty span (and !ok()) when fewer remain.
    std::span<const uint8_t> take(size_t n) {
        if (!has(n)) return fail<std::span<const uint8_t>>();
        auto s = d_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    void skip(size_t n) { take(n); }
    IpAddr ip(Family f) {
        auto b = take(f == Family::V4 ? 4 : 16);
        if (b.empty()) return IpAddr::unspecified(f);
        return f == Family::V4 ? IpAddr::v4Bytes(b.data()) : IpAddr::v6Bytes(b.data());
    }
    std::span<const uint8_t> rest() { return take(remaining()); }

private:
    template <typename T>
    T fail() {
        ok_ = false;
        pos_ = d_.size();
        return T{};
    }

    std::span<const uint8_t> d_;
    size_t pos_ = 0;
    bool ok_ = true;
};

class Writer {
public:
    explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

    size_t size() const { return out_.size(); }
    void u8(uint8_t v) { out_.push_back(v); }
    void u16(uint16_t v) {
        out_.push_back(static_cast<uint8_t>(v >> 8));
        out_.push_back(static_cast<uint8_t>(v));
    }
    void u32(uint32_t v) {
        u16(static_cast<uint16_t>(v >> 16));
        u16(static_cast<uint16_t>(v));
    }
    void u64(uint64_t v) {
        u32(static_cast<uint32_t>(v >> 32));
        u32(static_cast<uint32_t>(v));
    }
    void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void zeros(size_t n) { out_.insert(out_.end(), n, 0); }
    void mac(const MacAddr& m) { bytes(m.b); }
    // Exactly 4 or 16 bytes whatever the address family, so a caller mixing
    // families gets a wrong packet, never an overread.
    void ip(const IpAddr& a, Family f) { bytes({a.data(), f == Family::V4 ? 4u : 16u}); }
    void patch16(size_t offset, uint16_t v) {
        if (offset + 2 > out_.size()) return;
        out_[offset] = static_cast<uint8_t>(v >> 8);
        out_[offset + 1] = static_cast<uint8_t>(v);
    }

private:
    std::vector<uint8_t>& out_;
};

}  // namespace mcs::wire
