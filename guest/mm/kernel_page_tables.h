// The kernel's page tables (arch/x86/include/layout.h has the map): the direct map of
// physical memory, the kernel image in the top 2 GiB, and a temporary
// identity map of low memory that AP start-up needs.
#pragma once

#include <stdint.h>

#include "lib/status.h"

namespace vm {

// Page-table entry bits (Intel SDM vol 3, 4.5, tables 4-14 to 4-20).
inline constexpr uint64_t kPresent = 1ull << 0;
inline constexpr uint64_t kWritable = 1ull << 1;
inline constexpr uint64_t kUser = 1ull << 2;
inline constexpr uint64_t kWriteThrough = 1ull << 3;
inline constexpr uint64_t kCacheDisable = 1ull << 4;
inline constexpr uint64_t kLargePage = 1ull << 7;  // PS: 2 MiB in a PD entry
inline constexpr uint64_t kAddrMask = 0x000FFFFFFFFFF000ull;

// The direct map covers [0, max(4 GiB, end of RAM)) up to this bound.
inline constexpr uint64_t kMaxDirectMapGiB = 64;

// Builds the kernel page tables from the memory map and switches to them.
Status init();
// Removes the low identity map once no CPU still needs it (after SMP
// start-up); the lower half is then free for user space.
void drop_identity_map();

uint64_t kernel_pml4_phys();
uint64_t direct_map_end();  // physical addresses below this are mapped

}  // namespace vm
