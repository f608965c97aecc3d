// nanosleep and clock_gettime. Every clock counts from boot (there is no
// real-time clock to start CLOCK_REALTIME from).
#include "arch/x86/include/x86.h"
#include "kernel/clock.h"
#include "mm/uaccess.h"
#include "sched/waitqueue.h"
#include "sys/syscall.h"
#include "uapi/abi.h"
#include "uapi/errno.h"

namespace {

constexpr uint64_t kNsPerSec = 1'000'000'000;

uabi::Timespec to_timespec(uint64_t ns) {
  return {static_cast<int64_t>(ns / kNsPerSec), static_cast<int64_t>(ns % kNsPerSec)};
}

}  // namespace

// nanosleep(req, rem): sleeps at least req, measured on the same clock as
// clock_gettime (so a caller never sees less than it asked for).
int64_t sys_nanosleep(const SyscallArgs& a) {
  uabi::Timespec req;
  if (get_user(&req, a.a0) < 0) return -err::kFault;
  if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= static_cast<int64_t>(kNsPerSec)) {
    return -err::kInval;
  }
  constexpr uint64_t kMaxSec = 1ull << 32;  // keeps the sum far from overflow
  uint64_t sec = static_cast<uint64_t>(req.tv_sec) < kMaxSec ? req.tv_sec : kMaxSec;
  uint64_t target = clock_ns() + sec * kNsPerSec + static_cast<uint64_t>(req.tv_nsec);
  for (uint64_t now = clock_ns(); now < target; now = clock_ns()) {
    uint64_t deadline = x86::rdtsc() + clock_ns_to_tsc(target - now) + 1;
    if (sleep_until(deadline) == WaitResult::kInterrupted) {
      uint64_t left = target - now;  // at most this much is left
      if (a.a1) put_user(a.a1, to_timespec(left));
      return -err::kIntr;
    }
  }
  return 0;
}

// clock_gettime(clock, tp)
int64_t sys_clock_gettime(const SyscallArgs& a) {
  switch (static_cast<int>(a.a0)) {
    case uabi::kClockRealtime:
    case uabi::kClockMonotonic:
    case uabi::kClockMonotonicRaw:
    case uabi::kClockBoottime:
      break;
    default:
      return -err::kInval;
  }
  return put_user(a.a1, to_timespec(clock_ns()));
}
