#include "sched/ktimer.h"

#include "arch/x86/cpu/percpu.h"
#include "lib/spinlock.h"

namespace {

struct KTimer {
  RawSpinLock lock;
  KTimerCallback callback = nullptr;
  uint64_t deadline = 0;  // TSC, 0: none
  uint32_t cpu = 0;       // whose LAPIC timer carries it
};

KTimer g_timer;
void (*g_rearm)();  // sched_rearm, once the scheduler is up

}  // namespace

void ktimer_init(void (*rearm)()) { g_rearm = rearm; }

void ktimer_set(KTimerCallback callback, uint64_t deadline_tsc) {
  {
    InterruptsOff irq_off;
    RawSpinLocker lock(g_timer.lock);
    g_timer.callback = callback;
    g_timer.deadline = deadline_tsc;
    g_timer.cpu = this_cpu()->id;
  }
  // A CPU that carried an older deadline fires once more for nothing and
  // then re-arms without it.
  g_rearm();
}

uint64_t ktimer_deadline_here() {
  InterruptsOff irq_off;
  RawSpinLocker lock(g_timer.lock);
  return g_timer.cpu == this_cpu()->id ? g_timer.deadline : 0;
}

void ktimer_expire(uint64_t now_tsc) {
  KTimerCallback callback = nullptr;
  {
    RawSpinLocker lock(g_timer.lock);
    if (g_timer.deadline == 0 || static_cast<int64_t>(now_tsc - g_timer.deadline) < 0) return;
    callback = g_timer.callback;
    g_timer.deadline = 0;
  }
  // Without the lock: the callback re-arms through ktimer_set.
  if (callback) callback(now_tsc);
}
