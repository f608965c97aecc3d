// Time since boot in nanoseconds, from the TSC (calibrated in arch/x86/cpu/tsc.cpp), and
// conversions between the two. Fixed-point factors, so no division at run
// time and no 128-bit division (which would need libgcc).
#pragma once

#include <stdint.h>

// Records the boot TSC and computes the factors (after tsc_calibrate).
void clock_init();
uint64_t clock_ns();
uint64_t clock_tsc_to_ns(uint64_t cycles);
uint64_t clock_ns_to_tsc(uint64_t ns);
