// The two tables that lead a guest to all others: the Root System
// Description Pointer (ACPI 6.5 section 5.2.5.3) and the Extended System
// Description Table (section 5.2.8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vmm::acpi {

inline constexpr size_t kRsdpSize = 36;  // revision 2 layout
inline constexpr size_t kRsdpV1ChecksumLength = 20;

// Revision 2 RSDP pointing at the XSDT; RsdtAddress is 0 (no RSDT: every
// table here is reached through the XSDT's 64-bit pointers).
std::vector<uint8_t> build_rsdp(uint64_t xsdt_gpa);

inline constexpr size_t xsdt_size(size_t entries) { return 36 + 8 * entries; }

// XSDT listing `table_gpas` (the FADT and MADT; the DSDT hangs off the FADT).
std::vector<uint8_t> build_xsdt(std::span<const uint64_t> table_gpas);

}  // namespace vmm::acpi
