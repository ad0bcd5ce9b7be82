#include "querier/state.h"

namespace mcs::querier {

std::string_view to_string(QuerierState s) { return enumName(kQuerierStateNames, s); }
std::optional<QuerierState> querierStateFromString(std::string_view s) {
    return enumFromName(kQuerierStateNames, s);
}
std::string_view to_string(InactiveReason r) { return enumName(kInactiveReasonNames, r); }
std::optional<InactiveReason> inactiveReasonFromString(std::string_view s) {
    return enumFromName(kInactiveReasonNames, s);
}
std::string_view to_string(QueryKind k) { return enumName(kQueryKindNames, k); }
std::optional<QueryKind> queryKindFromString(std::string_view s) {
    return enumFromName(kQueryKindNames, s);
}
std::string_view to_string(QueryReason r) { return enumName(kQueryReasonNames, r); }
std::optional<QueryReason> queryReasonFromString(std::string_view s) {
    return enumFromName(kQueryReasonNames, s);
}

}  // namespace mcs::querier
