// Per-CPU lists of sleeping threads ordered by wake-up time (TSC). The
// scheduler's timer interrupt expires them; sched_rearm() programs the timer
// for the earliest. Below the scheduler: it calls nothing of it (the waker
// comes as an argument, and whoever adds a timeout re-arms the timer).
#pragma once

#include <stdint.h>

struct Thread;

// Puts the current thread on this CPU's list, to be woken at deadline. The
// caller then calls sched_rearm() (the deadline may be the earliest).
void timeout_add(Thread* t, uint64_t deadline);
// Takes t off whatever list it is on (no-op if none). True if that was
// this CPU's list: the caller re-arms (sched_rearm), or the timer would
// still fire for the deadline t no longer has: an interrupt for nothing on
// a CPU that may be running one thread alone (issue 18, "quiet while
// polling"). Another CPU's timer fires once for nothing: re-arming it
// would take an IPI, an interrupt too.
bool timeout_remove(Thread* t);
// Wakes (with wake, i.e. sched_wake) every thread of this CPU's list whose
// time has come.
void timeout_expire(uint64_t now, void (*wake)(Thread* t));
// The earliest deadline on this CPU's list, 0 if it is empty.
uint64_t timeout_earliest();
