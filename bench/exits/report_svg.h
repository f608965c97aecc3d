// The chart `vmm-bench exits` writes beside its table: KVM's exits per call,
// split by cause, as a self-contained SVG (bench/exits/svg_writer.h).
#pragma once

#include <string>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

// A horizontal grouped, stacked bar chart: one group per call (its name on
// the left, groups on alternating bands), one bar per path in path order
// (the path's name beside it), each bar KVM's exits per call cut into
// segments by cause (bench/exits/cause_stack.h), coloured as the legend at
// the top says. The rest of KVM's count is grey "unattributed", or hatched
// "n/a" when causes could not be measured (their source was silent or not
// traced); those causes are named after the bar's total, never drawn as 0.
// The total is printed at the bar's end with two decimals, so a bar of
// length 0 still reads "0.00"; a bar without KVM's count reads "n/a". The
// x axis (ticks above and below) is linear from 0 to a rounded maximum (1
// when every value is 0). Under the axis: each cause's source.
//
// Elements for readers and tests: each bar is <g class="bar" data-call
// data-path data-total>, each segment <rect class="segment" data-cause
// data-per-call> (class "segment unmeasured" when hatched), legend entries
// <rect class="swatch" data-cause>.
std::string exits_svg_chart(const ExitsReport& report);

}  // namespace vmm::bench
