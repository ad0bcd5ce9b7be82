#include "bridge/owned_record.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

namespace mcs::bridge {

namespace {
constexpr std::string_view kHeader = "# mcsnoopd owned MDB entries v1";

// Whitespace-separated fields. Plain string_view work rather than an istringstream:
// the record is read at start-up, and a stream would pull in libstdc++'s locale set-up
// for good (see agent/daemon/main.cc).
std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    constexpr std::string_view kSpace = " \t\r\n\v\f";
    size_t i = line.find_first_not_of(kSpace);
    while (i != std::string_view::npos) {
        const size_t end = std::min(line.find_first_of(kSpace, i), line.size());
        out.push_back(line.substr(i, end - i));
        i = line.find_first_not_of(kSpace, end);
    }
    return out;
}

template <typename T>
bool number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

std::optional<MdbKey> parseLine(std::string_view line) {
    const auto f = fields(line);
    unsigned vid = 0;
    int port = 0;
    if (f.size() != 4 || !number(f[0], vid) || !number(f[3], port)) return std::nullopt;
    const std::string_view group = f[1], source = f[2];
    auto g = IpAddr::parse(group);
    if (!g || !g->isMulticast() || vid > VlanId::kMax || port <= 0) return std::nullopt;
    MdbKey k;
    k.vid = VlanId{static_cast<uint16_t>(vid)};
    k.group = *g;
    k.port = IfIndex{port};
    if (source == "*") {
        k.source = IpAddr::unspecified(g->family());
    } else {
        auto s = IpAddr::parse(source);
        if (!s || s->family() != g->family() || s->isUnspecified() || s->isMulticast()) return std::nullopt;
        k.source = *s;
    }
    return k;
}

Status writeAll(int fd, const std::string& data, const std::string& ctx) {
    size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(Error::fromErrno(errno, ctx));
        }
        off += static_cast<size_t>(n);
    }
    return okStatus();
}
}  // namespace

std::filesystem::path OwnedRecord::pathFor(const std::filesystem::path& runtimeDir, std::string_view bridgeName) {
    return runtimeDir / ("owned-" + std::string(bridgeName) + ".mdb");
}

Result<OwnedRecord::Loaded, Error> OwnedRecord::load() const {
    Loaded out;
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) {
        if (!ec) return out;
        return fail(Error::fromErrno(ec.value(), "stat " + path_.string()));
    }
    std::FILE* in = std::fopen(path_.c_str(), "re");
    if (!in) return fail(Error::fromErrno(errno, "open " + path_.string()));
    std::string line;
    char buf[256];
    for (bool more = true; more;) {
        // One line, however long (a damaged file), without its newline.
        line.clear();
        for (;;) {
            if (!std::fgets(buf, sizeof buf, in)) {
                more = false;
                break;
            }
            line += buf;
            if (!line.empty() && line.back() == '\n') {
                line.pop_back();
                break;
            }
        }
        if (line.empty() || line[0] == '#') continue;
        auto k = parseLine(line);
        if (!k) {
            ++out.badLines;
            continue;
        }
        if (out.keys.size() >= kMaxEntries) {
            ++out.dropped;
            continue;
        }
        out.keys.insert(*k);
    }
    const bool bad = std::ferror(in) != 0;
    std::fclose(in);
    if (bad) return fail(Error::fromErrno(EIO, "read " + path_.string()));
    return out;
}

Status OwnedRecord::save(const std::set<MdbKey>& keys) const {
    return save([&](const KeyFn& f) {
        for (const MdbKey& k : keys) f(k);
    });
}

Status OwnedRecord::save(const std::function<void(const KeyFn&)>& each) const {
    std::error_code ec;
    std::filesystem::create_directories(path_.parent_path(), ec);
    if (ec) return fail(Error::fromErrno(ec.value(), "create " + path_.parent_path().string()));

    const std::string tmp = path_.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fail(Error::fromErrno(errno, "create " + tmp));
    // Written in pieces: the text of a 256k-entry record is ~9 MiB, a heap peak the
    // daemon would keep (glibc holds on to freed heap pages).
    constexpr size_t kChunk = 64 * 1024;
    std::string data(kHeader);
    data += '\n';
    Status st = okStatus();
    each([&](const MdbKey& k) {
        data += std::to_string(k.vid.value);
        data += ' ';
        data += k.group.str();
        data += ' ';
        data += k.isStarG() ? std::string("*") : k.source.str();
        data += ' ';
        data += std::to_string(k.port.value);
        data += '\n';
        if (data.size() >= kChunk) {
            if (st) st = writeAll(fd, data, "write " + tmp);
            data.clear();
        }
    });
    if (st) st = writeAll(fd, data, "write " + tmp);
    if (st && ::fsync(fd) != 0) st = fail(Error::fromErrno(errno, "fsync " + tmp));
    if (::close(fd) != 0 && st) st = fail(Error::fromErrno(errno, "close " + tmp));
    if (!st) {
        ::unlink(tmp.c_str());
        return st;
    }
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return fail(Error::fromErrno(err, "rename " + tmp + " -> " + path_.string()));
    }
    return okStatus();
}

Status OwnedRecord::remove() const {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return fail(Error::fromErrno(errno, "unlink " + path_.string()));
    return okStatus();
}

}  // namespace mcs::bridge
