// The exception table: for each kernel instruction allowed to fault on a
// user address (the user-copy routines, usercopy.S), where to continue
// instead of panicking. Entries are placed in section __ex_table by the
// assembler; the linker gathers them between __start_ex_table and
// __stop_ex_table (arch/x86/kernel.ld); extable_init sorts them once at boot so that
// a lookup is a binary search.
#pragma once

#include <stdint.h>

struct ExtableEntry {
  uint64_t insn;   // address of the instruction that may fault
  uint64_t fixup;  // where execution continues if it does
};

// Sorts the table by insn (boot CPU, before any user program runs).
void extable_init();
// The fixup for a faulting instruction, or 0 if it has none.
uint64_t extable_fixup(uint64_t rip);
