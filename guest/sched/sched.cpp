#include "sched/sched.h"

#include "arch/x86/cpu/idt.h"
#include "arch/x86/cpu/lapic.h"
#include "arch/x86/cpu/percpu.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/lapic_timer.h"
#include "kernel/panic.h"
#include "lib/spinlock.h"
#include "mm/aspace.h"
#include "sched/idle.h"
#include "sched/ktimer.h"
#include "sched/thread.h"
#include "sched/timeout.h"

extern "C" Thread* context_switch(Thread* prev, Thread* next);  // switch.S

namespace {

constexpr uint64_t kSliceUs = 10'000;

struct RunQueue {
  RawSpinLock lock{};
  Thread* head{};
  Thread* tail{};
  uint32_t count{};  // readable without the lock (placement heuristics)
};

struct SchedCpu {
  RunQueue rq{};
  Thread idle{};
  uint64_t slice_end{};  // 0: no slice running (nobody is waiting)
  uint64_t armed{};      // deadline the timer is programmed for, 0 = none
  uint64_t timer_interrupts{};  // written by this CPU only, read by any
};

SchedCpu g_sched[kMaxCpus];
ThreadOwner g_owner;  // proc/user_thread.cpp's
uint64_t g_online;  // CPUs with a scheduler (bit = cpu id)

uint32_t me() { return this_cpu()->id; }
Thread* current() { return this_cpu()->current; }
bool allowed(const Thread* t, uint32_t cpu) { return (t->affinity >> cpu) & 1; }
uint32_t queued(uint32_t cpu) { return __atomic_load_n(&g_sched[cpu].rq.count, __ATOMIC_RELAXED); }

bool runs_a_thread(uint32_t cpu) {
  Thread* t = __atomic_load_n(&g_cpus[cpu].current, __ATOMIC_RELAXED);
  return t != nullptr && !t->is_idle;
}

uint32_t load(uint32_t cpu) { return queued(cpu) + (runs_a_thread(cpu) ? 1 : 0); }

// ---- run queues ----

void rq_push(RunQueue& q, Thread* t) {
  RawSpinLocker lock(q.lock);
  t->rq_next = nullptr;
  if (q.tail) {
    q.tail->rq_next = t;
  } else {
    q.head = t;
  }
  q.tail = t;
  __atomic_add_fetch(&q.count, 1, __ATOMIC_RELAXED);
}

// Removes the first thread that may run on cpu. The count stays until
// rq_taken(): until the thread is the CPU's current one, placement must
// still see it there.
Thread* rq_take(RunQueue& q, uint32_t cpu) {
  if (__atomic_load_n(&q.count, __ATOMIC_RELAXED) == 0) return nullptr;
  RawSpinLocker lock(q.lock);
  Thread* prev = nullptr;
  for (Thread* t = q.head; t; prev = t, t = t->rq_next) {
    if (!allowed(t, cpu)) continue;
    (prev ? prev->rq_next : q.head) = t->rq_next;
    if (q.tail == t) q.tail = prev;
    return t;
  }
  return nullptr;
}

void rq_taken(RunQueue& q) { __atomic_sub_fetch(&q.count, 1, __ATOMIC_RELAXED); }

// Only a busy CPU's queue is fair game: an idle CPU is about to run what
// was queued for it (taking that would just swap CPUs, or pile two threads
// on one).
bool stealable_from(uint32_t victim, uint32_t cpu) {
  return victim != cpu && queued(victim) > 0 && runs_a_thread(victim);
}

Thread* steal(uint32_t cpu, RunQueue** from) {
  for (uint32_t i = 1; i < g_cpu_count; ++i) {
    uint32_t victim = (cpu + i) % g_cpu_count;
    if (!stealable_from(victim, cpu)) continue;
    if (Thread* t = rq_take(g_sched[victim].rq, cpu)) {
      *from = &g_sched[victim].rq;
      return t;
    }
  }
  return nullptr;
}

bool can_steal(uint32_t cpu) {
  for (uint32_t c = 0; c < g_cpu_count; ++c) {
    if (!stealable_from(c, cpu)) continue;
    RawSpinLocker lock(g_sched[c].rq.lock);
    for (Thread* t = g_sched[c].rq.head; t; t = t->rq_next) {
      if (allowed(t, cpu)) return true;
    }
  }
  return false;
}

// ---- placement ----

// Least loaded allowed CPU; ties go to this CPU, then t's last CPU.
uint32_t pick_cpu(const Thread* t) {
  uint64_t ok = t->affinity & __atomic_load_n(&g_online, __ATOMIC_ACQUIRE);
  if (ok == 0) ok = 1;  // cpu 0 is always online
  uint32_t best = UINT32_MAX, best_load = UINT32_MAX;
  auto consider = [&](uint32_t c) {
    if (!((ok >> c) & 1)) return;
    uint32_t l = load(c);
    if (l < best_load) {
      best = c;
      best_load = l;
    }
  };
  consider(me());
  consider(t->cpu);
  for (uint32_t c = 0; c < g_cpu_count; ++c) consider(c);
  return best;
}

// Puts a runnable thread on cpu's queue and makes sure cpu notices: its idle
// loop looks at the queue; a busy CPU must start a time slice.
void enqueue(Thread* t, uint32_t cpu) {
  t->cpu = cpu;
  rq_push(g_sched[cpu].rq, t);
  if (cpu == me()) {
    sched_rearm();
  } else if (!(idle_polls() && !runs_a_thread(cpu))) {  // a polling CPU sees it anyway
    lapic_send_ipi(g_cpus[cpu].apic_id, idt::kReschedule);
  }
}

// ---- switching ----

// Loads next's CPU state: kernel stack for entries from user mode, address
// space, and the per-CPU current pointer.
void enter(Thread* next) {
  Cpu* c = this_cpu();
  if (!next->is_idle) {
    c->tss.rsp[0] = next->kstack_top;
    c->kernel_rsp = next->kstack_top;
  }
  aspace::activate(next->proc ? g_owner.address_space(next) : nullptr);
  __atomic_store_n(&c->current, next, __ATOMIC_RELAXED);
  c->need_resched = false;
  g_sched[c->id].slice_end = 0;
}

// Runs on the next thread, right after the switch: prev's context is saved,
// so it may now run elsewhere or be freed.
void finish_switch(Thread* prev) {
  prev->on_cpu = false;
  bool dead = prev->state == ThreadState::kDead;
  if (prev->state == ThreadState::kRunnable && !prev->is_idle) {
    enqueue(prev, allowed(prev, me()) ? me() : pick_cpu(prev));
  }
  prev->lock.unlock();
  if (dead) g_owner.release(prev);
  sched_rearm();
}

// cur's lock is held, interrupts are off, cur->state says why it stops.
void switch_away(Thread* cur) {
  uint32_t cpu = me();
  RunQueue* from = &g_sched[cpu].rq;
  Thread* next = rq_take(*from, cpu);
  if (next == nullptr) next = steal(cpu, &from);
  if (next == nullptr) {
    bool keep = cur->state == ThreadState::kRunnable && (cur->is_idle || allowed(cur, cpu));
    next = keep ? cur : &g_sched[cpu].idle;
  }
  if (next == cur) {
    cur->state = ThreadState::kRunning;
    return;
  }
  next->lock.lock();
  next->state = ThreadState::kRunning;
  next->on_cpu = true;
  next->cpu = cpu;
  enter(next);
  if (!next->is_idle) rq_taken(*from);
  finish_switch(context_switch(cur, next));
}

// ---- interrupts ----

void on_timer(TrapFrame*) {
  lapic_eoi();
  SchedCpu& s = g_sched[me()];
  s.armed = 0;  // one-shot: it has fired
  __atomic_store_n(&s.timer_interrupts, s.timer_interrupts + 1, __ATOMIC_RELAXED);
  uint64_t now = x86::rdtsc();
  timeout_expire(now, sched_wake);
  ktimer_expire(now);
  sched_rearm();  // sets need_resched if the slice is used up
}

void on_reschedule(TrapFrame*) {
  lapic_eoi();
  sched_rearm();  // start a slice if someone now waits here
}

// The earlier of two TSC deadlines, 0 meaning none.
uint64_t earliest(uint64_t a, uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return static_cast<int64_t>(a - b) < 0 ? a : b;
}

bool has_work(uint32_t cpu) { return queued(cpu) > 0 || can_steal(cpu); }

}  // namespace

// A new thread's first kernel code (switch.S thread_start); it then
// enters user mode, unless it was killed before it ever ran.
extern "C" void sched_first_run(Thread* prev) {
  finish_switch(prev);
  current()->lock.unlock();
  sched_user_return();
}


void sched_set_thread_owner(const ThreadOwner& owner) { g_owner = owner; }

void sched_init_cpu() {
  uint32_t cpu = me();
  if (cpu == 0) {
    idt_set_handler(idt::kTimer, on_timer);
    idt_set_handler(idt::kReschedule, on_reschedule);
    ktimer_init(sched_rearm);
  }
  Thread& idle = g_sched[cpu].idle;
  idle.state = ThreadState::kRunning;
  idle.on_cpu = true;
  idle.is_idle = true;
  idle.cpu = cpu;
  idle.affinity = 1ull << cpu;
  idle.timeout_cpu = -1;
  idle.kstack_top = kernel_stack_top(cpu);
  this_cpu()->current = &idle;
  lapic_timer_init();
  __atomic_or_fetch(&g_online, 1ull << cpu, __ATOMIC_RELEASE);
}

uint64_t sched_online_mask() { return __atomic_load_n(&g_online, __ATOMIC_ACQUIRE); }

uint64_t sched_timer_interrupts(uint32_t cpu) {
  return cpu < kMaxCpus ? __atomic_load_n(&g_sched[cpu].timer_interrupts, __ATOMIC_RELAXED) : 0;
}

void sched_rearm() {
  InterruptsOff irq_off;
  SchedCpu& s = g_sched[me()];
  uint64_t next = earliest(timeout_earliest(), ktimer_deadline_here());
  if (runs_a_thread(me()) && queued(me()) > 0) {
    if (s.slice_end == 0) s.slice_end = tsc_deadline_us(kSliceUs);
    if (tsc_passed(s.slice_end)) {
      // Used up: switch on the way back to user mode (this runs in the
      // kernel, which always gets there). Re-arming a deadline in the past
      // would only interrupt the kernel again and again.
      this_cpu()->need_resched = true;
    } else if (next == 0 || static_cast<int64_t>(s.slice_end - next) < 0) {
      next = s.slice_end;
    }
  }
  if (next != s.armed) {
    s.armed = next;
    lapic_timer_arm(next);
  }
}

void sched_start(Thread* t) {
  InterruptsOff irq_off;
  RawSpinLocker lock(t->lock);
  t->state = ThreadState::kRunnable;
  enqueue(t, pick_cpu(t));
}

void sched_wake(Thread* t) {
  InterruptsOff irq_off;
  RawSpinLocker lock(t->lock);
  if (t->state != ThreadState::kBlocked) return;
  if (t->on_cpu) {
    // It has not switched away yet: it will see this and not block.
    t->state = ThreadState::kRunning;
    return;
  }
  t->state = ThreadState::kRunnable;
  enqueue(t, pick_cpu(t));
}

void sched_kick(Thread* t) {
  sched_wake(t);
  InterruptsOff irq_off;
  uint32_t cpu = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
  if (__atomic_load_n(&t->on_cpu, __ATOMIC_RELAXED) && cpu != me()) {
    lapic_send_ipi(g_cpus[cpu].apic_id, idt::kReschedule);  // interrupts its user code
  }
}

void sched_prepare_block() {
  InterruptsOff irq_off;
  Thread* t = current();
  RawSpinLocker lock(t->lock);
  t->state = ThreadState::kBlocked;
}

void sched_block() {
  InterruptsOff irq_off;
  Thread* t = current();
  RawSpinLocker lock(t->lock);
  if (t->state == ThreadState::kBlocked) switch_away(t);
}

void sched_cancel_block() {
  InterruptsOff irq_off;
  Thread* t = current();
  RawSpinLocker lock(t->lock);
  if (t->state == ThreadState::kBlocked) t->state = ThreadState::kRunning;
}

void sched_yield() {
  InterruptsOff irq_off;
  Thread* t = current();
  RawSpinLocker lock(t->lock);
  t->state = ThreadState::kRunnable;
  switch_away(t);
}

void sched_exit() {
  x86::cli();
  Thread* t = current();
  t->lock.lock();
  t->state = ThreadState::kDead;
  switch_away(t);
  panic("sched: a dead thread ran again");
}

void sched_idle_loop() {
  for (;;) {
    x86::cli();
    if (panic_in_progress()) panic_stop_this_cpu();
    if (has_work(me())) {
      sched_yield();
      continue;
    }
    idle_wait();
  }
}

void sched_user_return() {
  for (;;) {
    Thread* t = current();
    if (__atomic_load_n(&t->killed, __ATOMIC_RELAXED)) g_owner.exit_killed();
    if (!this_cpu()->need_resched) return;
    this_cpu()->need_resched = false;
    sched_yield();
  }
}

void sched_set_affinity(Thread* t, uint64_t mask) {
  __atomic_store_n(&t->affinity, mask, __ATOMIC_RELAXED);
  if (t == current() && !allowed(t, me())) sched_yield();  // finish_switch moves it
}
