// Exceptions that are not simply fatal: page faults (demand paging,
// copy-on-write, user-copy fix-ups) and faults of user programs, which end
// the faulting process with a report such as
//   SIGSEGV pid 7 addr 0x0 rip 0x401020 (read, user, not-present)
// while the rest of the system runs on.
#pragma once

#include <stdint.h>

#include "arch/x86/include/trapframe.h"

// #PF: resolves the fault (the instruction is retried), continues at an
// exception-table fix-up, ends the user process, or panics.
void page_fault(TrapFrame* tf);
// Any other exception from user mode: ends the process. Never returns.
[[noreturn]] void user_exception(const TrapFrame* tf);
