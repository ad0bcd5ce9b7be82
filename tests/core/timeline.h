// Scripted timelines for the core (tests/core/timelines/*.tl): a small text format
// that drives one Snooper with a fake clock and compares stable text dumps.
//
//   # comment
//   config <setting...>                  change the config (setConfig if running)
//   port <name> <ifindex> [down] [stp=<state>]
//   at <time> <action...>                time: 0s, 1.5s, 250ms (absolute, non-decreasing);
//                                        all deadlines up to <time> run first
// Actions:
//   rx port=<p> igmpv3|mldv2 from <A> <TYPE> <G> {<S>,...} [; <TYPE> <G> {...}]...
//   rx port=<p> igmpv1|igmpv2|mldv1 report|leave|done <G> from <A>
//   rx port=<p> query igmpv1|igmpv2|igmpv3|mldv1|mldv2 from <A> [group <G>] [sources {..}]
//            [mrt=<time>] [qrv=<n>] [qqi=<sec>] [s]
//   rx port=<p> pim from <A> holdtime=<sec> | mrd-adv from <A> interval=<sec>
//   rx port=<p> mrd-term from <A> | bpdu tc
//   tick | tcn | querier ipv4|ipv6 on|off | own-general-query ipv4|ipv6
//   port-down|port-up|port-remove <p> | port-add <p> <ifindex> | stp <p> <state>
//   config <setting...>
//   expect-verdict forward [<p>...] | kernel-flood | drop <cause>   (of the last rx)
//   expect-mdb [srclist|sg|asm]   expect-out   expect-events   expect-ports
//   expect-mrouters ipv4|ipv6   expect-group <G>
//        each followed by the expected lines and a line "end"
// Settings: see applySetting() in timeline.cc.
#pragma once

#include <string>
#include <vector>

namespace mcs::core::test {

struct TimelineFailure {
    int line;
    std::string message;
};

std::vector<TimelineFailure> runTimeline(const std::string& text);

}  // namespace mcs::core::test
