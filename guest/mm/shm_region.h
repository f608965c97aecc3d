// Where the shared-memory device is: the "shmem=SIZE@ADDR" word of the
// command line (docs/ARCHITECTURE.md §6; the VMM also marks the range reserved in E820).
#pragma once

#include <stdint.h>

namespace shm {

struct Region {
  uint64_t phys = 0;
  uint64_t size = 0;
};

// False if the command line has no (well-formed) shmem= word.
bool region_from_cmdline(Region* out);

// Whether the 2 MiB page at phys (in the 32-bit device hole) may be mapped
// write-back because it lies within the shared-memory region's 2 MiB pages
// and holds no device registers (mm/kernel_page_tables.cpp maps the rest of the hole uncached).
// `region` is the device's (nullptr without one): parsed once by the caller,
// since the kernel's instructions are costly (emulated on some hosts) and
// this is asked for every 2 MiB page of the hole.
bool write_back_page(const Region* region, uint64_t phys);

}  // namespace shm
