// Ending the VM cleanly: ACPI S5 soft-off (VMM exit status 0). The other
// way out, the debug-exit port, is kernel/debug_exit_port.h.
#pragma once

#include <stdint.h>

#include "lib/status.h"

// Writes SLP_TYP(S5) | SLP_EN to the FADT's sleep control register
// (hardware-reduced) or PM1a control block (legacy). Returns only if the VM
// is still running afterwards.
Status power_off();
