// User threads as the process layer sees them: creating one counts it in
// its process and takes a reference to the process's address space;
// ending and releasing one gives both back. The scheduler (below) knows
// nothing of processes: user_threads_init registers these with it.
#pragma once

#include <stdint.h>

#include "arch/x86/include/trapframe.h"

struct Process;
struct Thread;

// Tells the scheduler how to switch to, end and release user threads
// (sched_set_thread_owner). Once, before the first user thread starts.
void user_threads_init();

// A new user thread of p (state kNew) that will enter user mode with frame
// (copied to the top of its kernel stack); tid 0 picks a fresh id. nullptr
// if out of slots or memory.
Thread* thread_create_user(Process* p, const TrapFrame& frame, uint32_t tid);
// Ends the current thread with value (its join result): never returns.
[[noreturn]] void thread_exit(int64_t value);
