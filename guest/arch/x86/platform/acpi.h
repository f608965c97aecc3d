// ACPI: finding and checking tables (ACPI 6.5 spec, chapter 5), and what the
// kernel takes from them: CPUs and IOAPICs from the MADT, the power-off
// register and S5 sleep type from the FADT and DSDT.
#pragma once

#include <stdint.h>

#include "lib/status.h"

namespace acpi {

// Generic Address Structure (ACPI 6.5, 5.2.3.2).
struct [[gnu::packed]] GenericAddress {
  uint8_t space_id;  // 0 system memory, 1 system I/O
  uint8_t bit_width;
  uint8_t bit_offset;
  uint8_t access_size;
  uint64_t address;
};
static_assert(sizeof(GenericAddress) == 12);
inline constexpr uint8_t kSpaceMemory = 0;
inline constexpr uint8_t kSpaceIo = 1;

// System description table header (ACPI 6.5, 5.2.6).
struct [[gnu::packed]] TableHeader {
  char signature[4];
  uint32_t length;
  uint8_t revision;
  uint8_t checksum;
  char oem_id[6];
  char oem_table_id[8];
  uint32_t oem_revision;
  uint32_t creator_id;
  uint32_t creator_revision;
};
static_assert(sizeof(TableHeader) == 36);

struct Ioapic {
  uint8_t id;
  uint64_t phys;
  uint32_t gsi_base;
};

// ISA IRQ -> GSI remapping (MADT type 2).
struct InterruptOverride {
  uint8_t source_irq;
  uint32_t gsi;
  uint16_t flags;  // polarity and trigger mode (MPS INTI flags)
};

inline constexpr uint32_t kMaxIoapics = 4;
inline constexpr uint32_t kMaxOverrides = 16;

struct Info {
  uint64_t rsdp_phys;
  uint8_t revision;  // RSDP revision: 0 = ACPI 1.0 (RSDT), 2+ = XSDT
  // MADT
  uint64_t lapic_phys;
  uint32_t cpus_listed;   // enabled local APIC / x2APIC entries
  uint32_t cpus_ignored;  // beyond kMaxCpus
  Ioapic ioapics[kMaxIoapics];
  uint32_t ioapic_count;
  InterruptOverride overrides[kMaxOverrides];
  uint32_t override_count;
  // FADT
  bool hw_reduced;
  GenericAddress sleep_control;  // hardware-reduced: SLEEP_CONTROL_REG
  GenericAddress pm1a_control;   // otherwise: PM1a_CNT_BLK
  uint8_t s5_sleep_type;         // SLP_TYPa of \_S5
  bool s5_from_dsdt;             // false: the default (5) was used
};

extern Info g_info;

// Finds the RSDP (loader's pointer, else the BIOS area scan), then parses
// the MADT (filling g_cpus) and the FADT/DSDT. Needs the direct map.
Status init(uint64_t rsdp_hint, uint32_t boot_apic_id);
void print();

// ---- used by madt_parse.cpp / fadt_parse.cpp ----
// The table with this signature, checksum verified, or nullptr.
const TableHeader* find_table(const char signature[4]);
// Maps and checks the table at phys (length and checksum), or nullptr.
const TableHeader* table_at(uint64_t phys);
Status parse_madt(const TableHeader* madt, uint32_t boot_apic_id);
Status parse_fadt(const TableHeader* fadt);

}  // namespace acpi
