// The clock the bypass stack runs on: a caller-given function returning
// monotonic nanoseconds. No system call may sit on the data path (issue 18),
// so the caller supplies one that needs none: in the guest the TSC scaled by
// the rate the kernel publishes read-only, in host tests a host clock.
#pragma once

#include <stdint.h>

namespace bypass {

struct Clock {
  uint64_t (*read_ns)(void* context) = nullptr;
  void* context = nullptr;

  bool valid() const { return read_ns != nullptr; }
  // 0 from a clock never given a source (a BypassNet before start()).
  uint64_t now_ns() const { return read_ns != nullptr ? read_ns(context) : 0; }
};

}  // namespace bypass
