// Finds the PVH entry point of a kernel: the Xen ELF note
// XEN_ELFNOTE_PHYS32_ENTRY (Xen public/elfnote.h: type 18, owner "Xen"),
// whose descriptor is the 32-bit physical address where the kernel is entered
// in protected mode with paging off (Xen docs/misc/pvh.pandoc).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hv/core/result.h"
#include "vmm/loader/elf_image.h"

namespace vmm::loader {

// Looks in the PT_NOTE segments first, then in SHT_NOTE sections (a kernel
// linked without a PT_NOTE segment still carries the note in a section). The
// section header table is only read, and checked, when no segment has it.
Result<uint64_t> find_pvh_entry(std::span<const uint8_t> image, const ElfFileHeader& header,
                                const std::vector<ElfProgramHeader>& segments);

}  // namespace vmm::loader
