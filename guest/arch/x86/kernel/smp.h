// Starting the application processors listed in the MADT.
#pragma once

#include <stdint.h>

// Sends INIT-SIPI-SIPI to every AP, waits (bounded) for them and prints
// "smp: N of M CPUs online". Returns the number online (boot CPU included).
uint32_t smp_boot();

// C++ entry of an AP (called by ap_start64 in trampoline.S on its own stack).
extern "C" [[noreturn]] void ap_main(uint32_t apic_id);
