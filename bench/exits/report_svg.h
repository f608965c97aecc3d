// The chart `vmm-bench exits` writes beside its table: VM exits per call as
// a self-contained SVG (no scripts, fonts or style sheets to fetch), so it
// opens the same in a browser, an image viewer or a README.
#pragma once

#include <string>

#include "bench/exits/exit_results.h"

namespace vmm::bench {

// A horizontal grouped bar chart of vmm_exits_all: one group per call (its
// name on the left), one bar per path in path order (colours in the legend at
// the top), each bar's value printed at its end with two decimals, so a bar
// of length 0 still reads "0.00". The x axis is linear from 0 to a rounded
// maximum (1 when every value is 0). Bars carry class="bar"; a call measured
// on fewer paths gets "n/a" in place of the missing bar.
std::string exits_svg_chart(const ExitsReport& report);

}  // namespace vmm::bench
