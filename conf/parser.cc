// TOML text -> Config. Every check reports and carries on, so one run lists every
// problem; a value that fails a check is left unset.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

#include "conf/config.h"
#include "conf/defaults.h"
#include "conf/enums.h"
#include "conf/keys.h"
#include "conf/text.h"
#include "conf/toml_include.h"

namespace mcs::conf {

#if defined(MCS_TOML_COMPILED_IN) && MCS_TOML_COMPILED_IN
void tomlAssertFailed(const char* expr, const char* file, int line) {
    static std::set<std::string> seen;
    if (seen.insert(cat(file, ":", line)).second)
        std::fprintf(
            stderr, "%s:%d: toml++ debug assertion '%s' failed; going on as a release build does\n",
            file, line, expr);
}
#endif

namespace {

// The file is local and trusted, but a stray multi-gigabyte file must not be read whole.
constexpr size_t kMaxConfigBytes = 4u << 20;
constexpr size_t kIfNameMax = 15;  // IFNAMSIZ - 1

using Region = toml::source_region;

std::string_view typeName(toml::node_type t) {
    switch (t) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

// Linux dev_valid_name(): 1..15 bytes, not "." or "..", no '/', ':' or whitespace.
bool validIfName(std::string_view n) {
    if (n.empty() || n.size() > kIfNameMax || n == "." || n == "..") return false;
    for (char c : n) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '/' || c == ':' || u <= ' ' || u == 0x7f) return false;
    }
    return true;
}

IpAddr withLength(const IpAddr& a, unsigned length) {
    uint8_t b[16] = {};
    std::copy(a.data(), a.data() + a.size(), b);
    for (size_t i = 0; i < a.size(); ++i) {
        const unsigned bit = static_cast<unsigned>(i) * 8;
        if (bit >= length)
            b[i] = 0;
        else if (length - bit < 8)
            b[i] = static_cast<uint8_t>(b[i] & (0xff00u >> (length - bit)));
    }
    return a.isV4() ? IpAddr::v4Bytes(b) : IpAddr::v6Bytes(b);
}

std::string familyName(const IpAddr& a) { return a.isV4() ? "IPv4" : "IPv6"; }

// Multicast groups the kernel refuses as MDB entries because they are always flooded
// (RFC 4541 2.1.2): 224.0.0.0/24 and ff02::1.
bool alwaysFlooded(const IpAddr& g) {
    if (g.isV4()) return g.isLinkLocalMulticast();
    static const IpAddr allNodes = *IpAddr::parse("ff02::1");
    return g == allNodes;
}

bool unicastSource(const IpAddr& a) {
    if (a.isMulticast() || a.isUnspecified()) return false;
    return !(a.isV4() && a.v4HostOrder() == 0xffffffffu);
}

// toml++ 3.3 reaches __builtin_unreachable() when it classifies some non-ASCII code
// points as whitespace or not (e.g. U+024D where a key or value may start; upstream
// marzer/tomlplusplus #295 and #190, fixed after 3.3 by PR #305). Its comment parser
// does not classify, and every key and value of this file is ASCII anyway, so non-ASCII
// bytes are refused before toml++ sees them except inside comments. String state is
// tracked only so that a '#' inside a string does not start a comment.
std::vector<Diagnostic> nonAsciiOutsideComments(std::string_view text, const std::string& file) {
    enum class State { Normal, Comment, Basic, Literal, MultiBasic, MultiLiteral };
    State st = State::Normal;
    std::vector<Diagnostic> out;
    uint32_t line = 1;
    size_t lineStart = 0;
    uint32_t reportedLine = 0;
    auto at = [&](size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
    // A closing """ or ''' may be followed by up to two more quotes that belong to the
    // string (TOML 1.0); returns the index of the delimiter's last byte.
    auto closeMulti = [&](size_t i, char quote) {
        size_t n = 3;
        while (n < 5 && i + n < text.size() && text[i + n] == quote) ++n;
        return i + n - 1;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            lineStart = i + 1;
            if (st == State::Comment || st == State::Basic || st == State::Literal)
                st = State::Normal;
            continue;
        }
        if (static_cast<unsigned char>(c) >= 0x80) {
            if (st != State::Comment && reportedLine != line) {
                reportedLine = line;
                const auto column = static_cast<uint32_t>(i - lineStart + 1);
                out.push_back(
                    Diagnostic{SourceLoc{file, line, column},
                               "non-ASCII character outside a comment (keys and values are ASCII)",
                               {}});
            }
            continue;
        }
        switch (st) {
            case State::Normal:
                if (c == '#') {
                    st = State::Comment;
                } else if (at(i, "\"\"\"")) {
                    st = State::MultiBasic;
                    i += 2;
                } else if (at(i, "'''")) {
                    st = State::MultiLiteral;
                    i += 2;
                } else if (c == '"') {
                    st = State::Basic;
                } else if (c == '\'') {
                    st = State::Literal;
                }
                break;
            case State::Comment:
                break;
            case State::Basic:
            case State::MultiBasic:
                if (c == '\\') {
                    // An escaped quote or backslash never ends the string.
                    if (i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) ++i;
                } else if (st == State::Basic && c == '"') {
                    st = State::Normal;
                } else if (st == State::MultiBasic && at(i, "\"\"\"")) {
                    i = closeMulti(i, '"');
                    st = State::Normal;
                }
                break;
            case State::Literal:
                if (c == '\'') st = State::Normal;
                break;
            case State::MultiLiteral:
                if (at(i, "'''")) {
                    i = closeMulti(i, '\'');
                    st = State::Normal;
                }
                break;
        }
    }
    return out;
}

class Parser {
public:
    explicit Parser(std::string_view file) : file_(file) {}

    Config run(const toml::table& root);
    std::vector<Diagnostic> diags;

private:
    struct BridgeRef {
        std::string bridge;
        SourceLoc loc;
    };
    using StaticKey = std::tuple<IpAddr, std::optional<IpAddr>, std::optional<VlanId>, std::string>;

    std::string file_;
    // Per bridge: every (group, source, vlan, port) of static-groups seen so far.
    std::map<StaticKey, SourceLoc> staticSeen_;

    SourceLoc loc(const Region& r) const { return SourceLoc{file_, r.begin.line, r.begin.column}; }
    void error(const Region& r, std::string msg, std::string range = {}) {
        diags.push_back(Diagnostic{loc(r), std::move(msg), std::move(range)});
    }
    void wrongType(const toml::node& n, std::string_view name, std::string_view expected) {
        error(n.source(), cat(name, " must be ", expected, ", not ", typeName(n.type())));
    }

    void checkKeys(const toml::table& t, Table table, bool inVlan = false);

    const toml::table* asTable(const toml::node& n, std::string_view name);
    const toml::array* asTableList(const toml::node& n, std::string_view name,
                                   std::string_view header);

    std::optional<bool> getBool(const toml::table& t, Table table, std::string_view key,
                                std::string_view ctx);
    std::optional<int64_t> getInt(const toml::table& t, Table table, std::string_view key,
                                  std::string_view ctx);
    template <typename U>
    std::optional<U> getUnsigned(const toml::table& t, Table table, std::string_view key,
                                 std::string_view ctx) {
        auto v = getInt(t, table, key, ctx);
        return v ? std::optional<U>(static_cast<U>(*v)) : std::nullopt;
    }
    std::optional<Duration> getDuration(const toml::table& t, Table table, std::string_view key,
                                        std::string_view ctx);
    std::optional<std::string> getString(const toml::table& t, std::string_view key,
                                         std::string_view ctx);
    template <typename E, size_t N>
    std::optional<E> enumValue(const toml::node& n, const std::string& name,
                               const EnumTable<E, N>& names);
    template <typename E, size_t N>
    std::optional<E> getEnum(const toml::table& t, std::string_view key, std::string_view ctx,
                             const EnumTable<E, N>& names) {
        const toml::node* n = t.get(key);
        return n ? enumValue(*n, cat(ctx, key), names) : std::nullopt;
    }
    template <typename E, size_t N>
    std::optional<std::vector<E>> getEnumList(const toml::table& t, std::string_view key,
                                              std::string_view ctx, const EnumTable<E, N>& names);
    std::optional<std::vector<std::string>> getNames(const toml::table& t, std::string_view key,
                                                     std::string_view ctx);
    std::optional<IpAddr> address(const toml::node& n, const std::string& name);
    std::optional<Prefix> prefix(const toml::node& n, const std::string& name, bool multicast);
    bool ifName(const toml::node& n, const std::string& name, const std::string& value);

    GlobalConfig parseGlobal(const toml::table& t);
    LimitOverrides parseLimits(const toml::table& t, std::string_view ctx);
    void parseSettings(const toml::table& t, std::optional<VlanId> vlan, SnoopingSettings& s);
    void parseQuerier(const toml::table& t, QuerierSettings& q);
    std::optional<Filter> parseFilter(const toml::node& n);
    std::optional<MaxGroups> parseMaxGroups(const toml::node& n);
    std::vector<StaticGroup> parseStaticGroups(const toml::node& n, std::optional<VlanId> vlan);
    std::optional<BridgeConfig> parseBridge(const toml::table& t, const Limits& globalLimits);
    std::optional<VlanConfig> parseVlan(const toml::table& t);
    std::optional<PortConfig> parsePort(const toml::table& t);
    std::optional<std::string> requiredName(const toml::table& t, Table table);

    void checkTiming(const BridgeConfig& b, const toml::table& bt,
                     const std::vector<std::pair<VlanId, const toml::table*>>& vlanTables);
    void checkMrouterConflicts(const BridgeConfig& b,
                               const std::vector<const toml::table*>& portTables);
    void checkStaticFamilies(const BridgeConfig& b);
};

void Parser::checkKeys(const toml::table& t, Table table, bool inVlan) {
    for (auto&& [k, v] : t) {
        (void)v;
        if (findKey(table, k.str(), inVlan)) continue;
        std::vector<std::string_view> candidates;
        for (const KeySpec& s : kKeys)
            if (findKey(table, s.key, inVlan) == &s) candidates.push_back(s.key);
        error(k.source(), cat("unknown key ", quoted(k.str()), " in ", tableTitle(table, inVlan),
                              didYouMean(k.str(), candidates)));
    }
}

const toml::table* Parser::asTable(const toml::node& n, std::string_view name) {
    if (const toml::table* t = n.as_table()) return t;
    wrongType(n, name, "a table");
    return nullptr;
}

const toml::array* Parser::asTableList(const toml::node& n, std::string_view name,
                                       std::string_view header) {
    if (const toml::array* a = n.as_array()) return a;
    if (n.is_table() && !header.empty())
        error(n.source(), cat(name, " must be an array of tables (", header, "), not a table"));
    else
        wrongType(n, name, "an array of tables");
    return nullptr;
}

std::optional<bool> Parser::getBool(const toml::table& t, Table table, std::string_view key,
                                    std::string_view ctx) {
    (void)table;
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (const auto* b = n->as_boolean()) return b->get();
    wrongType(*n, cat(ctx, key), "a boolean (true or false)");
    return std::nullopt;
}

std::optional<int64_t> Parser::getInt(const toml::table& t, Table table, std::string_view key,
                                      std::string_view ctx) {
    const KeySpec* s = findKey(table, key);
    const toml::node* n = t.get(key);
    if (!n || !s) return std::nullopt;
    const auto* i = n->as_integer();
    if (!i) {
        wrongType(*n, cat(ctx, key), "an integer");
        return std::nullopt;
    }
    const int64_t v = i->get();
    if (v < s->min || v > s->max) {
        error(n->source(),
              cat(ctx, key, " = ", v, s->unit.empty() ? "" : " ", s->unit, " is out of range"),
              rangeText(*s));
        return std::nullopt;
    }
    return v;
}

std::optional<Duration> Parser::getDuration(const toml::table& t, Table table, std::string_view key,
                                            std::string_view ctx) {
    const KeySpec* s = findKey(table, key);
    const toml::node* n = t.get(key);
    if (!n || !s) return std::nullopt;
    std::string shown;
    bool inRange = false;
    int64_t ms = 0;
    if (const auto* i = n->as_integer()) {
        const int64_t v = i->get();
        shown = std::to_string(v);
        if (v >= s->min / 1000 - 1 && v <= s->max / 1000 + 1) {
            ms = v * 1000;
            inRange = ms >= s->min && ms <= s->max;
        }
    } else if (const auto* f = n->as_floating_point()) {
        const double v = f->get();
        shown = cat(v);
        const double msd = v * 1000.0;
        if (std::isfinite(msd) && msd > static_cast<double>(s->min) - 1 &&
            msd < static_cast<double>(s->max) + 1) {
            ms = std::llround(msd);
            inRange = ms >= s->min && ms <= s->max;
        }
    } else {
        wrongType(*n, cat(ctx, key), "a number of seconds");
        return std::nullopt;
    }
    if (!inRange) {
        error(n->source(), cat(ctx, key, " = ", shown, " s is out of range"), rangeText(*s));
        return std::nullopt;
    }
    return Duration{ms};
}

std::optional<std::string> Parser::getString(const toml::table& t, std::string_view key,
                                             std::string_view ctx) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (const auto* s = n->as_string()) return s->get();
    wrongType(*n, cat(ctx, key), "a string");
    return std::nullopt;
}

template <typename E, size_t N>
std::optional<E> Parser::enumValue(const toml::node& n, const std::string& name,
                                   const EnumTable<E, N>& names) {
    const auto* s = n.as_string();
    if (!s) {
        wrongType(n, name, "a string");
        return std::nullopt;
    }
    if (auto e = enumFromName(names, std::string_view(s->get()))) return e;
    std::vector<std::string_view> candidates;
    for (const auto& [e, text] : names) candidates.push_back(text);
    error(n.source(),
          cat(name, " ", quoted(s->get()), " is not valid", didYouMean(s->get(), candidates)),
          joinNames(names));
    return std::nullopt;
}

template <typename E, size_t N>
std::optional<std::vector<E>> Parser::getEnumList(const toml::table& t, std::string_view key,
                                                  std::string_view ctx,
                                                  const EnumTable<E, N>& names) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    const std::string name = cat(ctx, key);
    const toml::array* a = n->as_array();
    if (!a) {
        wrongType(*n, name, "an array of strings");
        return std::nullopt;
    }
    std::vector<E> out;
    bool ok = true;
    for (const toml::node& e : *a) {
        auto v = enumValue(e, name + " entry", names);
        if (!v) {
            ok = false;
        } else if (std::find(out.begin(), out.end(), *v) != out.end()) {
            error(e.source(), cat(name, " lists ", quoted(enumName(names, *v)), " twice"));
            ok = false;
        } else {
            out.push_back(*v);
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

bool Parser::ifName(const toml::node& n, const std::string& name, const std::string& value) {
    if (validIfName(value)) return true;
    if (value.empty())
        error(n.source(), cat(name, " must not be empty"));
    else
        error(n.source(), cat(name, " ", quoted(value), " is not a valid interface name (1 to ",
                              kIfNameMax, " bytes, no '/', ':' or whitespace)"));
    return false;
}

std::optional<std::vector<std::string>> Parser::getNames(const toml::table& t, std::string_view key,
                                                         std::string_view ctx) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    const std::string name = cat(ctx, key);
    const toml::array* a = n->as_array();
    if (!a) {
        wrongType(*n, name, "an array of interface names");
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const toml::node& e : *a) {
        const auto* s = e.as_string();
        if (!s) {
            wrongType(e, name + " entry", "a string");
            ok = false;
        } else if (!ifName(e, name + " entry", s->get())) {
            ok = false;
        } else if (std::find(out.begin(), out.end(), s->get()) != out.end()) {
            error(e.source(), cat(name, " lists ", quoted(s->get()), " twice"));
            ok = false;
        } else {
            out.push_back(s->get());
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<IpAddr> Parser::address(const toml::node& n, const std::string& name) {
    const auto* s = n.as_string();
    if (!s) {
        wrongType(n, name, "an IP address string");
        return std::nullopt;
    }
    auto a = IpAddr::parse(s->get());
    if (!a) error(n.source(), cat(name, " ", quoted(s->get()), " is not an IP address"));
    return a;
}

// "239.255.0.0/16", or a bare address for a single one. multicast: a group prefix inside
// 224.0.0.0/4 or ff00::/8; otherwise a source prefix that is not multicast.
std::optional<Prefix> Parser::prefix(const toml::node& n, const std::string& name, bool multicast) {
    const auto* str = n.as_string();
    if (!str) {
        wrongType(n, name, "a prefix string");
        return std::nullopt;
    }
    const std::string& text = str->get();
    const size_t slash = text.find('/');
    const auto addr = IpAddr::parse(std::string_view(text).substr(0, slash));
    if (!addr) {
        error(n.source(), cat(name, " ", quoted(text), " is not an address prefix"));
        return std::nullopt;
    }
    const unsigned maxLen = addr->isV4() ? 32 : 128;
    unsigned length = maxLen;
    if (slash != std::string::npos) {
        const std::string_view len = std::string_view(text).substr(slash + 1);
        const bool digits =
            !len.empty() && len.size() <= 3 &&
            std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; });
        length = digits ? static_cast<unsigned>(std::stoul(std::string(len))) : maxLen + 1;
        if (length > maxLen) {
            error(n.source(), cat(name, " ", quoted(text), " has an invalid prefix length"),
                  cat("0, ", maxLen));
            return std::nullopt;
        }
    }
    const IpAddr network = withLength(*addr, length);
    if (network != *addr) {
        error(n.source(), cat(name, " ", quoted(text), " has host bits set (did you mean '",
                              network.str(), "/", length, "'?)"));
        return std::nullopt;
    }
    const Prefix p{*addr, static_cast<uint8_t>(length)};
    if (multicast) {
        const unsigned minLen = addr->isV4() ? 4 : 8;
        if (length < minLen || !addr->isMulticast()) {
            error(n.source(), cat(name, " ", quoted(text), " is not a multicast prefix"),
                  "224.0.0.0/4, ff00::/8");
            return std::nullopt;
        }
    } else if (addr->isMulticast()) {
        error(n.source(), cat(name, " ", quoted(text), " is not a unicast prefix"));
        return std::nullopt;
    }
    return p;
}

std::optional<std::string> Parser::requiredName(const toml::table& t, Table table) {
    const toml::node* n = t.get("name");
    if (!n) {
        error(t.source(), cat(tableTitle(table), " has no name"));
        return std::nullopt;
    }
    auto s = getString(t, "name", "");
    if (!s || !ifName(*n, "name", *s)) return std::nullopt;
    return s;
}

GlobalConfig Parser::parseGlobal(const toml::table& t) {
    GlobalConfig g = defaultGlobal();
    g.loc = loc(t.source());
    checkKeys(t, Table::Global);
    if (auto dir = getString(t, "runtime-dir", "")) {
        if (dir->empty() || (*dir)[0] != '/' || dir->find('\0') != std::string::npos ||
            dir->size() > 255)
            error(
                t.get("runtime-dir")->source(),
                cat("runtime-dir ", quoted(*dir), " must be an absolute path (at most 255 bytes)"));
        else
            g.runtimeDir = *dir;
    }
    if (auto l = getEnum(t, "log-level", "", kLogLevelNames)) g.logLevel = *l;
    if (const toml::node* n = t.get("log")) {
        if (const toml::table* lt = asTable(*n, "log")) {
            checkKeys(*lt, Table::Log);
            for (const auto& [sub, name] : kSubsystemNames)
                if (auto l = getEnum(*lt, name, "log.", kLogLevelNames))
                    g.logLevels.emplace_back(sub, *l);
        }
    }
    if (auto b = getBool(t, Table::Global, "dbus", "")) g.dbus = *b;
    if (auto b = getBool(t, Table::Global, "strict-validation", "")) g.strictValidation = *b;
    if (const toml::node* n = t.get("limits"))
        if (const toml::table* lt = asTable(*n, "limits"))
            g.limits = applyOverrides(g.limits, parseLimits(*lt, "limits."));
    return g;
}

LimitOverrides Parser::parseLimits(const toml::table& t, std::string_view ctx) {
    checkKeys(t, Table::Limits);
    LimitOverrides o;
    o.maxGroupsPerVlan = getUnsigned<uint32_t>(t, Table::Limits, "max-groups-per-vlan", ctx);
    o.maxSourcesPerGroup = getUnsigned<uint32_t>(t, Table::Limits, "max-sources-per-group", ctx);
    o.maxHostsPerGroupPort =
        getUnsigned<uint32_t>(t, Table::Limits, "max-hosts-per-group-port", ctx);
    o.maxRecordsPerReport = getUnsigned<uint32_t>(t, Table::Limits, "max-records-per-report", ctx);
    o.reportRateLimit = getUnsigned<uint32_t>(t, Table::Limits, "report-rate-limit", ctx);
    return o;
}

void Parser::parseQuerier(const toml::table& t, QuerierSettings& q) {
    constexpr std::string_view ctx = "querier.";
    checkKeys(t, Table::Querier);
    q.enabled = getBool(t, Table::Querier, "enabled", ctx);
    if (const toml::node* n = t.get("address")) {
        if (auto a = address(*n, "querier.address")) {
            const std::string shown = quoted(a->str());
            if (a->isV6())
                error(n->source(), cat("querier.address ", shown,
                                       " is an IPv6 address; set the IPv6 source with address6"));
            else if (!a->isUnspecified() && !unicastSource(*a))
                error(n->source(), cat("querier.address ", shown,
                                       " is not a unicast address (or 0.0.0.0 for proxy mode)"));
            else
                q.address = a;
        }
    }
    if (const toml::node* n = t.get("address6")) {
        if (auto a = address(*n, "querier.address6")) {
            const std::string shown = quoted(a->str());
            if (a->isV4())
                error(n->source(), cat("querier.address6 ", shown,
                                       " is an IPv4 address; set the IPv4 source with address"));
            else if (!a->isLinkLocalUnicastV6())
                error(n->source(), cat("querier.address6 ", shown, " is not link-local"),
                      "fe80::/10");
            else
                q.address6 = a;
        }
    }
    q.interval = getDuration(t, Table::Querier, "interval", ctx);
    q.responseInterval = getDuration(t, Table::Querier, "response-interval", ctx);
    q.lastMemberInterval = getDuration(t, Table::Querier, "last-member-interval", ctx);
    q.lastMemberCount = getUnsigned<uint32_t>(t, Table::Querier, "last-member-count", ctx);
    q.robustness = getUnsigned<uint32_t>(t, Table::Querier, "robustness", ctx);
    q.startupQueryInterval = getDuration(t, Table::Querier, "startup-query-interval", ctx);
    q.startupQueryCount = getUnsigned<uint32_t>(t, Table::Querier, "startup-query-count", ctx);
}

std::optional<Filter> Parser::parseFilter(const toml::node& n) {
    const toml::table* t = asTable(n, "filter");
    if (!t) return std::nullopt;
    checkKeys(*t, Table::Filter);
    Filter f;
    f.loc = loc(t->source());
    bool ok = true;
    if (!t->get("mode")) {
        error(t->source(), "filter has no mode", joinNames(kFilterModeNames));
        ok = false;
    } else if (auto m = getEnum(*t, "mode", "filter.", kFilterModeNames)) {
        f.mode = *m;
    } else {
        ok = false;
    }
    const toml::node* groups = t->get("groups");
    if (groups) {
        const toml::array* a = groups->as_array();
        if (!a) {
            wrongType(*groups, "filter.groups", "an array of prefixes");
            return std::nullopt;
        }
        for (const toml::node& e : *a) {
            FilterEntry entry;
            if (const toml::table* et = e.as_table()) {
                checkKeys(*et, Table::FilterEntry);
                const toml::node* pn = et->get("prefix");
                if (!pn) {
                    error(et->source(), "filter entry has no prefix");
                    ok = false;
                    continue;
                }
                auto g = prefix(*pn, "filter.groups.prefix", true);
                std::optional<Prefix> src;
                const toml::node* sn = et->get("source");
                if (sn) src = prefix(*sn, "filter.groups.source", false);
                if (!g || (sn && !src)) {
                    ok = false;
                    continue;
                }
                if (src && src->family() != g->family()) {
                    error(sn->source(), cat("filter.groups.source ", quoted(src->str()), " is ",
                                            familyName(src->addr), " but prefix ", quoted(g->str()),
                                            " is ", familyName(g->addr)));
                    ok = false;
                    continue;
                }
                entry = FilterEntry{*g, src};
            } else if (e.is_string()) {
                auto g = prefix(e, "filter.groups", true);
                if (!g) {
                    ok = false;
                    continue;
                }
                entry = FilterEntry{*g, std::nullopt};
            } else {
                wrongType(e, "filter.groups entry", "a prefix string or a table");
                ok = false;
                continue;
            }
            if (std::find(f.entries.begin(), f.entries.end(), entry) != f.entries.end()) {
                error(e.source(),
                      cat("filter.groups lists ", quoted(entry.group.str()),
                          entry.source ? " with source " + quoted(entry.source->str()) : "",
                          " twice"));
                ok = false;
                continue;
            }
            f.entries.push_back(std::move(entry));
        }
    }
    if (!ok) return std::nullopt;
    if (f.mode == FilterMode::None && !f.entries.empty()) {
        error(groups->source(), "filter.groups must be empty with mode = 'none'");
        return std::nullopt;
    }
    if (f.mode != FilterMode::None && f.entries.empty()) {
        error(groups ? groups->source() : t->source(),
              cat("filter.groups must not be empty with mode = '", to_string(f.mode), "'"));
        return std::nullopt;
    }
    return f;
}

std::optional<MaxGroups> Parser::parseMaxGroups(const toml::node& n) {
    const toml::table* t = asTable(n, "max-groups");
    if (!t) return std::nullopt;
    checkKeys(*t, Table::MaxGroups);
    MaxGroups m;
    m.action = *enumFromName(kMaxGroupsActionNames, keySpec(Table::MaxGroups, "action").defText);
    bool ok = true;
    if (!t->get("limit")) {
        error(t->source(), "max-groups has no limit",
              rangeText(keySpec(Table::MaxGroups, "limit")));
        ok = false;
    } else if (auto l = getUnsigned<uint32_t>(*t, Table::MaxGroups, "limit", "max-groups.")) {
        m.limit = *l;
    } else {
        ok = false;
    }
    if (t->get("action")) {
        if (auto a = getEnum(*t, "action", "max-groups.", kMaxGroupsActionNames))
            m.action = *a;
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return m;
}

std::vector<StaticGroup> Parser::parseStaticGroups(const toml::node& n,
                                                   std::optional<VlanId> vlan) {
    std::vector<StaticGroup> out;
    const toml::array* a = asTableList(n, "static-groups", "");
    if (!a) return out;
    for (const toml::node& e : *a) {
        const toml::table* t = e.as_table();
        if (!t) {
            wrongType(e, "static-groups entry", "a table");
            continue;
        }
        checkKeys(*t, Table::StaticGroup);
        StaticGroup g;
        g.loc = loc(t->source());
        bool ok = true;
        const toml::node* gn = t->get("group");
        if (!gn) {
            error(t->source(), "static-groups entry has no group");
            ok = false;
        } else if (auto ga = address(*gn, "static-groups.group")) {
            if (!ga->isMulticast()) {
                error(gn->source(),
                      cat("static-groups.group ", quoted(ga->str()), " is not a multicast address"),
                      "224.0.0.0/4, ff00::/8");
                ok = false;
            } else if (alwaysFlooded(*ga)) {
                error(gn->source(), cat("static-groups.group ", quoted(ga->str()),
                                        " is link-local and always flooded (RFC 4541 2.1.2)"));
                ok = false;
            } else {
                g.group = *ga;
            }
        } else {
            ok = false;
        }
        if (const toml::node* sn = t->get("source")) {
            if (auto sa = address(*sn, "static-groups.source")) {
                if (!unicastSource(*sa)) {
                    error(sn->source(), cat("static-groups.source ", quoted(sa->str()),
                                            " is not a unicast address"));
                    ok = false;
                } else if (ok && sa->family() != g.group.family()) {
                    error(sn->source(),
                          cat("static-groups.source ", quoted(sa->str()), " is ", familyName(*sa),
                              " but group ", quoted(g.group.str()), " is ", familyName(g.group)));
                    ok = false;
                } else {
                    g.source = sa;
                }
            } else {
                ok = false;
            }
        }
        if (const toml::node* vn = t->get("vlan")) {
            if (vlan) {
                error(vn->source(),
                      cat("static-groups.vlan is implied by the enclosing [[bridge.vlan]] (id ",
                          vlan->value, ")"));
                ok = false;
            } else if (auto v = getUnsigned<uint16_t>(*t, Table::StaticGroup, "vlan",
                                                      "static-groups.")) {
                g.vlan = VlanId{*v};
            } else {
                ok = false;
            }
        }
        const toml::node* pn = t->get("ports");
        if (!pn) {
            error(t->source(), "static-groups entry has no ports");
            ok = false;
        } else if (auto ports = getNames(*t, "ports", "static-groups.")) {
            if (ports->empty()) {
                error(pn->source(), "static-groups.ports must not be empty");
                ok = false;
            }
            g.ports = std::move(*ports);
        } else {
            ok = false;
        }
        if (!ok) continue;

        // One MDB entry per (group, source, vlan, port): a second definition is a mistake.
        const std::optional<VlanId> where = vlan ? vlan : g.vlan;
        const toml::array& portNodes = *pn->as_array();
        for (size_t i = 0; i < g.ports.size(); ++i) {
            const StaticKey key{g.group, g.source, where, g.ports[i]};
            const SourceLoc here = loc(portNodes[i].source());
            auto [it, inserted] = staticSeen_.emplace(key, here);
            if (inserted) continue;
            std::string what =
                g.source ? cat("(", g.source->str(), ", ", g.group.str(), ")") : g.group.str();
            if (where) what += cat(" in vlan ", where->value);
            error(portNodes[i].source(),
                  cat("port ", quoted(g.ports[i]), " is already a static member of ", what, " (at ",
                      it->second.str(), ")"));
            ok = false;
        }
        if (ok) out.push_back(std::move(g));
    }
    return out;
}

void Parser::parseSettings(const toml::table& t, std::optional<VlanId> vlan, SnoopingSettings& s) {
    s.snooping = getBool(t, Table::Bridge, "snooping", "");
    if (auto fams = getEnumList(t, "families", "", kFamilyNames)) {
        if (fams->empty()) {
            error(t.get("families")->source(),
                  "families must not be empty (set snooping = false instead)",
                  joinNames(kFamilyNames));
        } else {
            Families f{false, false};
            for (FamilyName n : *fams) (n == FamilyName::Ipv4 ? f.ipv4 : f.ipv6) = true;
            s.families = f;
        }
    }
    s.igmpVersion = getUnsigned<uint8_t>(t, Table::Bridge, "igmp-version", "");
    s.mldVersion = getUnsigned<uint8_t>(t, Table::Bridge, "mld-version", "");
    s.immediateLeave = getBool(t, Table::Bridge, "immediate-leave", "");
    s.floodUnregistered = getBool(t, Table::Bridge, "flood-unregistered", "");
    s.floodReports = getBool(t, Table::Bridge, "flood-reports", "");
    s.staticMrouterPorts = getNames(t, "static-mrouter-ports", "");
    if (const toml::node* n = t.get("static-groups")) s.staticGroups = parseStaticGroups(*n, vlan);
    if (const toml::node* n = t.get("filter")) s.filter = parseFilter(*n);
    if (const toml::node* n = t.get("max-groups")) s.maxGroups = parseMaxGroups(*n);
    if (const toml::node* n = t.get("tcn")) {
        if (const toml::table* tt = asTable(*n, "tcn")) {
            checkKeys(*tt, Table::Tcn);
            s.tcn.floodQueryCount =
                getUnsigned<uint32_t>(*tt, Table::Tcn, "flood-query-count", "tcn.");
            s.tcn.solicit = getBool(*tt, Table::Tcn, "solicit", "tcn.");
            s.tcn.solicitWhenRoot = getBool(*tt, Table::Tcn, "solicit-when-root", "tcn.");
        }
    }
    if (const toml::node* n = t.get("mrouter")) {
        if (const toml::table* mt = asTable(*n, "mrouter")) {
            checkKeys(*mt, Table::Mrouter);
            if (auto from = getEnumList(*mt, "learn-from", "mrouter.", kLearnSourceNames)) {
                MrouterLearn l{false, false, false};
                for (LearnSource src : *from) {
                    if (src == LearnSource::Query) l.query = true;
                    if (src == LearnSource::Pim) l.pim = true;
                    if (src == LearnSource::Mrd) l.mrd = true;
                }
                s.mrouter.learnFrom = l;
            }
            s.mrouter.timeout = getDuration(*mt, Table::Mrouter, "timeout", "mrouter.");
        }
    }
    if (const toml::node* n = t.get("querier"))
        if (const toml::table* qt = asTable(*n, "querier")) parseQuerier(*qt, s.querier);
    if (const toml::node* n = t.get("limits"))
        if (const toml::table* lt = asTable(*n, "limits")) s.limits = parseLimits(*lt, "limits.");
}

std::optional<VlanConfig> Parser::parseVlan(const toml::table& t) {
    checkKeys(t, Table::Vlan, true);
    VlanConfig v;
    v.loc = loc(t.source());
    if (!t.get("id")) {
        error(t.source(), "[[bridge.vlan]] has no id", rangeText(keySpec(Table::Vlan, "id")));
        return std::nullopt;
    }
    auto id = getUnsigned<uint16_t>(t, Table::Vlan, "id", "vlan ");
    if (!id) return std::nullopt;
    v.id = VlanId{*id};
    parseSettings(t, v.id, v.settings);
    return v;
}

std::optional<PortConfig> Parser::parsePort(const toml::table& t) {
    checkKeys(t, Table::Port);
    PortConfig p;
    p.loc = loc(t.source());
    auto name = requiredName(t, Table::Port);
    p.immediateLeave = getBool(t, Table::Port, "immediate-leave", "");
    p.floodReports = getBool(t, Table::Port, "flood-reports", "");
    p.floodUnregistered = getBool(t, Table::Port, "flood-unregistered", "");
    p.tcnFlood = getBool(t, Table::Port, "tcn-flood", "");
    p.mrouter = getEnum(t, "mrouter", "", kMrouterModeNames);
    if (const toml::node* n = t.get("max-groups")) p.maxGroups = parseMaxGroups(*n);
    if (const toml::node* n = t.get("filter")) p.filter = parseFilter(*n);
    p.reportRateLimit = getUnsigned<uint32_t>(t, Table::Port, "report-rate-limit", "");
    if (!name) return std::nullopt;
    p.name = *name;
    return p;
}

// Findings on the resolved values: a VLAN reports only what its bridge level does not
// already get wrong, so one mistake is reported once.
void Parser::checkTiming(const BridgeConfig& b, const toml::table& bt,
                         const std::vector<std::pair<VlanId, const toml::table*>>& vlanTables) {
    enum Problem : unsigned { ResponseTooLong = 1, Igmpv2Cap = 2, Mldv1Cap = 4 };
    constexpr int64_t kIgmpv2MaxMs = 25500;  // RFC 2236 2.2: Max Resp Time, 8 bits of 1/10 s
    constexpr int64_t kMldv1MaxMs = 65535;   // RFC 2710 3.4: Maximum Response Delay, 16 bits of ms
    auto problems = [&](const VlanPolicy& p) {
        unsigned out = 0;
        if (p.querier.responseInterval >= p.querier.interval) out |= ResponseTooLong;
        if (p.querier.enabled && p.families.ipv4 && p.igmpVersion == 2 &&
            p.querier.responseInterval.count() > kIgmpv2MaxMs)
            out |= Igmpv2Cap;
        if (p.querier.enabled && p.families.ipv6 && p.mldVersion == 1 &&
            p.querier.responseInterval.count() > kMldv1MaxMs)
            out |= Mldv1Cap;
        return out;
    };
    // The most specific place that explains the finding.
    auto where =
        [](const toml::table& scope,
           std::initializer_list<std::initializer_list<std::string_view>> paths) -> const Region& {
        for (auto path : paths) {
            const toml::node* n = &scope;
            for (std::string_view k : path) {
                const toml::table* t = n ? n->as_table() : nullptr;
                n = t ? t->get(k) : nullptr;
            }
            if (n) return n->source();
        }
        return scope.source();
    };
    auto report = [&](const VlanPolicy& p, unsigned found, const toml::table& scope) {
        const std::string resp = formatSeconds(p.querier.responseInterval.count());
        if (found & ResponseTooLong)
            error(
                where(scope,
                      {{"querier", "response-interval"}, {"querier", "interval"}, {"querier"}}),
                cat("querier.response-interval (", resp, " s) must be less than querier.interval (",
                    formatSeconds(p.querier.interval.count()), " s)"));
        if (found & Igmpv2Cap)
            error(where(scope, {{"querier", "response-interval"}, {"igmp-version"}, {"querier"}}),
                  cat("querier.response-interval (", resp,
                      " s) is more than IGMPv2 queries can carry"),
                  cat("0.1, ", formatSeconds(kIgmpv2MaxMs)));
        if (found & Mldv1Cap)
            error(where(scope, {{"querier", "response-interval"}, {"mld-version"}, {"querier"}}),
                  cat("querier.response-interval (", resp,
                      " s) is more than MLDv1 queries can carry"),
                  cat("0.1, ", formatSeconds(kMldv1MaxMs)));
    };
    const unsigned atBridge = problems(resolveVlan(b, VlanId{0}));
    report(resolveVlan(b, VlanId{0}), atBridge, bt);
    for (const auto& [id, vt] : vlanTables) {
        const VlanPolicy p = resolveVlan(b, id);
        report(p, problems(p) & ~atBridge, *vt);
    }
}

void Parser::checkMrouterConflicts(const BridgeConfig& b,
                                   const std::vector<const toml::table*>& portTables) {
    for (size_t i = 0; i < b.ports.size(); ++i) {
        const PortConfig& p = b.ports[i];
        if (p.mrouter != MrouterMode::Never) continue;
        auto listed = [&](const SnoopingSettings& s) {
            return s.staticMrouterPorts &&
                   std::find(s.staticMrouterPorts->begin(), s.staticMrouterPorts->end(), p.name) !=
                       s.staticMrouterPorts->end();
        };
        std::string in;
        if (listed(b.settings)) in = "the bridge's static-mrouter-ports";
        for (const VlanConfig& v : b.vlans)
            if (in.empty() && listed(v.settings))
                in = cat("static-mrouter-ports of vlan ", v.id.value);
        if (!in.empty())
            error(portTables[i]->get("mrouter")->source(),
                  cat("port ", quoted(p.name), " has mrouter = 'never' but is listed in ", in));
    }
}

// A static entry of a family the VLAN does not snoop could never be programmed.
void Parser::checkStaticFamilies(const BridgeConfig& b) {
    auto check = [&](const StaticGroup& g, VlanId vid) {
        const Families f = resolveVlan(b, vid).families;
        if (g.group.isV4() ? f.ipv4 : f.ipv6) return;
        diags.push_back(
            Diagnostic{g.loc,
                       cat("static-groups.group ", quoted(g.group.str()), " is ",
                           familyName(g.group), " but vlan ", vid.value, " does not snoop ",
                           g.group.isV4() ? "ipv4" : "ipv6", " (see families)"),
                       {}});
    };
    for (const StaticGroup& g : b.settings.staticGroups) check(g, g.vlan.value_or(VlanId{0}));
    for (const VlanConfig& v : b.vlans)
        for (const StaticGroup& g : v.settings.staticGroups) check(g, v.id);
}

std::optional<BridgeConfig> Parser::parseBridge(const toml::table& t, const Limits& globalLimits) {
    checkKeys(t, Table::Bridge);
    staticSeen_.clear();
    const size_t errorsBefore = diags.size();
    BridgeConfig b;
    b.loc = loc(t.source());
    b.globalLimits = globalLimits;
    auto name = requiredName(t, Table::Bridge);
    parseSettings(t, std::nullopt, b.settings);

    std::vector<std::pair<VlanId, const toml::table*>> vlanTables;
    if (const toml::node* n = t.get("vlan")) {
        if (const toml::array* a = asTableList(*n, "vlan", "[[bridge.vlan]]")) {
            for (const toml::node& e : *a) {
                const toml::table* vt = e.as_table();
                if (!vt) {
                    wrongType(e, "vlan entry", "a table");
                    continue;
                }
                auto v = parseVlan(*vt);
                if (!v) continue;
                if (const VlanConfig* first = b.findVlan(v->id)) {
                    error(vt->get("id")->source(),
                          cat("duplicate vlan ", v->id.value, " (first defined at ",
                              first->loc.str(), ")"));
                    continue;
                }
                b.vlans.push_back(std::move(*v));
                vlanTables.emplace_back(b.vlans.back().id, vt);
            }
        }
    }
    std::vector<const toml::table*> portTables;
    if (const toml::node* n = t.get("port")) {
        if (const toml::array* a = asTableList(*n, "port", "[[bridge.port]]")) {
            for (const toml::node& e : *a) {
                const toml::table* pt = e.as_table();
                if (!pt) {
                    wrongType(e, "port entry", "a table");
                    continue;
                }
                auto p = parsePort(*pt);
                if (!p) continue;
                if (const PortConfig* first = b.findPort(p->name)) {
                    error(pt->get("name")->source(),
                          cat("duplicate port ", quoted(p->name), " (first defined at ",
                              first->loc.str(), ")"));
                    continue;
                }
                b.ports.push_back(std::move(*p));
                portTables.push_back(pt);
            }
        }
    }
    // A rejected value falls back to its default, which could trip the timing checks
    // with a finding about a value the operator never wrote.
    if (diags.size() == errorsBefore) checkTiming(b, t, vlanTables);
    checkMrouterConflicts(b, portTables);
    checkStaticFamilies(b);
    if (!name) return std::nullopt;
    b.name = *name;
    return b;
}

Config Parser::run(const toml::table& root) {
    Config c = defaultConfig();
    checkKeys(root, Table::Root);
    if (const toml::node* n = root.get("global"))
        if (const toml::table* t = asTable(*n, "global")) c.global = parseGlobal(*t);

    std::map<std::string, BridgeRef> portOwner;
    if (const toml::node* n = root.get("bridge")) {
        if (const toml::array* a = asTableList(*n, "bridge", "[[bridge]]")) {
            for (const toml::node& e : *a) {
                const toml::table* bt = e.as_table();
                if (!bt) {
                    wrongType(e, "bridge entry", "a table");
                    continue;
                }
                auto b = parseBridge(*bt, c.global.limits);
                if (!b) continue;
                if (const BridgeConfig* first = c.findBridge(b->name)) {
                    error(bt->get("name")->source(),
                          cat("duplicate bridge ", quoted(b->name), " (first defined at ",
                              first->loc.str(), ")"));
                    continue;
                }
                // A port is enslaved to one bridge at a time.
                for (const PortConfig& p : b->ports) {
                    auto [it, inserted] = portOwner.emplace(p.name, BridgeRef{b->name, p.loc});
                    if (!inserted)
                        diags.push_back(Diagnostic{
                            p.loc,
                            cat("port ", quoted(p.name), " is already configured in bridge ",
                                quoted(it->second.bridge), " (at ", it->second.loc.str(), ")"),
                            {}});
                }
                c.bridges.push_back(std::move(*b));
            }
        }
    }
    return c;
}

}  // namespace

Result<Config, std::vector<Diagnostic>> parseConfig(std::string_view text,
                                                    std::string_view fileName) {
    const std::string file(fileName);
    if (text.size() > kMaxConfigBytes)
        return unexpected(std::vector<Diagnostic>{
            Diagnostic{SourceLoc{file, 0, 0}, cat("file is too large (", text.size(), " bytes)"),
                       cat("0, ", kMaxConfigBytes)}});
    if (auto bad = nonAsciiOutsideComments(text, file); !bad.empty())
        return unexpected(std::move(bad));
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(file));
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        return unexpected(std::vector<Diagnostic>{
            Diagnostic{SourceLoc{file, b.line, b.column}, std::string(e.description()), {}}});
    }
    Parser p(file);
    Config c = p.run(root);
    if (p.diags.empty()) return c;
    std::stable_sort(p.diags.begin(), p.diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
    });
    return unexpected(std::move(p.diags));
}

Result<Config, std::vector<Diagnostic>> loadConfigFile(const std::string& path) {
    auto fail = [&](std::string msg) {
        return unexpected(
            std::vector<Diagnostic>{Diagnostic{SourceLoc{path, 0, 0}, std::move(msg), {}}});
    };
    // stdio, not std::ifstream: the daemon reads its configuration at start-up, and a
    // stream would pull in libstdc++'s locale set-up for good (see agent/daemon/main.cc).
    std::FILE* in = std::fopen(path.c_str(), "rbe");
    if (!in) return fail(cat("cannot open: ", std::strerror(errno)));
    std::string text;
    char buf[65536];
    for (;;) {
        const size_t n = std::fread(buf, 1, sizeof buf, in);
        text.append(buf, n);
        if (text.size() > kMaxConfigBytes) {
            std::fclose(in);
            return fail(cat("file is too large (more than ", kMaxConfigBytes, " bytes)"));
        }
        if (n < sizeof buf) break;
    }
    const bool bad = std::ferror(in) != 0;
    const int err = errno;
    std::fclose(in);
    if (bad) return fail(cat("cannot read: ", std::strerror(err)));
    return parseConfig(text, path);
}

}  // namespace mcs::conf
