// The PVH ELF loader (vmm/loader) on an arbitrary file: ELF identification
// and headers of both classes, program and section header tables, the Xen
// PHYS32_ENTRY note in PT_NOTE segments and SHT_NOTE sections, and the copy
// of PT_LOAD segments into a 4 MiB guest.
//
// Invariants checked besides memory safety: a loaded kernel lies in guest
// RAM at or above 1 MiB, and its entry point is inside it and below 4 GiB.
//
// Input: the file, as it is.
#include "abi/platform.h"
#include "tests/fuzz/fuzz_input.h"
#include "vmm/loader/elf_image.h"
#include "vmm/loader/pvh_loader.h"
#include "vmm/loader/pvh_note.h"

namespace {

const vmm::GuestMemory& guest_memory() {
  static const vmm::GuestMemory* memory = [] {
    auto created = vmm::GuestMemory::create(4 << 20);
    if (!created.ok()) std::abort();
    auto* m = new vmm::GuestMemory(std::move(*created));
    const vmm::GuestRegion& ram = m->regions().front();
    vmm::fuzz::guard_mapping(ram.mapping.data(), ram.mapping.size());
    return m;
  }();
  return *memory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> image(data, size);
  const vmm::GuestMemory& memory = guest_memory();

  // The parsers on their own, past the point where load_pvh_elf would stop.
  if (auto header = vmm::loader::parse_elf_file_header(image); header.ok()) {
    (void)vmm::loader::parse_elf_section_headers(image, *header);
    if (auto segments = vmm::loader::parse_elf_program_headers(image, *header); segments.ok())
      (void)vmm::loader::find_pvh_entry(image, *header, *segments);
  }

  auto kernel = vmm::load_pvh_elf(image, memory);
  if (vmm::fuzz::verbose())
    std::fprintf(stderr, "pvh_loader_fuzz: %s\n", kernel.ok() ? "loaded" : kernel.error().message.c_str());
  if (!kernel.ok()) return 0;
  FUZZ_CHECK(kernel->image_start_gpa >= platform::kKernelLoadGpa);
  FUZZ_CHECK(kernel->image_start_gpa < kernel->image_end_gpa);
  FUZZ_CHECK(memory.contains(kernel->image_start_gpa, kernel->image_end_gpa - kernel->image_start_gpa));
  FUZZ_CHECK(kernel->entry_gpa >= kernel->image_start_gpa && kernel->entry_gpa < kernel->image_end_gpa);
  FUZZ_CHECK(kernel->entry_gpa <= UINT32_MAX);
  return 0;
}
