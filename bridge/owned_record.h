// The set of MDB keys we installed on one bridge, kept in a file under the runtime
// directory (e.g. /run/mcsnoopd/owned-br0.mdb). On kernels that cannot tag entries with
// our protocol (MDBE_ATTR_RTPROT, 6.3+), this is how a restarted daemon tells its own
// permanent entries from an administrator's.
//
// Text format, one entry a line, so an operator can read it:
//   # mcsnoopd owned MDB entries v1
//   <vid> <group> <source|*> <port ifindex>
// Saved atomically: written to a temporary file in the same directory, fsync'd and
// renamed over the old one, so a crash leaves either the old or the new set.
#pragma once

#include <filesystem>
#include <functional>
#include <set>
#include <string_view>

#include "agent/base/mdb.h"
#include "bridge/error.h"

namespace mcs::bridge {

class OwnedRecord {
public:
    // A file read back never yields more keys than this (a damaged or hostile file
    // must not make us allocate without bound); extra lines are counted and ignored.
    static constexpr size_t kMaxEntries = 1u << 20;

    explicit OwnedRecord(std::filesystem::path file) : path_(std::move(file)) {}
    // <runtimeDir>/owned-<bridge>.mdb
    static std::filesystem::path pathFor(const std::filesystem::path& runtimeDir, std::string_view bridgeName);

    const std::filesystem::path& path() const { return path_; }

    struct Loaded {
        std::set<MdbKey> keys;
        size_t badLines = 0;    // unparsable lines, skipped
        size_t dropped = 0;     // beyond kMaxEntries
    };
    // A missing file is an empty set, not an error.
    Result<Loaded, Error> load() const;
    // Creates the directory if needed.
    Status save(const std::set<MdbKey>& keys) const;
    // The same for keys held in another container (no set of them needed): `each`
    // calls its argument once per key, in the order the file is to list them.
    using KeyFn = std::function<void(const MdbKey&)>;
    Status save(const std::function<void(const KeyFn&)>& each) const;
    // Deletes the file; missing is fine.
    Status remove() const;

private:
    std::filesystem::path path_;
};

}  // namespace mcs::bridge
