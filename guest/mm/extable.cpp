#include "mm/extable.h"

#include "kernel/console.h"

extern "C" ExtableEntry __start_ex_table[], __stop_ex_table[];  // arch/x86/kernel.ld

void extable_init() {
  // Insertion sort: a few dozen entries, already nearly in order (each
  // object file emits them in address order).
  ExtableEntry* t = __start_ex_table;
  long n = __stop_ex_table - __start_ex_table;
  for (long i = 1; i < n; ++i) {
    ExtableEntry e = t[i];
    long j = i - 1;
    while (j >= 0 && t[j].insn > e.insn) {
      t[j + 1] = t[j];
      --j;
    }
    t[j + 1] = e;
  }
  kprintf("extable: %ld entries\n", n);
}

uint64_t extable_fixup(uint64_t rip) {
  const ExtableEntry* lo = __start_ex_table;
  const ExtableEntry* hi = __stop_ex_table;  // search [lo, hi)
  while (lo < hi) {
    const ExtableEntry* mid = lo + (hi - lo) / 2;
    if (mid->insn == rip) return mid->fixup;
    if (mid->insn < rip) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return 0;
}
