// The scheduler: one run queue per CPU, round robin with a 10 ms time slice,
// preemption on the way back to user mode, and a per-CPU idle thread.
//
// Placement: a thread made runnable goes to the least-loaded CPU it may run
// on (ties: this CPU, then the one it ran on last); an idle CPU steals from
// the others' queues. A CPU whose thread has the CPU to itself, or that is
// idle with no timeout pending, programs no timer at all.
//
// Locking (all with interrupts off): a thread's lock guards its state and
// is held across a context switch, released by the thread that runs next
// (finish_switch); run-queue locks are innermost. Order: wait queue, thread,
// run queue.
#pragma once

#include <stdint.h>

struct AddressSpace;
struct Thread;

// What the scheduler asks of the layer that owns user threads (proc/,
// above it): registered once at boot, before the first user thread starts.
struct ThreadOwner {
  // The address space to switch to for t (a user thread).
  AddressSpace* (*address_space)(const Thread* t);
  // Ends the current thread, which was killed (sched_user_return).
  void (*exit_killed)() __attribute__((noreturn));
  // t is dead and fully switched out: free what it holds.
  void (*release)(Thread* t);
};
void sched_set_thread_owner(const ThreadOwner& owner);

// Makes the code running on this CPU its idle thread (call once per CPU,
// interrupts off) and installs the timer and IPI handlers (boot CPU).
void sched_init_cpu();
// The CPUs that take threads (bit = cpu id).
uint64_t sched_online_mask();
// How many LAPIC timer interrupts CPU `cpu` has taken since boot: the
// scheduler arms the timer only for a deadline or for a time slice when a
// second thread waits, so a CPU running one thread alone takes none
// (tickless; issue 18, "quiet while polling"; kdebug kKdebugTimerInterrupts).
uint64_t sched_timer_interrupts(uint32_t cpu);

// A new thread (kNew) becomes runnable.
void sched_start(Thread* t);
// A blocked thread becomes runnable (no-op otherwise). Any context.
void sched_wake(Thread* t);
// sched_wake, and make it notice t->killed soon if it runs elsewhere.
void sched_kick(Thread* t);

// Blocking, for wait queues: mark the current thread blocked, then test the
// condition, then sched_block() (switches away unless woken meanwhile) or
// sched_cancel_block().
void sched_prepare_block();
void sched_block();
void sched_cancel_block();

// Gives the CPU to another runnable thread, if any.
void sched_yield();
// Ends the current (dead) thread's time on the CPU for good.
[[noreturn]] void sched_exit();
// What an idle CPU runs.
[[noreturn]] void sched_idle_loop();

// Before any return to user mode (interrupts off): preemption, and leaving
// if the thread was killed.
void sched_user_return();
// The current thread may now run only on these CPUs; moves it if needed.
void sched_set_affinity(Thread* t, uint64_t mask);
// Re-programs this CPU's timer (a timeout was added here).
void sched_rearm();
