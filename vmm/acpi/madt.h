// The Multiple APIC Description Table (ACPI 6.5 section 5.2.12): one local
// APIC per vCPU, the in-kernel I/O APIC, the ISA interrupt overrides and the
// LINT1 NMI wiring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hv/core/result.h"

namespace vmm::acpi {

// Refuses an empty list and an APIC ID given twice.
Result<void> check_apic_ids(std::span<const uint32_t> apic_ids);

// vCPU `index` gets a Processor Local APIC entry (type 0) when both its APIC
// ID and its processor UID fit that entry's byte fields: below 255, the
// value 0xFF meaning "all processors" / broadcast. Otherwise it gets a
// Processor Local x2APIC entry (type 9), as section 5.2.12.12 requires for
// APIC IDs of 255 and above.
bool uses_xapic_entry(uint32_t apic_id, size_t index);

// The I/O APIC's ID: the smallest 8-bit value no local APIC uses (for the
// usual IDs 0..N-1 that is N), so the IDs stay distinct as they had to be on
// the old shared APIC bus; 0 if all 256 are taken (on xAPIC and later the
// I/O APIC ID is only a label, and Linux on x86-64 accepts any).
uint8_t ioapic_id_for(std::span<const uint32_t> apic_ids);

// Size of the MADT for these vCPUs, computed without building it, so that a
// huge vCPU count is refused before anything is allocated.
size_t madt_size(std::span<const uint32_t> apic_ids);

// Expects check_apic_ids() to have passed.
std::vector<uint8_t> build_madt(std::span<const uint32_t> apic_ids);

}  // namespace vmm::acpi
