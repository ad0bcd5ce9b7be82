// String tables of the message enums (logs, D-Bus, JSON use the same names).
#include "agent/base/enum_table.h"
#include "agent/wire/message.h"

namespace mcs::wire {
namespace {

constexpr EnumTable<ProtoVersion, 5> kProtoVersionNames{{
    {ProtoVersion::IgmpV1, "igmpv1"},
    {ProtoVersion::IgmpV2, "igmpv2"},
    {ProtoVersion::IgmpV3, "igmpv3"},
    {ProtoVersion::MldV1, "mldv1"},
    {ProtoVersion::MldV2, "mldv2"},
}};

constexpr EnumTable<RecordType, 6> kRecordTypeNames{{
    {RecordType::IsInclude, "IS_IN"},
    {RecordType::IsExclude, "IS_EX"},
    {RecordType::ToInclude, "TO_IN"},
    {RecordType::ToExclude, "TO_EX"},
    {RecordType::AllowNewSources, "ALLOW"},
    {RecordType::BlockOldSources, "BLOCK"},
}};

constexpr EnumTable<BpduKind, 3> kBpduKindNames{{
    {BpduKind::Config, "config"},
    {BpduKind::Tcn, "tcn"},
    {BpduKind::Rst, "rst"},
}};

}  // namespace

std::string_view to_string(ProtoVersion v) { return enumName(kProtoVersionNames, v); }
std::string_view to_string(RecordType t) { return enumName(kRecordTypeNames, t); }
std::string_view to_string(BpduKind k) { return enumName(kBpduKindNames, k); }

}  // namespace mcs::wire
