// A validated, class-independent view of an untrusted ELF file: the file
// header and the program and section header tables, each checked against the
// file's size (System V gABI, "ELF Header", "Program Header", "Sections").
// ELF32 and ELF64 fields are widened to 64 bits so the loader has one path.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "hv/core/result.h"

namespace vmm::loader {

enum class ElfClass { k32, k64 };

// e_entry is absent on purpose: a PVH kernel is entered at the address in
// its Xen note, not at its ELF entry point.
struct ElfFileHeader {
  ElfClass elf_class;
  uint64_t phoff;
  uint64_t phentsize;
  uint64_t phnum;
  uint64_t shoff;
  uint64_t shentsize;
  uint64_t shnum;
};

struct ElfProgramHeader {
  uint32_t type;
  uint64_t offset;
  uint64_t paddr;
  uint64_t filesz;
  uint64_t memsz;
  uint64_t align;
};

struct ElfSectionHeader {
  uint32_t type;
  uint64_t offset;
  uint64_t size;
  uint64_t addralign;
  uint32_t link = 0;     // SHT_SYMTAB: the index of its string table
  uint64_t entsize = 0;  // SHT_SYMTAB: the size of one symbol
};

// Checks magic, class, byte order, version and machine (x86-64 for ELF64,
// i386 for ELF32): PVH enters the kernel in 32-bit protected mode either way.
Result<ElfFileHeader> parse_elf_file_header(std::span<const uint8_t> image);

// The program header table; refuses an empty or truncated one.
Result<std::vector<ElfProgramHeader>> parse_elf_program_headers(std::span<const uint8_t> image,
                                                                const ElfFileHeader& header);

// The section header table; an absent one (e_shnum == 0) is an empty list.
Result<std::vector<ElfSectionHeader>> parse_elf_section_headers(std::span<const uint8_t> image,
                                                                const ElfFileHeader& header);

}  // namespace vmm::loader
