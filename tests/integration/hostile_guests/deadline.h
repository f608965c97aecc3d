// Every wait of the hostile guest ends: a TSC deadline, and an iteration cap
// behind it in case the TSC does not move. The guest has no calibrated clock;
// it assumes a TSC of at most 4 GHz, so on a slower one a wait lasts longer
// (2x at 2 GHz), never shorter.
#pragma once

#include <stdint.h>

#include "hw.h"

namespace hg {

class Deadline {
 public:
  static constexpr uint64_t kTicksPerMs = 4'000'000;
  static constexpr uint32_t kMaxIterations = 400'000'000;

  explicit Deadline(uint32_t ms) : end_(rdtsc() + ms * kTicksPerMs) {}

  // Call once per iteration of a polling loop; true once time is up.
  bool expired() {
    if (++iterations_ >= kMaxIterations) return true;
    cpu_relax();
    return rdtsc() >= end_;
  }

 private:
  uint64_t end_;
  uint32_t iterations_ = 0;
};

}  // namespace hg
