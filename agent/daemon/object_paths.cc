#include "agent/daemon/object_paths.h"

namespace mcs::daemon {

std::string escapePathLabel(std::string_view s) {
    if (s.empty()) return "_";
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            out += ch;
        } else {
            out += '_';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string unescapePathLabel(std::string_view s) {
    if (s == "_") return "";
    std::string out;
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '_' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string bridgePath(std::string_view bridge) {
    return std::string(kObjectRoot) + "/bridge/" + escapePathLabel(bridge);
}

std::string vlanPath(std::string_view bridge, VlanId vid) {
    return bridgePath(bridge) + "/vlan/" + std::to_string(vid.value);
}

}  // namespace mcs::daemon
