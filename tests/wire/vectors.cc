#include "tests/wire/vectors.h"

#include <cstdlib>

namespace mcs::wire::test {

const std::vector<Vector>& allVectors() {
    static const std::vector<Vector> all = [] {
        std::vector<Vector> v;
        addIgmpVectors(v);
        addMldVectors(v);
        addRouterVectors(v);
        return v;
    }();
    return all;
}

const Bytes& vec(std::string_view name) {
    for (const auto& v : allVectors())
        if (v.name == name) return v.frame;
    std::abort();
}

}  // namespace mcs::wire::test
