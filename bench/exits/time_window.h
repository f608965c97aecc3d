// A half-open window [start_ns, end_ns) of host CLOCK_MONOTONIC time: one
// marked interval of a benchmark phase.
#pragma once

#include <cstdint>

namespace vmm::bench {

struct TimeWindow {
  uint64_t start_ns, end_ns;
};

}  // namespace vmm::bench
