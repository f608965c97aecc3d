// Ending the VM through the debug-exit port (QEMU isa-debug-exit
// compatible: the VMM's exit status is (value << 1) | 1). Apart from ACPI
// power-off (arch/x86/platform/power.h) because panic needs it and must
// not depend on ACPI or the memory map.
#pragma once

#include <stdint.h>

[[noreturn]] void debug_exit(uint8_t value);
