// Prints the generated key reference of mcsnoopd.conf(5) (the block between the
// "BEGIN KEYS" and "END KEYS" markers), so the man page can be regenerated from kKeys.
#include <cstdio>

#include "conf/keys.h"

int main() {
    const std::string roff = mcs::conf::keyReferenceRoff();
    std::fwrite(roff.data(), 1, roff.size(), stdout);
    return 0;
}
