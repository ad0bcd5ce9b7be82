// Kernel-learning suppression: an nftables bridge-family table per bridge that drops
// IGMP v1/v2/v3 reports, IGMPv2 leaves, and MLDv1 reports/dones and MLDv2 reports at
// prerouting priority -300, for frames entering through that bridge's ports
// (`meta ibrname`). The bridge then never learns MDB entries on its own, while our
// per-port packet sockets, which tap frames before the bridge hook (kernel-bridge.md
// §4.1), still receive every report. Queries, PIM, MRD and data are never touched: the
// kernel must keep seeing queries to believe a querier exists.
//
// Consequence for the daemon: the bridge no longer forwards those reports either, so
// the agent has to send them to router ports itself.
//
// Why we exec `nft -f -` (posix_spawn, no shell) instead of linking libnftnl/libnftables:
// neither is a chosen dependency of this project, the nft ruleset language is the
// stable interface, and the whole table is replaced in one atomic transaction.
#pragma once


#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/types.h"
#include "bridge/error.h"

namespace mcs::bridge {

// How the rules recognise frames of this bridge.
//  - BridgeName: `meta ibrname "<bridge>"`, needs nft_meta_bridge (CONFIG_NFT_BRIDGE_META);
//    follows port changes by itself.
//  - PortNames: `iifname @ports`, a set of the bridge's port names, for kernels without
//    it (this project's 6.18 test kernel is one). The daemon then calls
//    installSuppression() again whenever a port joins or leaves the bridge; until it
//    does, a new port's reports reach the kernel.
enum class SuppressionMatch : uint8_t { BridgeName, PortNames };
std::string_view to_string(SuppressionMatch m);

// "mcsnoopd_<bridge>", with every byte outside [A-Za-z0-9] written as _xx (hex), so
// names stay valid nft identifiers and distinct bridges never share a table.
std::string suppressionTableName(std::string_view bridgeName);

// The nft script that (re)creates the table: `add` + `delete` first, so it replaces a
// table left by an earlier run, then the table itself -- one atomic transaction.
// Fails for bridge or port names nft cannot quote.
// `quietMac`: frames the host sends through the bridge from this source MAC are
// dropped at bridge output (NF_BR_LOCAL_OUT), after the bridge's own snooping saw
// them in br_dev_xmit: the daemon's querier-exists keep-alive queries.
Result<std::string, Error> suppressionRuleset(std::string_view bridgeName, const std::vector<std::string>& ports,
                                              SuppressionMatch match,
                                              std::optional<MacAddr> quietMac = std::nullopt);

// Error ENOENT with an explanation if no nft binary is found.
Result<std::string, Error> findNft();

// Which match the running kernel supports: `nft --check` of a throwaway table using
// `meta ibrname` (validated by the kernel, nothing applied). Probed once per process.
Result<SuppressionMatch, Error> probeSuppressionMatch();

// Installs or replaces the bridge's table; `ports` matter only for PortNames.
Status installSuppression(std::string_view bridgeName, const std::vector<std::string>& ports,
                          std::optional<MacAddr> quietMac = std::nullopt);
// Removes the table; a missing table is fine.
Status removeSuppression(std::string_view bridgeName);
Result<bool, Error> suppressionInstalled(std::string_view bridgeName);

}  // namespace mcs::bridge
