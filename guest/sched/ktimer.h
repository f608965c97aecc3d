// One kernel timer callback: code that is not a thread (the network stack's
// retransmission, delayed-ACK and ARP timers) asks to be called back at a
// TSC deadline. The timer rides on the scheduler's one-shot LAPIC timer of
// the CPU that last set it (sched_rearm folds it in), so an idle kernel with
// no deadline programs no timer at all. Below the scheduler: the scheduler
// hands it sched_rearm at start-up (ktimer_init) and calls it from its timer
// interrupt; the kernel timer calls nothing of the scheduler by name.
#pragma once

#include <stdint.h>

using KTimerCallback = void (*)(uint64_t now_tsc);

// For the scheduler (boot CPU, before any ktimer_set): how to re-program
// this CPU's timer when a deadline changes.
void ktimer_init(void (*rearm)());

// The callback runs in the timer interrupt (interrupts off) once the TSC
// passes deadline_tsc; 0 cancels. Re-setting replaces the deadline and
// moves the timer to this CPU.
void ktimer_set(KTimerCallback callback, uint64_t deadline_tsc);

// For the scheduler: this CPU's pending kernel deadline (0: none), and the
// call from its timer interrupt.
uint64_t ktimer_deadline_here();
void ktimer_expire(uint64_t now_tsc);
