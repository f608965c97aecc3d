// Wait queues: how a thread sleeps until something happens, for system
// calls and drivers alike. A waiter names its condition; whoever makes it
// true calls wake_all() (from any context, interrupt handlers included).
//
//   g_rx_queue.wait([] { return rx_ready(); });       // sleeper
//   set_rx_ready(); g_rx_queue.wake_all();            // waker
//
// The sleeper marks itself blocked before it tests the condition, so a
// wake-up between the test and the switch is not lost (it just makes the
// switch a no-op). Wake-ups may be spurious; wait() re-tests.
#pragma once

#include <stdint.h>

#include "lib/spinlock.h"
#include "sched/sched.h"  // sched_block

struct Thread;

enum class WaitResult {
  kOk,           // the condition is true
  kTimedOut,     // the deadline passed first
  kInterrupted,  // the thread is being killed (system calls return -EINTR)
};

class WaitQueue {
 public:
  // Sleeps until cond() is true, the TSC passes deadline (0: no deadline),
  // or the thread is killed. Call with interrupts enabled, no locks held.
  template <typename Cond>
  WaitResult wait(Cond cond, uint64_t deadline = 0);

  void wake_all();
  void wake_one();

  // Used by wait(); public so that the template stays small.
  void prepare(uint64_t deadline);
  void finish();

 private:
  void remove_locked(Thread* t);
  RawSpinLock lock_;
  Thread* head_ = nullptr;
};

// True if the current thread is being killed.
bool current_thread_killed();

template <typename Cond>
WaitResult WaitQueue::wait(Cond cond, uint64_t deadline) {
  WaitResult result = WaitResult::kOk;
  for (;;) {
    prepare(deadline);
    if (cond()) break;
    if (current_thread_killed()) {
      result = WaitResult::kInterrupted;
      break;
    }
    if (deadline != 0 && static_cast<int64_t>(x86::rdtsc() - deadline) >= 0) {
      result = WaitResult::kTimedOut;
      break;
    }
    sched_block();
  }
  finish();
  return result;
}

// Sleeps until the TSC reaches deadline: kOk, or kInterrupted if killed.
WaitResult sleep_until(uint64_t deadline);
