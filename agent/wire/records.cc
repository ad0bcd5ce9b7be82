// IGMPv3 / MLDv2 group records: same layout, 4- or 16-byte addresses.
#include "agent/wire/bytes.h"
#include "agent/wire/layers.h"

namespace mcs::wire::detail {

Result<Report, DropReason> decodeRecords(Reader& r, Family f, uint16_t count, Report report) {
    const size_t addrLen = f == Family::V4 ? 4 : 16;
    // Never trust the count for the allocation: each record is at least a header long.
    report.records.reserve(std::min<size_t>(count, r.remaining() / (4 + addrLen)));
    for (uint16_t i = 0; i < count; ++i) {
        uint8_t type = r.u8();
        uint8_t auxWords = r.u8();
        uint16_t nSources = r.u16();
        IpAddr group = r.ip(f);
        // RFC 9776 §4.2 / C5: a record that does not fit must not be applied.
        if (!r.ok() || !r.has(nSources * addrLen + auxWords * 4u))
            return drop(DropReason::TruncatedRecord);
        // RFC 9776 §4.2.13 / RFC 9777 §5.2.13: skip unknown types, keep processing.
        if (type < static_cast<uint8_t>(RecordType::IsInclude) ||
            type > static_cast<uint8_t>(RecordType::BlockOldSources)) {
            r.skip(nSources * addrLen + auxWords * 4u);
            ++report.skippedRecords;
            continue;
        }
        if (!isReportableGroup(group)) return drop(DropReason::BadGroupAddress);
        GroupRecord rec{static_cast<RecordType>(type), group, {}};
        rec.sources.reserve(nSources);   // bounded by the has() check above
        for (uint16_t s = 0; s < nSources; ++s) {
            rec.sources.push_back(r.ip(f));
            if (!isUnicastSource(rec.sources.back())) return drop(DropReason::BadSourceAddress);
        }
        r.skip(auxWords * 4u);   // RFC 9776 §4.2.11: auxiliary data is ignored on receipt
        report.records.push_back(std::move(rec));
    }
    // Anything after the last record is additional data: checksummed, otherwise ignored.
    return report;
}

}  // namespace mcs::wire::detail
