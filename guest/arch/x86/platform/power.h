// Ending the VM: ACPI S5 soft-off (clean, VMM exit status 0), or the
// debug-exit port (QEMU isa-debug-exit compatible: status (v << 1) | 1).
#pragma once

#include <stdint.h>

#include "lib/status.h"

// Writes SLP_TYP(S5) | SLP_EN to the FADT's sleep control register
// (hardware-reduced) or PM1a control block (legacy). Returns only if the VM
// is still running afterwards.
Status power_off();

[[noreturn]] void debug_exit(uint8_t value);
