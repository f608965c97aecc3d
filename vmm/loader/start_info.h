// PVH boot, part 2: the hvm_start_info block the kernel finds in EBX at entry
// (Xen public/arch-x86/hvm/start_info.h, version 1), with its memory map and
// command line, at the fixed addresses of abi/platform.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "abi/platform.h"
#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm {

// Writes hvm_start_info at platform::kStartInfoGpa, `e820` at kMemmapGpa and
// the NUL-terminated `cmdline` at kCmdlineGpa. Refuses a command line longer
// than kCmdlineMax - 1 bytes (or containing a NUL) and a map of more than
// kMemmapMaxEntries entries.
Result<void> write_start_info(const GuestMemory& memory, const std::string& cmdline,
                              uint64_t rsdp_gpa, std::span<const platform::HvmMemmapEntry> e820);

}  // namespace vmm
