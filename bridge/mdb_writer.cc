#include "bridge/mdb_writer.h"

#include <linux/rtnetlink.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <map>
#include <span>
#include <utility>

#include "bridge/log.h"
#include "bridge/mdb_encode.h"
#include "bridge/mdb_message.h"
#include "bridge/mdb_reader.h"
#include "bridge/port_config.h"

namespace mcs::bridge {

namespace {

uint32_t nextPow2(uint64_t v) {
    uint64_t p = 1;
    while (p < v && p < (1ull << 31)) p <<= 1;
    return static_cast<uint32_t>(p);
}

// Headroom kept free for entries the kernel may learn between our counts.
size_t reserveOf(uint32_t hashMax) { return std::max<size_t>(64, hashMax / 16); }
// Raise hash_max once the entries would pass 3/4 of it, or eat into the headroom
// (small hash_max: the headroom alone may be most of it).
size_t thresholdOf(uint32_t hashMax) {
    const size_t capacity = hashMax > reserveOf(hashMax) ? hashMax - reserveOf(hashMax) : 0;
    return std::min(static_cast<size_t>(hashMax) * 3 / 4, capacity);
}

// Hash entries an operation can create: the entry itself, plus one (S,G) per listed
// source of a (*,G) (the kernel installs them as separate MDB entries).
size_t newHashEntries(const PlanStep& op, bool sourceLists) {
    const size_t srcs = (sourceLists && op.key->isStarG()) ? op.attrs->sources.size() : 0;
    if (op.op == MdbOp::Add) return 1 + srcs;
    if (op.op == MdbOp::Replace) return srcs;
    return 0;
}

// Names for log lines, resolved only when something is logged.
class PortNames {
public:
    const std::string& operator()(IfIndex i) {
        auto it = names_.find(i.value);
        if (it != names_.end()) return it->second;
        char buf[IF_NAMESIZE] = {};
        std::string n = if_indextoname(static_cast<unsigned>(i.value), buf) ? std::string(buf) : std::string("?");
        return names_.emplace(i.value, n + "(" + std::to_string(i.value) + ")").first->second;
    }

private:
    std::map<int, std::string> names_;
};

std::string where(const std::string& bridgeName, PortNames& ports, const MdbKey& k) {
    return "bridge " + bridgeName + " port " + ports(k.port) + " vid " + std::to_string(k.vid.value) + " group " +
           k.group.str() + " src " + (k.isStarG() ? std::string("*") : k.source.str());
}

std::string errText(int err, const std::string& extack) {
    std::string s = std::strerror(err);
    if (!extack.empty()) s += " (" + extack + ")";
    return s;
}

constexpr size_t kMaxFailureLines = 8;
constexpr auto kRefusalLogEvery = std::chrono::seconds(60);

// Per planned operation. The text of a failure lives in a side table: most operations
// succeed, and a std::string in each outcome made the table several times larger and
// cost a construction and destruction per entry for nothing.
struct Outcome {
    int error = 0;
    uint32_t text = 0;  // 1 + index into Texts; 0 = none
    bool sent = false;
};

class Texts {
public:
    uint32_t add(std::string t) {
        texts_.push_back(std::move(t));
        return static_cast<uint32_t>(texts_.size());
    }
    const std::string& operator[](uint32_t ref) const { return ref ? texts_[ref - 1] : empty_; }

private:
    std::vector<std::string> texts_;
    std::string empty_;
};

}  // namespace

Result<MdbWriter, Error> MdbWriter::open(const KernelFeatures& features, const WriterOptions& opts) {
    if (opts.rtprot < 4) return fail(Error::fromErrno(EINVAL, "MDB writer: protocol must be >= 4 (RTPROT_STATIC)"));
    auto s = NlSocket::open();
    if (!s) return fail(s.error());
    return MdbWriter(std::move(*s), features, opts);
}

void MdbWriter::adopt(IfIndex bridge, const MdbSnapshot& applied) {
    BridgeBook& b = books_[bridge.value];
    b.sg.clear();
    for (const auto& [k, a] : applied)
        if (!k.isStarG() && k.port != bridge) b.sg[{k.vid, k.group}].insert({k.source, k.port});
}

void MdbWriter::forget(IfIndex bridge) { books_.erase(bridge.value); }

ApplyResult MdbWriter::apply(IfIndex bridge, const MdbDelta& delta) {
    ApplyResult res;
    if (delta.empty()) return res;
    const auto t0 = std::chrono::steady_clock::now();
    auto lg = log::mdb();
    PortNames ports;

    auto failEverything = [&](int err, const std::string& msg) {
        for (const auto& [k, a] : delta.add) res.failed.push_back({MdbOp::Add, OpReason::Delta, k, err, msg});
        for (const auto& [k, a] : delta.change) res.failed.push_back({MdbOp::Replace, OpReason::Delta, k, err, msg});
        for (const MdbKey& k : delta.remove) res.failed.push_back({MdbOp::Remove, OpReason::Delta, k, err, msg});
    };

    auto state = readBridgeState(sock_, bridge);
    if (!state) {
        lg->error("bridge {}: cannot apply {} MDB changes: {}", bridge.value, delta.size(), state.error().str());
        failEverything(state.error().code, state.error().str());
        return res;
    }
    const std::string& bname = state->name;
    if (!state->up) {
        lg->warn("bridge {}: down, {} MDB changes not applied", bname, delta.size());
        failEverything(ENETDOWN, "bridge is down");
        return res;
    }
    if (!state->mcast.snooping) {
        lg->error("bridge {}: mcast_snooping is OFF -- the kernel floods all multicast and refuses MDB changes "
                  "({} not applied)", bname, delta.size());
        res.snoopingDisabled = true;
        failEverything(EPERM, "mcast_snooping is off on the bridge");
        return res;
    }

    // Fit the delta to what the kernel can express. Usually nothing needs fitting and the
    // delta is planned as it is, without a copy.
    enum class Fit { AsIs, NoSourceLists, TooManySources };
    auto fitOf = [&](const MdbKey& k, const MdbAttrs& a) {
        if (!k.isStarG() || k.port == bridge) return Fit::AsIs;
        const bool plain = a.mode == FilterMode::Exclude && a.sources.empty();
        if (!features_.sourceLists && !plain) return Fit::NoSourceLists;
        if (a.sources.size() > kMaxMdbSources) return Fit::TooManySources;
        return Fit::AsIs;
    };
    auto fitsAsIs = [&]() {
        if (!features_.sourceLists && !delta.change.empty()) return false;
        for (const auto& [k, a] : delta.add)
            if ((!features_.sgEntries && !k.isStarG()) || fitOf(k, a) != Fit::AsIs) return false;
        for (const auto& [k, a] : delta.change)
            if (fitOf(k, a) != Fit::AsIs) return false;
        return true;
    };
    auto fitStarG = [&](const MdbKey& k, const MdbAttrs& a) -> MdbAttrs {
        switch (fitOf(k, a)) {
        case Fit::AsIs:
            return a;
        case Fit::NoSourceLists:
            ++res.degraded;
            lg->debug("{}: kernel has no source lists, installing plain (*,G) instead of {} {} sources",
                      where(bname, ports, k), to_string(a.mode), a.sources.size());
            return {};
        case Fit::TooManySources:
            ++res.degraded;
            lg->warn("{}: {} {} sources exceed the kernel's {} per entry: installing EXCLUDE {{}} (forwards all "
                     "sources)", where(bname, ports, k), to_string(a.mode), a.sources.size(), kMaxMdbSources);
            return {};
        }
        return a;
    };
    MdbDelta norm;
    const bool asIs = fitsAsIs();
    if (!asIs) {
        norm.remove = delta.remove;
        for (const auto& [k, a] : delta.add) {
            if (!k.isStarG() && !features_.sgEntries) {
                res.failed.push_back({MdbOp::Add, OpReason::Delta, k, EOPNOTSUPP, "kernel has no (S,G) MDB entries"});
                continue;
            }
            norm.add.emplace_back(k, fitStarG(k, a));
        }
        for (const auto& [k, a] : delta.change) {
            // Without NLM_F_REPLACE support (pre-6.3) the kernel entry cannot differ from
            // what is installed: nothing to send.
            if (!features_.sourceLists) {
                ++res.succeeded;
                continue;
            }
            norm.change.emplace_back(k, fitStarG(k, a));
        }
    }
    const MdbDelta& planned = asIs ? delta : norm;

    BridgeBook& book = books_[bridge.value];
    MdbPlan mdbPlan;
    planMdbOps(planned, book.sg, mdbPlan);
    const std::vector<PlanStep>& plan = mdbPlan.steps;
    std::vector<Outcome> out(plan.size());
    Texts texts;

    // --- mcast_hash_max guard ---------------------------------------------------
    size_t newMps = 0;
    for (const PlanStep& op : plan) newMps += newHashEntries(op, features_.sourceLists);
    uint32_t hashMax = state->mcast.hashMax;
    if (newMps > 0) {
        if (!book.counted || book.estimate + newMps > thresholdOf(hashMax)) {
            auto dump = readMdb(sock_, bridge);
            if (dump) {
                book.estimate = countHashEntries(dump->entries);
                book.counted = true;
            } else {
                lg->warn("bridge {}: cannot count MDB entries ({}), assuming the worst", bname, dump.error().str());
                book.estimate = std::max<size_t>(book.estimate, hashMax / 2);
            }
        }
        const size_t need = book.estimate + newMps;
        if (need > thresholdOf(hashMax) && hashMax < opts_.hashMaxCeiling) {
            const uint32_t want = std::min<uint32_t>(opts_.hashMaxCeiling,
                                                     std::max<uint32_t>(nextPow2(need * 2), hashMax * 2));
            BridgeOptionsChange c;
            c.hashMax = want;
            if (auto st = setBridgeOptions(sock_, bridge, c)) {
                lg->warn("bridge {}: raised mcast_hash_max {} -> {} ({} entries installed, up to {} more coming)",
                         bname, hashMax, want, book.estimate, newMps);
                hashMax = want;
                res.hashMaxRaisedTo = want;
            } else {
                lg->error("bridge {}: cannot raise mcast_hash_max beyond {}: {}", bname, hashMax, st.error().str());
            }
        }
        const size_t room = hashMax > book.estimate + reserveOf(hashMax) ? hashMax - book.estimate - reserveOf(hashMax) : 0;
        if (newMps > room) {
            // Refuse the last delta adds until the rest fits: an add over the limit
            // would switch snooping off for the whole bridge.
            size_t excess = newMps - room, refused = 0;
            const uint32_t why = texts.add("would exceed mcast_hash_max " + std::to_string(hashMax) + " (ceiling " +
                                           std::to_string(opts_.hashMaxCeiling) + ")");
            for (size_t i = plan.size(); i-- > 0 && excess > 0;) {
                if (plan[i].op != MdbOp::Add || plan[i].reason != OpReason::Delta) continue;
                const size_t n = newHashEntries(plan[i], features_.sourceLists);
                out[i].error = ENOSPC;
                out[i].text = why;
                excess -= std::min(excess, n);
                newMps -= n;
                ++refused;
            }
            // The caller retries every second: say it when it starts, then once a minute.
            const bool say = !book.refusingSince || t0 - book.refusalLogged >= kRefusalLogEvery;
            if (say) book.refusalLogged = t0;
            if (!book.refusingSince) book.refusingSince = t0;
            lg->log(say ? spdlog::level::err : spdlog::level::debug,
                    "bridge {}: MDB full: {} adds refused to keep below mcast_hash_max {} ({} installed)", bname,
                    refused, hashMax, book.estimate);
            res.refused = refused;
        } else if (book.refusingSince) {
            lg->info("bridge {}: MDB has room again: {} adds fit below mcast_hash_max {} (refusing for {} s)", bname,
                     newMps, hashMax,
                     std::chrono::duration_cast<std::chrono::seconds>(t0 - *book.refusingSince).count());
            book.refusingSince.reset();
        }
        book.estimate += newMps;
    }

    // --- send in batches ----------------------------------------------------------
    // Messages are encoded back to back into one buffer that is sent as it is; when one
    // does not fit the batch any more, the ones before it go out and it starts the next.
    std::vector<uint8_t>& buf = batchBuf_;
    buf.clear();
    buf.reserve(opts_.batchBytes + 1024);
    std::vector<size_t> batchIdx;  // plan index of each message in the batch
    batchIdx.reserve(std::min(plan.size(), opts_.batchMessages));
    MdbEncoding enc;
    enc.permanent = opts_.permanent;
    if (features_.rtprot) enc.rtprot = opts_.rtprot;
    enc.sourceLists = features_.sourceLists;

    auto flush = [&](size_t bytes) {
        if (batchIdx.empty()) return;
        res.attempted += batchIdx.size();
        auto r = sock_.sendBatchInPlace(std::span<uint8_t>(buf.data(), bytes));
        if (!r) {
            const uint32_t why = texts.add(r.error().str());
            for (size_t i : batchIdx) {
                out[i].error = r.error().code;
                out[i].text = why;
            }
        } else {
            for (NlAck& a : r->errors) {
                const uint32_t pos = a.seq - r->firstSeq;
                if (pos < batchIdx.size()) {
                    out[batchIdx[pos]].error = a.error;
                    out[batchIdx[pos]].text = a.extack.empty() ? 0 : texts.add(std::move(a.extack));
                }
            }
            if (r->ackLost) {
                // Some failures may not have reached us: read the outcome back.
                res.verifiedByDump = true;
                auto dump = readMdb(sock_, bridge);
                std::set<MdbKey> present;
                if (dump)
                    for (const MdbEntry& e : dump->entries) present.insert(e.key);
                const uint32_t why = texts.add(dump ? "acknowledgement lost and entry not in the expected state"
                                                    : "acknowledgement lost: " + dump.error().str());
                for (size_t i : batchIdx) {
                    if (out[i].error) continue;
                    const bool there = present.count(*plan[i].key) > 0;
                    if (!dump || (plan[i].op == MdbOp::Remove) == there) {
                        out[i].error = EIO;
                        out[i].text = why;
                    }
                }
            }
        }
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(bytes));
        batchIdx.clear();
    };

    for (size_t i = 0; i < plan.size(); ++i) {
        if (out[i].error) continue;  // refused above
        const PlanStep& op = plan[i];
        const size_t before = buf.size();
        const size_t len = op.op == MdbOp::Remove
                               ? appendMdbDel(buf, bridge, *op.key)
                               : appendMdbAdd(buf, bridge, *op.key, *op.attrs, enc, op.op == MdbOp::Replace);
        if (!len) {
            out[i].error = EMSGSIZE;
            out[i].text = texts.add("cannot build message");
            continue;
        }
        if (!batchIdx.empty() && (batchIdx.size() >= opts_.batchMessages || before + len > opts_.batchBytes))
            flush(before);
        out[i].sent = true;
        batchIdx.push_back(i);
    }
    flush(buf.size());
    // Keep one batch's worth for the next call, not the peak of a pathological one.
    if (buf.capacity() > 2 * (opts_.batchBytes + 1024)) std::vector<uint8_t>().swap(buf);

    // --- outcomes --------------------------------------------------------------------
    bool sawE2big = false;
    size_t loud = 0;  // failures logged as warnings
    for (size_t i = 0; i < plan.size(); ++i) {
        const PlanStep& op = plan[i];
        const MdbKey& key = *op.key;
        Outcome& o = out[i];
        if (o.error == E2BIG) sawE2big = true;
        // Deleting what is not there is EINVAL (or ENODEV for a vanished port): the
        // entry is gone, which is what we wanted.
        if (op.op == MdbOp::Remove && (o.error == EINVAL || o.error == ENOENT || o.error == ENODEV)) o.error = 0;
        if (op.reason != OpReason::Delta) {
            ++res.fixups;
            if (op.reason == OpReason::Reseat && op.op == MdbOp::Add && o.error == EEXIST) o.error = 0;
            if (op.reason == OpReason::StaleStarExcl || op.op == MdbOp::Remove) {
                if (o.error) lg->debug("{}: {} {} failed: {}", where(bname, ports, key), to_string(op.reason),
                                       to_string(op.op), errText(o.error, texts[o.text]));
                continue;
            }
        }
        const bool sg = !key.isStarG() && key.port != bridge;
        if (o.error == 0) {
            if (op.reason == OpReason::Delta) ++res.succeeded;
            if (sg && op.op == MdbOp::Add) book.sg[{key.vid, key.group}].insert({key.source, key.port});
            if (sg && op.op == MdbOp::Remove) {
                auto it = book.sg.find({key.vid, key.group});
                if (it != book.sg.end()) {
                    it->second.erase({key.source, key.port});
                    if (it->second.empty()) book.sg.erase(it);
                }
            }
            if (lg->should_log(spdlog::level::trace))
                lg->trace("{}: {} ok", where(bname, ports, key), to_string(op.op));
            continue;
        }
        if (sg && op.op == MdbOp::Add) {
            auto it = book.sg.find({key.vid, key.group});
            if (it != book.sg.end()) it->second.erase({key.source, key.port});
        }
        const std::string msg = errText(o.error, texts[o.text]);
        // One line per failure up to a limit, then a count: a refused batch of
        // thousands must not flood the log. Not warnings: EEXIST on an add (the kernel
        // learned the entry itself, from a port's reports before it was in the
        // suppression table; the caller replaces it) and ENOSPC (refused by the guard
        // above, which logged the count).
        const bool quiet = (op.op == MdbOp::Add && op.reason == OpReason::Delta && o.error == EEXIST) ||
                           (!o.sent && o.error == ENOSPC);
        if (!quiet && loud++ < kMaxFailureLines)
            lg->warn("{}: {}{} failed: {}", where(bname, ports, key), to_string(op.op),
                     op.reason == OpReason::Delta ? "" : " (" + std::string(to_string(op.reason)) + ")", msg);
        else if (quiet && lg->should_log(spdlog::level::debug))
            lg->debug("{}: {} failed: {}", where(bname, ports, key), to_string(op.op), msg);
        res.failed.push_back({op.op, op.reason, key, o.error, msg});
    }

    if (loud > kMaxFailureLines)
        lg->warn("bridge {}: ... and {} more MDB operations failed", bname, loud - kMaxFailureLines);

    if (sawE2big) {
        auto again = readBridgeState(sock_, bridge);
        if (!again || !again->mcast.snooping) {
            res.snoopingDisabled = true;
            lg->critical("bridge {}: the kernel hit mcast_hash_max ({}) and TURNED MULTICAST SNOOPING OFF for the "
                         "whole bridge: all multicast is flooded until mcast_snooping is set back to 1",
                         bname, again ? again->mcast.hashMax : hashMax);
        }
        book.counted = false;
    }

    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
    const auto level = loud == 0 ? spdlog::level::debug : spdlog::level::info;
    lg->log(level, "bridge {}: applied MDB delta (+{} ~{} -{}) in {} kernel ops, {} us: {} ok, {} failed, {} degraded, "
            "{} fix-ups", bname, delta.add.size(), delta.change.size(), delta.remove.size(), res.attempted, us,
            res.succeeded, res.failed.size(), res.degraded, res.fixups);
    return res;
}

Result<size_t, Error> MdbWriter::removeAll(IfIndex bridge, const std::set<MdbKey>* record) {
    auto dump = readMdb(sock_, bridge);
    if (!dump) return fail(dump.error());
    MdbDelta d;
    for (const MdbEntry& e : dump->entries)
        if (classifyEntry(e, opts_.rtprot, record) == EntryOrigin::Ours) d.remove.push_back(e.key);
    const size_t ours = d.remove.size();
    auto lg = log::mdb();
    if (ours == 0) {
        forget(bridge);
        return ours;
    }
    if (features_.bulkDelete && features_.rtprot && !record) {
        NlMsgPtr m = buildMdbFlush(bridge, opts_.rtprot);
        if (!m) return fail(Error::fromErrno(ENOMEM, "RTM_DELMDB bulk"));
        auto st = sock_.request(m.get(), "flush MDB entries with proto " + std::to_string(opts_.rtprot) +
                                             " on bridge " + std::to_string(bridge.value));
        if (!st) return fail(st.error());
        lg->info("bridge {}: flushed our {} MDB entries (proto {})", bridge.value, ours, opts_.rtprot);
        forget(bridge);
        return ours;
    }
    ApplyResult r = apply(bridge, d);
    forget(bridge);
    if (!r.failed.empty())
        return fail(Error::fromErrno(r.failed.front().error, "remove our MDB entries on bridge " +
                                                                  std::to_string(bridge.value) + ": " +
                                                                  std::to_string(r.failed.size()) + " failed"));
    lg->info("bridge {}: removed our {} MDB entries", bridge.value, ours);
    return ours;
}

}  // namespace mcs::bridge
