#include "vmm/loader/elf_image.h"

#include <elf.h>

#include <bit>
#include <cstring>
#include <string>
#include <type_traits>

#include "vmm/loader/checked_range.h"

namespace vmm::loader {

// ELF fields are read with memcpy straight into host structs: only valid on a
// little-endian host, which x86 always is.
static_assert(std::endian::native == std::endian::little);

namespace {

template <typename T>
T read_struct(std::span<const uint8_t> image, uint64_t offset) {
  T value;
  std::memcpy(&value, image.data() + offset, sizeof(T));
  return value;
}

Error another_machine(const std::string& why) {
  return make_error("built for another machine (" + why + ")");
}

Result<ElfClass> check_identification(std::span<const uint8_t> image) {
  if (image.empty()) return make_error("file is empty");
  if (image.size() < SELFMAG || std::memcmp(image.data(), ELFMAG, SELFMAG) != 0)
    return make_error("not an ELF file");
  if (image.size() < EI_NIDENT) return make_error("truncated ELF file (identification)");
  if (image[EI_DATA] != ELFDATA2LSB)
    return another_machine("big-endian or unknown byte order; x86 is little-endian");
  if (image[EI_VERSION] != EV_CURRENT)
    return make_error("unsupported ELF version " + std::to_string(image[EI_VERSION]));
  if (image[EI_CLASS] == ELFCLASS32) return ElfClass::k32;
  if (image[EI_CLASS] == ELFCLASS64) return ElfClass::k64;
  return another_machine("unknown ELF class " + std::to_string(image[EI_CLASS]));
}

template <typename Ehdr>
Result<ElfFileHeader> widen_file_header(std::span<const uint8_t> image, ElfClass elf_class,
                                        uint16_t expected_machine, const char* machine_name) {
  if (image.size() < sizeof(Ehdr)) return make_error("truncated ELF file (file header)");
  auto ehdr = read_struct<Ehdr>(image, 0);
  if (ehdr.e_machine != expected_machine)
    return another_machine("ELF machine " + std::to_string(ehdr.e_machine) + ", expected " +
                           machine_name);
  return ElfFileHeader{.elf_class = elf_class,
                       .phoff = ehdr.e_phoff,
                       .phentsize = ehdr.e_phentsize,
                       .phnum = ehdr.e_phnum,
                       .shoff = ehdr.e_shoff,
                       .shentsize = ehdr.e_shentsize,
                       .shnum = ehdr.e_shnum};
}

// Checks that `count` entries of `entsize` bytes (at least `min_entsize`)
// starting at `offset` lie inside the file.
Result<void> check_table(std::span<const uint8_t> image, uint64_t offset, uint64_t entsize,
                         uint64_t count, uint64_t min_entsize, const char* what) {
  if (entsize < min_entsize)
    return make_error(std::string("malformed ELF file (") + what + " entry size " +
                      std::to_string(entsize) + " is too small)");
  uint64_t bytes = 0;
  if (!checked_mul(entsize, count, &bytes) || !range_within(offset, bytes, image.size()))
    return make_error(std::string("truncated ELF file (") + what +
                      " table runs past the end of the file)");
  return ok();
}

template <typename Phdr>
ElfProgramHeader widen_entry(const Phdr& p, std::type_identity<ElfProgramHeader>) {
  return ElfProgramHeader{p.p_type, p.p_offset, p.p_paddr, p.p_filesz, p.p_memsz, p.p_align};
}

template <typename Shdr>
ElfSectionHeader widen_entry(const Shdr& s, std::type_identity<ElfSectionHeader>) {
  return ElfSectionHeader{s.sh_type, s.sh_offset, s.sh_size, s.sh_addralign, s.sh_link, s.sh_entsize};
}

// A table of `count` entries of `entsize` bytes at `offset`, each read as
// the class's own struct (Entry64 or Entry32) and widened to Wide.
template <typename Wide, typename Entry64, typename Entry32>
Result<std::vector<Wide>> read_table(std::span<const uint8_t> image, ElfClass elf_class, uint64_t offset,
                                     uint64_t entsize, uint64_t count, const char* what) {
  bool is64 = elf_class == ElfClass::k64;
  VMM_TRY_VOID(check_table(image, offset, entsize, count, is64 ? sizeof(Entry64) : sizeof(Entry32), what));
  std::vector<Wide> entries;
  entries.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t at = offset + i * entsize;  // in range: checked above
    constexpr std::type_identity<Wide> kTo;
    entries.push_back(is64 ? widen_entry(read_struct<Entry64>(image, at), kTo)
                           : widen_entry(read_struct<Entry32>(image, at), kTo));
  }
  return entries;
}

}  // namespace

Result<ElfFileHeader> parse_elf_file_header(std::span<const uint8_t> image) {
  ElfClass elf_class = VMM_TRY(check_identification(image));
  if (elf_class == ElfClass::k64)
    return widen_file_header<Elf64_Ehdr>(image, elf_class, EM_X86_64, "x86-64 (62)");
  return widen_file_header<Elf32_Ehdr>(image, elf_class, EM_386, "i386 (3)");
}

Result<std::vector<ElfProgramHeader>> parse_elf_program_headers(std::span<const uint8_t> image,
                                                                const ElfFileHeader& header) {
  if (header.phnum == 0 || header.phoff == 0) return make_error("no program headers");
  return read_table<ElfProgramHeader, Elf64_Phdr, Elf32_Phdr>(image, header.elf_class, header.phoff,
                                                               header.phentsize, header.phnum, "program header");
}

Result<std::vector<ElfSectionHeader>> parse_elf_section_headers(std::span<const uint8_t> image,
                                                                const ElfFileHeader& header) {
  if (header.shnum == 0 || header.shoff == 0) return std::vector<ElfSectionHeader>{};
  return read_table<ElfSectionHeader, Elf64_Shdr, Elf32_Shdr>(image, header.elf_class, header.shoff,
                                                               header.shentsize, header.shnum, "section header");
}

}  // namespace vmm::loader
