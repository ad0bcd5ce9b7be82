// A fixed-size receive buffer that is allocated but never written by us.
//
// The sockets size their buffers for the largest datagram the kernel may hand over
// (a 32 KiB netlink dump skb, a 64 KiB frame), yet what arrives is usually a few
// hundred bytes. A zero-filled std::vector makes all of it resident at open; left
// uninitialised, only the pages recvmsg() actually fills ever become resident
// (idle RSS, docs/benchmarks.md). Callers only read the bytes recvmsg() returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace mcs::bridge {

class RxBuffer {
public:
    explicit RxBuffer(size_t size) : data_(std::make_unique_for_overwrite<uint8_t[]>(size)), size_(size) {}

    uint8_t* data() { return data_.get(); }
    const uint8_t* data() const { return data_.get(); }
    size_t size() const { return size_; }

private:
    std::unique_ptr<uint8_t[]> data_;
    size_t size_;
};

}  // namespace mcs::bridge
