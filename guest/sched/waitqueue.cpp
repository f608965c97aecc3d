#include "sched/waitqueue.h"

#include "sched/sched.h"
#include "sched/thread.h"
#include "sched/timeout.h"

bool current_thread_killed() {
  return __atomic_load_n(&current_thread()->killed, __ATOMIC_RELAXED);
}

void WaitQueue::prepare(uint64_t deadline) {
  Thread* t = current_thread();
  {
    InterruptsOff irq_off;
    RawSpinLocker lock(lock_);
    if (t->waiting_on != this) {
      t->waiting_on = this;
      t->wq_next = head_;
      head_ = t;
    }
    // Under the queue lock: a waker that takes t off the queue from now on
    // also finds it blocked, and wakes it.
    sched_prepare_block();
  }
  if (deadline != 0 && __atomic_load_n(&t->timeout_cpu, __ATOMIC_ACQUIRE) < 0) {
    InterruptsOff irq_off;  // as one step: this CPU's timer gets the deadline
    timeout_add(t, deadline);
    sched_rearm();
  }
}

void WaitQueue::finish() {
  Thread* t = current_thread();
  sched_cancel_block();
  {
    InterruptsOff irq_off;
    RawSpinLocker lock(lock_);
    if (t->waiting_on == this) remove_locked(t);
  }
  InterruptsOff irq_off;  // this CPU's list and timer, as one step
  if (timeout_remove(t)) sched_rearm();
}

void WaitQueue::remove_locked(Thread* t) {
  for (Thread** p = &head_; *p; p = &(*p)->wq_next) {
    if (*p == t) {
      *p = t->wq_next;
      break;
    }
  }
  t->waiting_on = nullptr;
  t->wq_next = nullptr;
}

void WaitQueue::wake_all() {
  InterruptsOff irq_off;
  RawSpinLocker lock(lock_);
  while (head_) {
    Thread* t = head_;
    remove_locked(t);
    sched_wake(t);
  }
}

void WaitQueue::wake_one() {
  InterruptsOff irq_off;
  RawSpinLocker lock(lock_);
  if (Thread* t = head_) {
    remove_locked(t);
    sched_wake(t);
  }
}

WaitResult sleep_until(uint64_t deadline) {
  WaitQueue nobody_wakes_this;
  WaitResult r = nobody_wakes_this.wait([] { return false; }, deadline);
  return r == WaitResult::kInterrupted ? r : WaitResult::kOk;
}
