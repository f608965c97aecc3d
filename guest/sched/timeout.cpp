#include "sched/timeout.h"

#include "arch/x86/cpu/percpu.h"
#include "lib/spinlock.h"
#include "sched/thread.h"

namespace {

struct TimeoutList {
  RawSpinLock lock{};
  Thread* head{};       // sorted by wake_tsc
  uint64_t earliest{};  // head's wake_tsc or 0, readable without the lock
};
TimeoutList g_lists[kMaxCpus];

void update_earliest(TimeoutList& l) {
  __atomic_store_n(&l.earliest, l.head ? l.head->wake_tsc : 0, __ATOMIC_RELAXED);
}

}  // namespace

void timeout_add(Thread* t, uint64_t deadline) {
  InterruptsOff irq_off;
  uint32_t me = this_cpu()->id;
  TimeoutList& l = g_lists[me];
  {
    RawSpinLocker lock(l.lock);
    t->wake_tsc = deadline;
    Thread** p = &l.head;
    while (*p && (*p)->wake_tsc <= deadline) p = &(*p)->timeout_next;
    t->timeout_next = *p;
    *p = t;
    __atomic_store_n(&t->timeout_cpu, static_cast<int32_t>(me), __ATOMIC_RELEASE);
    update_earliest(l);
  }
}

bool timeout_remove(Thread* t) {
  int32_t c = __atomic_load_n(&t->timeout_cpu, __ATOMIC_ACQUIRE);
  if (c < 0) return false;
  InterruptsOff irq_off;
  TimeoutList& l = g_lists[c];
  RawSpinLocker lock(l.lock);
  if (t->timeout_cpu != c) return false;  // expired meanwhile
  for (Thread** p = &l.head; *p; p = &(*p)->timeout_next) {
    if (*p == t) {
      *p = t->timeout_next;
      break;
    }
  }
  t->timeout_cpu = -1;
  update_earliest(l);
  return static_cast<uint32_t>(c) == this_cpu()->id;
}

void timeout_expire(uint64_t now, void (*wake)(Thread*)) {
  TimeoutList& l = g_lists[this_cpu()->id];
  RawSpinLocker lock(l.lock);
  while (l.head && static_cast<int64_t>(now - l.head->wake_tsc) >= 0) {
    Thread* t = l.head;
    l.head = t->timeout_next;
    wake(t);
    // Only now: until timeout_cpu reads -1, timeout_remove() waits for this
    // lock, so t cannot finish its wait and be reaped under our feet.
    __atomic_store_n(&t->timeout_cpu, -1, __ATOMIC_RELEASE);
  }
  update_earliest(l);
}

uint64_t timeout_earliest() {
  return __atomic_load_n(&g_lists[this_cpu()->id].earliest, __ATOMIC_RELAXED);
}
