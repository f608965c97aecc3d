// The IOAPICs listed in the MADT (Intel 82093AA I/O APIC datasheet, 3.2:
// indirect registers IOREGSEL at +0x00 and IOWIN at +0x10; redirection
// entry n at registers 0x10 + 2n and 0x11 + 2n).
#pragma once

#include <stdint.h>

#include "lib/status.h"

namespace ioapic {

// Masks every pin (boot CPU, once; after acpi::init).
void init();
// Routes gsi to vector on the CPU with this APIC ID (fixed delivery,
// physical destination), masked or not.
Status route(uint32_t gsi, uint8_t vector, uint32_t apic_id, bool level, bool active_low,
             bool masked);
Status set_masked(uint32_t gsi, bool masked);

}  // namespace ioapic
