// A tiny ELF64 file with a symbol table and nothing else, for the symbol
// reader's tests: ELF header, .strtab, .symtab, section headers (null,
// .symtab, .strtab).
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace vmm::test {

struct SymtabEntry {
  std::string name;
  uint64_t address;
  uint64_t size;
  unsigned char type = STT_FUNC;
};

inline std::vector<uint8_t> symtab_elf(const std::vector<SymtabEntry>& symbols) {
  std::string strtab(1, '\0');
  std::vector<Elf64_Sym> syms(1);  // index 0: the null symbol
  for (const auto& s : symbols) {
    Elf64_Sym sym{};
    sym.st_name = static_cast<uint32_t>(strtab.size());
    sym.st_info = ELF64_ST_INFO(STB_GLOBAL, s.type);
    sym.st_value = s.address;
    sym.st_size = s.size;
    sym.st_shndx = 1;
    strtab += s.name + '\0';
    syms.push_back(sym);
  }
  size_t strtab_at = sizeof(Elf64_Ehdr);
  size_t symtab_at = (strtab_at + strtab.size() + 7) & ~size_t{7};
  size_t shdr_at = symtab_at + syms.size() * sizeof(Elf64_Sym);
  std::vector<uint8_t> image(shdr_at + 3 * sizeof(Elf64_Shdr));
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shoff = shdr_at;
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  std::memcpy(image.data(), &eh, sizeof eh);
  std::memcpy(image.data() + strtab_at, strtab.data(), strtab.size());
  std::memcpy(image.data() + symtab_at, syms.data(), syms.size() * sizeof(Elf64_Sym));
  Elf64_Shdr sh[3]{};
  sh[1].sh_type = SHT_SYMTAB;
  sh[1].sh_offset = symtab_at;
  sh[1].sh_size = syms.size() * sizeof(Elf64_Sym);
  sh[1].sh_link = 2;
  sh[1].sh_entsize = sizeof(Elf64_Sym);
  sh[2].sh_type = SHT_STRTAB;
  sh[2].sh_offset = strtab_at;
  sh[2].sh_size = strtab.size();
  std::memcpy(image.data() + shdr_at, sh, sizeof sh);
  return image;
}

}  // namespace vmm::test
