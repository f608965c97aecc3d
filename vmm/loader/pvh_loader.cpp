#include "vmm/loader/pvh_loader.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "abi/platform.h"
#include "hv/core/hex.h"
#include "vmm/loader/checked_range.h"
#include "vmm/loader/elf_image.h"
#include "vmm/loader/guest_image_file.h"
#include "vmm/loader/pvh_note.h"

namespace vmm {

namespace {

using loader::ElfProgramHeader;

struct LoadSegment {
  size_t index;  // in the program header table, for messages
  ElfProgramHeader header;
};

std::string segment_name(size_t index) { return "segment " + std::to_string(index); }

bool inside_guest_ram(const GuestMemory& memory, uint64_t gpa, uint64_t size) {
  return std::any_of(memory.regions().begin(), memory.regions().end(), [&](const GuestRegion& r) {
    return r.is_ram && gpa >= r.gpa && gpa < r.end() && size <= r.end() - gpa;
  });
}

// gABI "Program Header": p_filesz bytes come from the file at p_offset, the
// rest of p_memsz is zero. The whole range must be RAM above the boot area.
Result<void> check_load_segment(const LoadSegment& s, std::span<const uint8_t> image,
                                const GuestMemory& memory) {
  const ElfProgramHeader& p = s.header;
  std::string name = segment_name(s.index);
  if (p.filesz > p.memsz)
    return make_error(name + ": file size " + hex(p.filesz) + " exceeds memory size " +
                      hex(p.memsz));
  if (!loader::range_within(p.offset, p.filesz, image.size()))
    return make_error("truncated ELF file (" + name + " runs past the end of the file)");
  uint64_t end = 0;
  if (!loader::checked_add(p.paddr, p.memsz, &end))
    return make_error(name + " at " + hex(p.paddr) + " wraps around the address space");
  if (p.paddr < platform::kKernelLoadGpa)
    return make_error(name + " at " + hex(p.paddr) + " overlaps the boot area below " +
                      hex(platform::kKernelLoadGpa) +
                      " (start_info, ACPI tables); PVH kernels load at or above 1 MiB");
  if (!inside_guest_ram(memory, p.paddr, p.memsz))
    return make_error(name + " [" + hex(p.paddr) + ", " + hex(end) +
                      ") is outside guest RAM");
  return ok();
}

// PT_LOAD segments that put bytes in memory; p_memsz == 0 loads nothing.
std::vector<LoadSegment> load_segments_of(const std::vector<ElfProgramHeader>& headers) {
  std::vector<LoadSegment> segments;
  for (size_t i = 0; i < headers.size(); ++i)
    if (headers[i].type == PT_LOAD && headers[i].memsz != 0) segments.push_back({i, headers[i]});
  return segments;
}

// The entry must be code the image supplies: inside the file-backed part of
// a loaded segment, and reachable in 32-bit protected mode.
Result<void> check_entry(uint64_t entry, const std::vector<LoadSegment>& segments) {
  bool inside = std::any_of(segments.begin(), segments.end(), [&](const LoadSegment& s) {
    return entry >= s.header.paddr && entry - s.header.paddr < s.header.filesz;
  });
  if (!inside) return make_error("entry point " + hex(entry) + " is not inside a loaded segment");
  if (entry > UINT32_MAX)
    return make_error("entry point " + hex(entry) + " is above 4 GiB (PVH enters in 32-bit mode)");
  return ok();
}

Result<void> copy_segment(const ElfProgramHeader& p, std::span<const uint8_t> image,
                          const GuestMemory& memory) {
  uint8_t* dst = VMM_TRY(memory.host_pointer(p.paddr, p.memsz));
  std::memcpy(dst, image.data() + p.offset, p.filesz);
  std::memset(dst + p.filesz, 0, p.memsz - p.filesz);
  return ok();
}

LoadedKernel describe(uint64_t entry, const std::vector<LoadSegment>& segments) {
  LoadedKernel kernel{entry, UINT64_MAX, 0};
  for (const auto& s : segments) {
    kernel.image_start_gpa = std::min(kernel.image_start_gpa, s.header.paddr);
    kernel.image_end_gpa = std::max(kernel.image_end_gpa, s.header.paddr + s.header.memsz);
  }
  return kernel;
}

}  // namespace

Result<LoadedKernel> load_pvh_elf(std::span<const uint8_t> image, const GuestMemory& memory) {
  auto header = VMM_TRY(loader::parse_elf_file_header(image));
  auto program_headers = VMM_TRY(loader::parse_elf_program_headers(image, header));
  // The note first: for an ELF that is not a PVH kernel at all, saying so is
  // more useful than complaining about where its segments are.
  uint64_t entry = VMM_TRY(loader::find_pvh_entry(image, header, program_headers));
  auto segments = load_segments_of(program_headers);
  if (segments.empty()) return make_error("no loadable (PT_LOAD) segments");
  for (const auto& s : segments) VMM_TRY_VOID(check_load_segment(s, image, memory));
  VMM_TRY_VOID(check_entry(entry, segments));
  // Everything is checked before the first byte is written.
  for (const auto& s : segments) VMM_TRY_VOID(copy_segment(s.header, image, memory));
  return describe(entry, segments);
}

Result<LoadedKernel> load_guest_image(const std::string& path, const GuestMemory& memory) {
  auto image = VMM_TRY(read_guest_image(path));
  auto kernel = load_pvh_elf(image, memory);
  if (!kernel.ok()) return make_error("guest image '" + path + "': " + kernel.error().message);
  return kernel;
}

}  // namespace vmm
