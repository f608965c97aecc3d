// The ACPI tables a guest reads to find its CPUs, interrupt controllers and
// how to power off: RSDP -> XSDT -> {FADT -> DSDT, MADT}, all inside the
// BIOS area [platform::kAcpiTablesGpa, platform::kAcpiTablesEnd).
#pragma once

#include <cstdint>
#include <vector>

#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm {

struct AcpiConfig {
  std::vector<uint32_t> apic_ids;  // one local APIC per vCPU, in vCPU order
};

// Writes the tables and returns the RSDP's address. The RSDP comes first, at
// kAcpiTablesGpa (16-byte aligned inside 0xE0000-0xFFFFF), so that guests
// that scan for "RSD PTR " instead of reading hvm_start_info.rsdp_paddr
// find it too (ACPI 6.5 section 5.2.5.1). Refuses (and writes nothing) when
// the tables would not fit in the window.
Result<uint64_t> write_acpi_tables(const GuestMemory& memory, const AcpiConfig& config);

}  // namespace vmm
