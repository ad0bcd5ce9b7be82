// Writes every annotated test vector (tests/wire/vectors*.cc) as one binary file
// into the directory given as argv[1]: the seed corpus of fuzz_frame.
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/wire/vectors.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
        return 2;
    }
    for (const auto& v : mcs::wire::test::allVectors()) {
        std::ofstream out(std::string(argv[1]) + "/" + std::string(v.name), std::ios::binary);
        out.write(reinterpret_cast<const char*>(v.frame.data()),
                  static_cast<std::streamsize>(v.frame.size()));
        if (!out) {
            std::fprintf(stderr, "cannot write %s\n", std::string(v.name).c_str());
            return 1;
        }
    }
    std::printf("%zu seeds written to %s\n", mcs::wire::test::allVectors().size(), argv[1]);
    return 0;
}
