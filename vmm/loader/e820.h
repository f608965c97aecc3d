// The guest's physical memory map, in the E820 form PVH hands over in
// hvm_start_info.memmap (Xen public/arch-x86/hvm/start_info.h; types as in
// ACPI 6.x section 15, "System Address Map Interfaces").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "abi/platform.h"
#include "hv/memory/guest_memory.h"

namespace vmm {

// A guest-physical range the guest must not use as RAM (e.g. the
// shared-memory device's window).
struct ReservedRange {
  uint64_t gpa;
  uint64_t size;
};

// RAM [0, 0xA0000); reserved legacy hole [0xA0000, 0xE0000); ACPI tables
// [0xE0000, 0x100000) as kE820Acpi; RAM from 1 MiB to the end of low RAM; RAM
// above 4 GiB; then `extra_reserved`. Sorted by address.
std::vector<platform::HvmMemmapEntry> build_e820(const GuestMemory& memory,
                                                 std::span<const ReservedRange> extra_reserved);

}  // namespace vmm
