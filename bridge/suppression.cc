#include "bridge/suppression.h"

#include <cerrno>
#include <cstdio>
#include <optional>

#include "bridge/log.h"
#include "bridge/subprocess.h"

namespace mcs::bridge {

namespace {

bool quotable(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name)
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    return true;
}

Status runNft(std::string_view script, const std::string& what) {
    auto nft = findNft();
    if (!nft) return fail(nft.error());
    auto r = runProcess(*nft, {"nft", "-f", "-"}, script);
    if (!r) return fail(Error::fromErrno(r.error().code, what + ": " + r.error().str()));
    if (!r->ok()) {
        std::string text = r->err.empty() ? r->out : r->err;
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        Error e = Error::fromErrno(EIO, what, text);
        e.text = "nft exited with status " + std::to_string(r->exitCode);
        return fail(std::move(e));
    }
    return okStatus();
}

}  // namespace

std::string_view to_string(SuppressionMatch m) {
    return m == SuppressionMatch::BridgeName ? "bridge-name" : "port-names";
}

std::string suppressionTableName(std::string_view bridgeName) {
    std::string t = "mcsnoopd_";
    for (char c : bridgeName) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) {
            t += c;
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "_%02x", u);
            t += hex;
        }
    }
    return t;
}

Result<std::string, Error> suppressionRuleset(std::string_view bridgeName, const std::vector<std::string>& ports,
                                              SuppressionMatch match, std::optional<MacAddr> quietMac) {
    if (!quotable(bridgeName))
        return fail(Error::fromErrno(EINVAL, "suppression: bridge name '" + std::string(bridgeName) +
                                                 "' cannot be quoted for nft"));
    for (const auto& p : ports)
        if (!quotable(p))
            return fail(Error::fromErrno(EINVAL, "suppression: port name '" + p + "' cannot be quoted for nft"));
    const std::string table = suppressionTableName(bridgeName);
    const std::string br(bridgeName);
    std::string s;
    s += "# mcsnoopd: stop bridge '" + br + "' from learning MDB entries (reports/leaves dropped\n";
    s += "# before br_multicast_rcv; the agent's packet sockets still see them).\n";
    s += "table bridge " + table + "\n";
    s += "delete table bridge " + table + "\n";
    s += "table bridge " + table + " {\n";
    std::string sel;
    if (match == SuppressionMatch::BridgeName) {
        sel = "meta ibrname \"" + br + "\"";
    } else {
        s += "\tset ports {\n\t\ttype ifname\n";
        if (!ports.empty()) {
            s += "\t\telements = { ";
            for (size_t i = 0; i < ports.size(); ++i) s += (i ? ", \"" : "\"") + ports[i] + "\"";
            s += " }\n";
        }
        s += "\t}\n";
        sel = "iifname @ports";
    }
    s += "\tchain prerouting {\n";
    s += "\t\ttype filter hook prerouting priority -300; policy accept;\n";
    // `meta protocol` and not nft's implicit `ether type` dependency: for a VLAN-tagged
    // frame the kernel has already moved the tag out of the data, but nft rebuilds it
    // for link-header loads, so `ether type` reads 0x8100 and tagged reports would
    // slip through to the kernel's snooping (seen on 6.1 in the VM lane).
    // RFC 1112 v1 report 0x12, RFC 2236 v2 report 0x16 / leave 0x17, RFC 3376 v3 report 0x22.
    s += "\t\tmeta protocol ip " + sel +
         " igmp type { membership-report-v1, membership-report-v2, membership-report-v3, leave-group } "
         "counter drop\n";
    // RFC 2710 report 131 / done 132, RFC 3810 v2 report 143.
    s += "\t\tmeta protocol ip6 " + sel +
         " icmpv6 type { mld-listener-report, mld-listener-done, mld2-listener-report } counter drop\n";
    s += "\t}\n";
    if (quietMac) {
        s += "\tchain output {\n";
        s += "\t\ttype filter hook output priority -300; policy accept;\n";
        s += "\t\tether saddr " + quietMac->str() + " counter drop\n";
        s += "\t}\n";
    }
    s += "}\n";
    return s;
}

Result<std::string, Error> findNft() {
    if (auto p = findExecutable("nft")) return *p;
    return fail(Error::fromErrno(ENOENT, "kernel-learning suppression",
                                 "the 'nft' program was not found in PATH, /usr/sbin or /sbin: install the nftables "
                                 "package (the kernel also needs CONFIG_NF_TABLES_BRIDGE)"));
}

Result<SuppressionMatch, Error> probeSuppressionMatch() {
    static std::optional<SuppressionMatch> cached;
    if (cached) return *cached;
    auto nft = findNft();
    if (!nft) return fail(nft.error());
    const std::string probe =
        "table bridge mcsnoopd_probe {\n\tchain p {\n\t\ttype filter hook prerouting priority -300; policy "
        "accept;\n\t\tmeta ibrname \"mcsnoopd-probe\" counter\n\t}\n}\n";
    auto r = runProcess(*nft, {"nft", "--check", "-f", "-"}, probe);
    if (!r) return fail(r.error());
    cached = r->ok() ? SuppressionMatch::BridgeName : SuppressionMatch::PortNames;
    log::netlink()->info("nft: {} (meta ibrname {})", to_string(*cached),
                         r->ok() ? "supported" : "not supported by this kernel: matching port names instead");
    return *cached;
}

Status installSuppression(std::string_view bridgeName, const std::vector<std::string>& ports,
                          std::optional<MacAddr> quietMac) {
    auto match = probeSuppressionMatch();
    if (!match) return fail(match.error());
    auto script = suppressionRuleset(bridgeName, ports, *match, quietMac);
    if (!script) return fail(script.error());
    const std::string what = "install nft table bridge " + suppressionTableName(bridgeName);
    auto st = runNft(*script, what);
    if (st)
        log::netlink()->info("bridge {}: kernel MDB learning suppressed (nft table bridge {}, by {}, {} ports)",
                             bridgeName, suppressionTableName(bridgeName), to_string(*match), ports.size());
    else
        log::netlink()->error("bridge {}: {}", bridgeName, st.error().str());
    return st;
}

Status removeSuppression(std::string_view bridgeName) {
    const std::string table = suppressionTableName(bridgeName);
    // Declaring the table first makes the delete succeed whether or not it existed.
    auto st = runNft("table bridge " + table + "\ndelete table bridge " + table + "\n",
                     "remove nft table bridge " + table);
    if (st)
        log::netlink()->info("bridge {}: kernel MDB learning no longer suppressed (nft table bridge {} removed)",
                             bridgeName, table);
    else
        log::netlink()->error("bridge {}: {}", bridgeName, st.error().str());
    return st;
}

Result<bool, Error> suppressionInstalled(std::string_view bridgeName) {
    auto nft = findNft();
    if (!nft) return fail(nft.error());
    auto r = runProcess(*nft, {"nft", "list", "table", "bridge", suppressionTableName(bridgeName)}, {});
    if (!r) return fail(r.error());
    return r->ok();
}

}  // namespace mcs::bridge
