// One kernel timer callback: code that is not a thread (the network stack's
// retransmission, delayed-ACK and ARP timers) asks to be called back at a
// TSC deadline. The timer rides on the scheduler's one-shot LAPIC timer of
// the CPU that last set it (sched_rearm folds it in), so an idle kernel with
// no deadline programs no timer at all.
#pragma once

#include <stdint.h>

using KTimerCallback = void (*)(uint64_t now_tsc);

// The callback runs in the timer interrupt (interrupts off) once the TSC
// passes deadline_tsc; 0 cancels. Re-setting replaces the deadline and
// moves the timer to this CPU.
void ktimer_set(KTimerCallback callback, uint64_t deadline_tsc);

// For the scheduler: this CPU's pending kernel deadline (0: none), and the
// call from its timer interrupt.
uint64_t ktimer_deadline_here();
void ktimer_expire(uint64_t now_tsc);
