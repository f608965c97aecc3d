// The local APIC timer of each CPU (Intel SDM vol 3, 10.5.4), one-shot: in
// TSC-deadline mode when CPUID offers it (the deadline is a TSC value), else
// in one-shot count-down mode with the APIC timer frequency measured against
// the TSC once. "timer=oneshot" on the command line forces the latter.
#pragma once

#include <stdint.h>

// Boot CPU first (chooses the mode, calibrates), then every other CPU.
void lapic_timer_init();
// Interrupt (vector idt::kTimer) when the TSC reaches deadline; 0 disarms.
void lapic_timer_arm(uint64_t deadline_tsc);
