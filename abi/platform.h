// The contract between the VMM and the bundled guest: guest-physical memory
// map, port numbers and the PVH boot structures. Freestanding (no host
// includes beyond <stdint.h>-level types) so that both sides compile this one
// file; a constant written twice would drift.
//
//   guest-physical memory map (x86-64)
//   0x0000_0000 +----------------------------+
//               | low RAM (AP trampoline     |
//               |  lives below 1 MiB)        |
//   0x0000_6000 | hvm_start_info, memmap,    |
//               | command line (VMM writes)  |
//   0x000A_0000 +----------------------------+ legacy hole (E820 reserved)
//   0x000E_0000 | ACPI tables, RSDP          |
//   0x0010_0000 +----------------------------+
//               | kernel image, then RAM     |
//               |   up to min(size, 3 GiB)   |
//   0xC000_0000 +----------------------------+ 32-bit device hole
//   0xD000_0000 | virtio-mmio device i at    |
//               |   +i*0x1000, GSI 5+i      |
//   0xE000_0000 | shared-memory device       |
//   0xFEC0_0000 | IOAPIC                     |
//   0xFEE0_0000 | local APIC                 |
//   0x1_0000_0000 +--------------------------+
//               | RAM above 3 GiB, if any    |
//               +----------------------------+
#pragma once

#include <stdint.h>

// Named `platform`, not `abi`: libstdc++ declares `abi` as a namespace alias.
namespace platform {

// ---- memory map ----
inline constexpr uint64_t kPageSize = 0x1000;
inline constexpr uint64_t kStartInfoGpa = 0x6000;   // struct HvmStartInfo
inline constexpr uint64_t kMemmapGpa = 0x6100;      // HvmMemmapEntry[]
inline constexpr uint32_t kMemmapMaxEntries = 32;
inline constexpr uint64_t kCmdlineGpa = 0x7000;     // NUL-terminated
inline constexpr uint64_t kCmdlineMax = 0x1000;     // bytes, NUL included
// The guest copies its AP (real-mode) start-up trampoline to this page; the
// VMM must not place anything there (SIPI vector = page number, Intel SDM
// vol 3 8.4.4.1, so it must be below 1 MiB).
inline constexpr uint64_t kApTrampolineGpa = 0x8000;
inline constexpr uint64_t kLegacyHoleStart = 0xA0000;
inline constexpr uint64_t kAcpiTablesGpa = 0xE0000;  // RSDP first (legacy scan)
inline constexpr uint64_t kAcpiTablesEnd = 0x100000;
inline constexpr uint64_t kKernelLoadGpa = 0x100000;
inline constexpr uint64_t kLowRamLimit = 0xC0000000;   // 3 GiB
inline constexpr uint64_t kHighRamStart = 0x100000000;  // 4 GiB

inline constexpr uint64_t kVirtioMmioBase = 0xD0000000;
inline constexpr uint64_t kVirtioMmioStride = 0x1000;
inline constexpr uint32_t kVirtioMmioFirstGsi = 5;
inline constexpr uint32_t kVirtioMmioMaxDevices = 16;

inline constexpr uint64_t kShmemDefaultGpa = 0xE0000000;

inline constexpr uint64_t kIoapicGpa = 0xFEC00000;
inline constexpr uint64_t kIoapicSize = 0x1000;
inline constexpr uint64_t kLapicGpa = 0xFEE00000;
inline constexpr uint64_t kLapicSize = 0x1000;

// ---- I/O ports ----
inline constexpr uint16_t kUartCom1Port = 0x3f8;   // 16550, 8 registers
inline constexpr uint32_t kUartCom1Irq = 4;
// QEMU isa-debug-exit compatible: writing v ends the VM with status (v<<1)|1.
inline constexpr uint16_t kDebugExitPort = 0x501;
// Benchmark phase marker: one 32-bit OUT marks a phase boundary; the value is
// the phase id (see kBenchMarker*). The VMM snapshots counters on it.
inline constexpr uint16_t kBenchMarkerPort = 0x520;
// The value written: kBenchMarkStart or kBenchMarkEnd ORed with a phase
// number below 0x10000, so a start and its end pair up by number.
inline constexpr uint32_t kBenchMarkStart = 0x10000;
inline constexpr uint32_t kBenchMarkEnd = 0x20000;
inline constexpr uint32_t kBenchMarkPhaseMask = 0xffff;
// ACPI hardware-reduced sleep registers (FADT SLEEP_CONTROL_REG /
// SLEEP_STATUS_REG, ACPI 6.x section 4.8.3.7), one byte each, in I/O space.
// A guest must take the addresses from the FADT, not from here; these are
// what this VMM puts there.
inline constexpr uint16_t kAcpiSleepControlPort = 0x600;
inline constexpr uint16_t kAcpiSleepStatusPort = 0x601;
// Sleep control register layout (ACPI 6.x 4.8.3.7): SLP_TYPx in bits 2..4,
// SLP_EN in bit 5. S5 (soft off) uses sleep type 5, as QEMU microvm does; the
// DSDT's \_S5 package says the same.
inline constexpr uint8_t kSleepTypeS5 = 5;
inline constexpr uint8_t kSleepControlTypShift = 2;
inline constexpr uint8_t kSleepControlEnable = 1u << 5;

// ---- interrupts ----
inline constexpr uint32_t kIoapicPins = 24;

// ---- PVH boot (Xen public/arch-x86/hvm/start_info.h layout) ----
inline constexpr uint32_t kHvmStartMagic = 0x336ec578;
inline constexpr uint32_t kXenElfNotePhys32Entry = 18;

struct HvmStartInfo {
  uint32_t magic;
  uint32_t version;         // 1: memmap fields valid
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr;
  uint64_t rsdp_paddr;
  uint64_t memmap_paddr;
  uint32_t memmap_entries;
  uint32_t reserved;
};
static_assert(sizeof(HvmStartInfo) == 56);

enum : uint32_t {
  kE820Ram = 1,
  kE820Reserved = 2,
  kE820Acpi = 3,
  kE820Nvs = 4,
};

struct HvmMemmapEntry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
  uint32_t reserved;
};
static_assert(sizeof(HvmMemmapEntry) == 24);

}  // namespace platform

#if !__STDC_HOSTED__
namespace abi = platform;  // older guest spelling; prefer platform::
#endif
