// The deadlines the QEMU-side tests give their waits.
#pragma once

#include <chrono>

#include "bench/qemu/child_process.h"

namespace vmm::bench::testing {

inline Deadline in_seconds(int s) { return std::chrono::steady_clock::now() + std::chrono::seconds(s); }

}  // namespace vmm::bench::testing
