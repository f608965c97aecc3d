// What the hostile guest learns at boot from hvm_start_info (PVH; layout in
// abi/platform.h): its command line, where its devices are, where RAM ends.
//
// The command line is QEMU microvm's form, which this VMM also uses
// (docs/ARCHITECTURE.md §6): `virtio_mmio.device=SIZE@ADDR:GSI` (SIZE decimal bytes or
// with a K/M/G suffix: `4K@0xd0000000:5` here, `512@0xfeb00e00:12` from
// QEMU), `shmem=SIZE@ADDR` for the shared-memory device, and `case=NAME`.
#pragma once

#include <stdint.h>

#include "abi/platform.h"

namespace hg {

struct BootInfo {
  const char* cmdline = "";
  char case_name[32] = {};  // empty without a case= word
  uint64_t virtio_base = 0;  // first virtio-mmio device; 0: none announced
  uint64_t shmem_base = 0;   // 0: no shared-memory device
  uint64_t shmem_size = 0;
  uint64_t ram_end = 0;      // end of the RAM entry holding the image; 0: no memmap
};

// False when start_info is not there (bad magic) or a device word is
// malformed; `out` says as much as was understood.
bool read_boot_info(const platform::HvmStartInfo* start_info, BootInfo* out);

// The value of the first `key=` word of `cmdline`, as a pointer to its first
// character and its length; false if there is none.
bool find_word(const char* cmdline, const char* key, const char** value, uint32_t* length);
// "4K", "512", "64K", "1M", "0xd0000000", "0XFF": decimal with an optional
// K/M/G suffix, or hex after 0x. False on anything else or overflow.
bool parse_size(const char* text, uint32_t length, uint64_t* out);

}  // namespace hg
