#include "agent/wire/drop_reason.h"

#include <numeric>

namespace mcs::wire {
namespace {

using enum DropReason;
// Same order as the enum (checked below), so to_string is an index.
constexpr EnumTable<DropReason, kDropReasonCount> kDropReasonNames{{
    {TruncatedEthernet, "truncated-ethernet"},
    {NotIp, "not-ip"},
    {TruncatedIpv4, "truncated-ipv4"},
    {BadIpv4Version, "bad-ipv4-version"},
    {BadIpv4HeaderLength, "bad-ipv4-header-length"},
    {BadIpv4Checksum, "bad-ipv4-checksum"},
    {BadIpv4TotalLength, "bad-ipv4-total-length"},
    {BadIpv4Options, "bad-ipv4-options"},
    {Ipv4Fragment, "ipv4-fragment"},
    {TruncatedIpv6, "truncated-ipv6"},
    {BadIpv6Version, "bad-ipv6-version"},
    {BadIpv6PayloadLength, "bad-ipv6-payload-length"},
    {BadExtensionHeader, "bad-extension-header"},
    {Ipv6Fragment, "ipv6-fragment"},
    {ExtensionChainTooLong, "extension-chain-too-long"},
    {NotMulticastControl, "not-multicast-control"},
    {TruncatedIgmp, "truncated-igmp"},
    {BadIgmpChecksum, "bad-igmp-checksum"},
    {BadQueryLength, "bad-query-length"},
    {TruncatedRecord, "truncated-record"},
    {BadGroupAddress, "bad-group-address"},
    {BadSourceAddress, "bad-source-address"},
    {UnknownIgmpType, "unknown-igmp-type"},
    {TruncatedMld, "truncated-mld"},
    {BadIcmpv6Checksum, "bad-icmpv6-checksum"},
    {BadMldLength, "bad-mld-length"},
    {MldHopLimitNot1, "mld-hop-limit-not-1"},
    {MldNoRouterAlert, "mld-no-router-alert"},
    {MldSourceNotLinkLocal, "mld-source-not-link-local"},
    {UnknownIcmpv6Type, "unknown-icmpv6-type"},
    {TruncatedPim, "truncated-pim"},
    {BadPimChecksum, "bad-pim-checksum"},
    {BadPimVersion, "bad-pim-version"},
    {NotPimHello, "not-pim-hello"},
    {BadPimDestination, "bad-pim-destination"},
    {BadPimOption, "bad-pim-option"},
    {TruncatedMrd, "truncated-mrd"},
    {BadMrdDestination, "bad-mrd-destination"},
    {BadMrdSource, "bad-mrd-source"},
    {StrictTtlNot1, "strict-ttl-not-1"},
    {StrictNoRouterAlert, "strict-no-router-alert"},
    {StrictBadQueryDestination, "strict-bad-query-destination"},
    {TruncatedBpdu, "truncated-bpdu"},
    {BadBpdu, "bad-bpdu"},
}};

constexpr bool inEnumOrder() {
    for (size_t i = 0; i < kDropReasonNames.size(); ++i)
        if (static_cast<size_t>(kDropReasonNames[i].first) != i) return false;
    return true;
}
static_assert(inEnumOrder(), "kDropReasonNames must list every DropReason in enum order");

}  // namespace

std::string_view to_string(DropReason r) {
    auto i = static_cast<size_t>(r);
    return i < kDropReasonNames.size() ? kDropReasonNames[i].second : "unknown";
}

uint64_t DropCounters::total() const { return std::accumulate(n_.begin(), n_.end(), uint64_t{0}); }

}  // namespace mcs::wire
