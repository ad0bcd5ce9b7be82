// gtest helpers around decodeFrame.
#pragma once

#include <gtest/gtest.h>

#include "agent/wire/decode.h"
#include "tests/wire/frames.h"

namespace mcs::wire::test {

inline Decoded decodeOk(const Bytes& frame, DecodeOptions opt = {}) {
    auto r = decodeFrame(frame, opt);
    if (!r) {
        ADD_FAILURE() << "dropped: " << to_string(r.error()) << "\n  frame: " << toHex(frame);
        return Decoded{};
    }
    return *r;
}

// The message of the expected kind; a failure (and a default value) otherwise.
template <typename M>
M msgAs(const Decoded& d) {
    if (const M* m = std::get_if<M>(&d.msg)) return *m;
    ADD_FAILURE() << "decoded message holds alternative " << d.msg.index();
    return M{};
}

template <typename M>
M decodeAs(const Bytes& frame, DecodeOptions opt = {}) {
    return msgAs<M>(decodeOk(frame, opt));
}

inline std::string dropOf(const Bytes& frame, DecodeOptions opt = {}) {
    auto r = decodeFrame(frame, opt);
    return r ? std::string("decoded") : std::string(to_string(r.error()));
}

inline constexpr DecodeOptions kStrict{true};

}  // namespace mcs::wire::test
