// Time from the TSC, calibrated once against PIT channel 2. Used for the
// delays of the AP start-up sequence and for bounded waits.
#pragma once

#include <stdint.h>

// Measures the TSC frequency; returns false (and keeps a conservative guess)
// if the PIT does not behave.
bool tsc_calibrate();
uint64_t tsc_hz();

// A TSC value us microseconds from now, and whether it has passed.
uint64_t tsc_deadline_us(uint64_t us);
bool tsc_passed(uint64_t deadline);
void udelay(uint64_t us);
