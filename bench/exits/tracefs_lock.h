// tracefs has one set of settings for the whole machine: two tracing
// sessions at once (two vmm-bench runs, or a bench and the tracefs unit
// tests under `ctest -j`) would switch each other's events and clock, and
// one could unmount what the other reads. A session therefore holds this
// lock, an flock on kLockPath, for its whole life; a second process finds
// it taken and traces nothing (it says so). Within one process the lock is
// shared: a test may hold it around a session it starts.
#pragma once

#include <memory>

#include "hv/core/result.h"

namespace vmm::bench {

inline constexpr const char* kTracefsLockPath = "/run/lock/vmm-bench-tracefs.lock";

class TracefsLock {
 public:
  // Fails at once, saying who to wait for, when another process holds it.
  static Result<std::shared_ptr<TracefsLock>> take();
  ~TracefsLock();
  TracefsLock(const TracefsLock&) = delete;
  TracefsLock& operator=(const TracefsLock&) = delete;

 private:
  explicit TracefsLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace vmm::bench
