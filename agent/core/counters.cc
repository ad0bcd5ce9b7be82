#include "agent/core/counters.h"

#include <type_traits>

namespace mcs::core {

RxKind rxKindOf(const wire::Message& m, Family ipFamily) {
    using wire::ProtoVersion;
    return std::visit(
        [&](const auto& x) -> RxKind {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, wire::Report>) {
                switch (x.version) {
                case ProtoVersion::IgmpV1: return RxKind::IgmpV1Report;
                case ProtoVersion::IgmpV2: return RxKind::IgmpV2Report;
                case ProtoVersion::IgmpV3: return RxKind::IgmpV3Report;
                case ProtoVersion::MldV1: return RxKind::MldV1Report;
                case ProtoVersion::MldV2: return RxKind::MldV2Report;
                }
                return RxKind::IgmpV3Report;
            } else if constexpr (std::is_same_v<T, wire::Leave>) {
                return wire::familyOf(x.version) == Family::V6 ? RxKind::MldDone : RxKind::IgmpLeave;
            } else if constexpr (std::is_same_v<T, wire::Query>) {
                switch (x.version) {
                case ProtoVersion::IgmpV1: return RxKind::IgmpV1Query;
                case ProtoVersion::IgmpV2: return RxKind::IgmpV2Query;
                case ProtoVersion::IgmpV3: return RxKind::IgmpV3Query;
                case ProtoVersion::MldV1: return RxKind::MldV1Query;
                case ProtoVersion::MldV2: return RxKind::MldV2Query;
                }
                return RxKind::IgmpV3Query;
            } else if constexpr (std::is_same_v<T, wire::PimHello>) {
                return ipFamily == Family::V6 ? RxKind::PimHelloV6 : RxKind::PimHelloV4;
            } else if constexpr (std::is_same_v<T, wire::MrdAdvertisement>) {
                return RxKind::MrdAdvertisement;
            } else if constexpr (std::is_same_v<T, wire::MrdSolicitation>) {
                return RxKind::MrdSolicitation;
            } else if constexpr (std::is_same_v<T, wire::MrdTermination>) {
                return RxKind::MrdTermination;
            } else {
                return RxKind::Bpdu;
            }
        },
        m);
}

}  // namespace mcs::core
