// Builds small ELF images in memory for the loader tests: an ELF header,
// program headers, segment contents, notes, optionally section headers.
// Tests corrupt the result with poke() at offsets the builder reports.
#pragma once

#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace vmm::test {

struct NoteSpec {
  std::string name;  // written with its NUL
  uint32_t type;
  std::vector<uint8_t> desc;
};

struct BuiltElf {
  std::vector<uint8_t> bytes;
  size_t phoff = 0;                       // program header table
  size_t phentsize = 0;
  std::vector<size_t> load_header_offsets;  // each PT_LOAD's program header
  size_t notes_offset = 0;                // first note in the file
};

class ElfBuilder {
 public:
  enum class Class { k32, k64 };
  explicit ElfBuilder(Class elf_class) : class_(elf_class) {}

  ElfBuilder& load(uint64_t paddr, std::vector<uint8_t> data, uint64_t memsz);
  ElfBuilder& note(NoteSpec note);
  // The Xen PHYS32_ENTRY note with a `descsz`-byte (4 or 8) descriptor.
  ElfBuilder& pvh_entry(uint64_t entry, size_t descsz = 4);
  // Notes go in an SHT_NOTE section only, with no PT_NOTE segment.
  ElfBuilder& notes_in_section_only();
  // Note area alignment, 4 (default) or 8 (as binutils does for GNU
  // property notes): descriptors and notes start on that boundary.
  ElfBuilder& notes_aligned_to(size_t alignment);

  BuiltElf build() const;

 private:
  struct Load {
    uint64_t paddr;
    std::vector<uint8_t> data;
    uint64_t memsz;
  };

  Class class_;
  std::vector<Load> loads_;
  std::vector<NoteSpec> notes_;
  bool notes_in_section_only_ = false;
  size_t note_alignment_ = 4;
};

// Overwrites sizeof(T) bytes at `offset`.
template <typename T>
void poke(std::vector<uint8_t>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

std::vector<uint8_t> encode_notes(const std::vector<NoteSpec>& notes, size_t alignment);

}  // namespace vmm::test
