// PVH boot, part 1: puts a kernel ELF image into guest memory and finds where
// to enter it. The image is user-supplied and treated as hostile: every
// offset, size, count and address in it is checked before it is used, and a
// refused image leaves guest memory untouched.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "hv/core/result.h"
#include "hv/memory/guest_memory.h"

namespace vmm {

struct LoadedKernel {
  uint64_t entry_gpa;        // XEN_ELFNOTE_PHYS32_ENTRY: 32-bit entry, paging off
  uint64_t image_start_gpa;  // lowest byte written by a PT_LOAD segment
  uint64_t image_end_gpa;    // one past the highest (bss included)
};

// Parses an ELF64 (EM_X86_64) or ELF32 (EM_386) image, copies every PT_LOAD
// segment to its p_paddr (zeroing p_memsz beyond p_filesz) and returns the PVH
// entry point. Segments must lie in guest RAM at or above
// platform::kKernelLoadGpa: everything below 1 MiB is the boot area
// (start_info, command line, legacy hole, ACPI tables, AP trampoline).
// Error messages name the problem only; the caller names the file.
Result<LoadedKernel> load_pvh_elf(std::span<const uint8_t> image, const GuestMemory& memory);

// read_guest_image() then load_pvh_elf(); every error reads
// "guest image 'PATH': ...".
Result<LoadedKernel> load_guest_image(const std::string& path, const GuestMemory& memory);

}  // namespace vmm
