// The Fixed ACPI Description Table (ACPI 6.5 section 5.2.9), revision 6
// layout, for a hardware-reduced ACPI platform (section 4.1): no PM1/GPE
// register blocks, no SCI, no FACS; sleep (power-off) goes through the
// SLEEP_CONTROL_REG / SLEEP_STATUS_REG pair (section 4.8.3.7).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vmm::acpi {

inline constexpr size_t kFadtSize = 276;

// Byte offsets of the fields we set (ACPI 6.5 Table 5.9).
inline constexpr size_t kFadtIapcBootArchOffset = 109;
inline constexpr size_t kFadtFlagsOffset = 112;
inline constexpr size_t kFadtMinorVersionOffset = 131;
inline constexpr size_t kFadtXDsdtOffset = 140;
inline constexpr size_t kFadtSleepControlOffset = 244;
inline constexpr size_t kFadtSleepStatusOffset = 256;
inline constexpr size_t kFadtHypervisorIdOffset = 268;

// Fixed Feature Flags bit 20 (Table 5.10).
inline constexpr uint32_t kFadtHwReducedAcpi = 1u << 20;
// IA-PC Boot Architecture Flags (Table 5.11): no VGA, no CMOS RTC.
inline constexpr uint16_t kIapcVgaNotPresent = 1u << 2;
inline constexpr uint16_t kIapcCmosRtcNotPresent = 1u << 5;

std::vector<uint8_t> build_fadt(uint64_t dsdt_gpa);

}  // namespace vmm::acpi
