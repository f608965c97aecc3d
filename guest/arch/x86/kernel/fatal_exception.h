// An exception the kernel cannot handle: print the trap and the registers,
// then panic. For trap.cpp (kernel-mode exceptions) and fault.cpp (a kernel
// page fault with no fix-up).
#pragma once

#include <stdint.h>

#include "arch/x86/include/trapframe.h"

[[noreturn]] void fatal_exception(const TrapFrame* tf, uint64_t cr2, const char* why);
