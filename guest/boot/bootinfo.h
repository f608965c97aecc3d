// What the loader handed over in hvm_start_info (abi/platform.h), copied
// into the kernel image early: the originals sit in low RAM that the kernel
// reuses (the AP trampoline, later the frame allocator).
#pragma once

#include <stdint.h>

#include "abi/platform.h"
#include "lib/status.h"

struct BootInfo {
  uint64_t start_info_phys;
  uint64_t rsdp_phys;  // 0 if the loader did not say
  abi::HvmMemmapEntry memmap[abi::kMemmapMaxEntries];
  uint32_t memmap_count;
  bool memmap_truncated;
  char cmdline[abi::kCmdlineMax];  // NUL-terminated, maybe empty
};

extern BootInfo g_boot;

// Copies start_info, its memory map and command line. Runs on the boot page
// tables, which map only the first 1 GiB, so the structures must be there.
Status bootinfo_copy(uint64_t start_info_phys);

// mem=SIZE on the command line (after cmdline::parse): the kernel uses no
// RAM at or above SIZE, as Linux's mem=. What lies above is left alone, so a
// host may keep memory there that both sides share (shmem= inside a guest's
// RAM, as the QEMU tests place the shared-memory device). A bad value is
// ignored with a line saying so.
void bootinfo_apply_mem_option();

// End of the highest RAM range in the memory map (0 if there is none).
uint64_t bootinfo_ram_end();
// Whether [addr, addr + size) overlaps a RAM range of the memory map.
bool bootinfo_overlaps_ram(uint64_t addr, uint64_t size);

void bootinfo_print();
