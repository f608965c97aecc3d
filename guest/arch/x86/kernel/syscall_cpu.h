// The CPU's side of the SYSCALL instruction: the MSRs that send it to
// syscall_entry.S, and the completion of a SYSCALL that a hypervisor left
// in ring 3. The system call table and the handlers are sys/ (below).
#pragma once

#include "arch/x86/include/trapframe.h"

// Programs STAR/LSTAR/FMASK on this CPU (every CPU).
void syscall_init_cpu();

// A user-mode #PF on fetching syscall_entry itself: a hypervisor that
// emulated SYSCALL without leaving ring 3 (see syscall_cpu.cpp). Completes
// the system call on this frame and returns true; false if tf is not that.
bool syscall_recover_from_fault(TrapFrame* tf);
