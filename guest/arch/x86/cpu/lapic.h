// The local APIC of the current CPU (Intel SDM vol 3, chapter 10), in xAPIC
// mode through the uncached direct map, or in x2APIC mode through MSRs if
// the firmware/VMM already switched it to x2APIC.
#pragma once

#include <stdint.h>

// Enables this CPU's local APIC (spurious vector register). Call on every
// CPU; the first call also decides xAPIC vs x2APIC access.
void lapic_init();
bool lapic_ready();
uint32_t lapic_id();
void lapic_eoi();

// Inter-processor interrupts to one CPU, by APIC ID.
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t vector);
void lapic_send_nmi(uint32_t apic_id);
// A fixed-delivery interrupt with this vector.
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);

// Register access for the timer code (arch/x86/lapic_timer.cpp); offsets as in the
// xAPIC page (SDM vol 3, table 10-1).
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
// Largest APIC ID an IPI can address in the current mode.
uint32_t lapic_max_apic_id();
