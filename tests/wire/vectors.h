// The annotated frames every wire test starts from: each decodes successfully.
// Negative tests derive from them; the truncation sweep and the fuzz seed corpus
// (tests/fuzz/write_seeds.cc) take all of them.
#pragma once

#include <string_view>
#include <vector>

#include "tests/wire/frames.h"

namespace mcs::wire::test {

struct Vector {
    std::string_view name;
    Bytes frame;
};

const std::vector<Vector>& allVectors();
const Bytes& vec(std::string_view name);   // aborts on an unknown name

// Per-file parts of allVectors().
void addIgmpVectors(std::vector<Vector>& out);
void addMldVectors(std::vector<Vector>& out);
void addRouterVectors(std::vector<Vector>& out);   // PIM, MRD, BPDU

}  // namespace mcs::wire::test
