#include "vmm/loader/elf_symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "hv/core/hex.h"
#include "vmm/loader/checked_range.h"
#include "vmm/loader/elf_image.h"
#include "vmm/loader/function_name.h"

namespace vmm::loader {

namespace {

// A NUL-terminated name inside the string table, or "" when it runs out.
std::string name_at(std::span<const uint8_t> strtab, uint32_t offset) {
  if (offset >= strtab.size()) return {};
  const auto* start = reinterpret_cast<const char*>(strtab.data() + offset);
  size_t length = strnlen(start, strtab.size() - offset);
  return length == strtab.size() - offset ? std::string() : std::string(start, length);
}

Result<std::vector<ElfSymbol>> read_functions(std::span<const uint8_t> image, const ElfSectionHeader& symtab,
                                              const ElfSectionHeader& strtab) {
  if (symtab.entsize < sizeof(Elf64_Sym)) return make_error("ELF: symbol table entries are too small");
  if (!range_within(symtab.offset, symtab.size, image.size()) || !range_within(strtab.offset, strtab.size, image.size()))
    return make_error("ELF: the symbol or string table runs past the end of the file");
  auto names = image.subspan(strtab.offset, strtab.size);
  std::vector<ElfSymbol> functions;
  for (uint64_t at = 0; at + symtab.entsize <= symtab.size; at += symtab.entsize) {
    Elf64_Sym sym;
    std::memcpy(&sym, image.data() + symtab.offset + at, sizeof sym);
    if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0) continue;
    functions.push_back({sym.st_value, sym.st_size, readable_function_name(name_at(names, sym.st_name))});
  }
  return functions;
}

}  // namespace

Result<ElfSymbolTable> ElfSymbolTable::parse(std::span<const uint8_t> image) {
  auto header = VMM_TRY(parse_elf_file_header(image));
  if (header.elf_class != ElfClass::k64) return make_error("ELF: symbols are read from ELF64 files only");
  auto sections = VMM_TRY(parse_elf_section_headers(image, header));
  ElfSymbolTable table;
  for (const auto& s : sections) {
    if (s.type != SHT_SYMTAB) continue;
    if (s.link >= sections.size()) return make_error("ELF: the symbol table's string table index is out of range");
    auto functions = VMM_TRY(read_functions(image, s, sections[s.link]));
    table.symbols_.insert(table.symbols_.end(), functions.begin(), functions.end());
  }
  std::sort(table.symbols_.begin(), table.symbols_.end(),
            [](const ElfSymbol& a, const ElfSymbol& b) { return a.address < b.address; });
  return table;
}

Result<ElfSymbolTable> ElfSymbolTable::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("cannot read " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto table = parse(bytes);
  if (!table) return make_error(path + ": " + table.error().message);
  return table;
}

const ElfSymbol* ElfSymbolTable::find(uint64_t address) const {
  auto after = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                [](uint64_t a, const ElfSymbol& s) { return a < s.address; });
  if (after == symbols_.begin()) return nullptr;
  const ElfSymbol& s = *std::prev(after);
  bool inside = s.size ? address - s.address < s.size : after == symbols_.end() || address < after->address;
  return inside ? &s : nullptr;
}

std::string ElfSymbolTable::describe(uint64_t address) const {
  const ElfSymbol* s = find(address);
  if (!s) return {};
  return address == s->address ? s->name : s->name + "+" + hex(address - s->address);
}

}  // namespace vmm::loader
