// The function symbols of an ELF64 file's symbol table (System V gABI,
// "Symbol Table"; SHT_SYMTAB, its string table by sh_link), for naming a
// guest address: the guest kernel's RIP in an emulation trace or in an
// internal-error dump. A stripped file has none, which is not an error.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hv/core/result.h"

namespace vmm::loader {

struct ElfSymbol {
  uint64_t address;
  uint64_t size;  // 0: unknown, taken to reach the next symbol
  std::string name;  // C++ names demangled, without parameters (function_name.h)
};

class ElfSymbolTable {
 public:
  // The STT_FUNC symbols with an address, sorted by address. An error says
  // what is wrong with the file; no symbol table gives an empty table.
  static Result<ElfSymbolTable> parse(std::span<const uint8_t> image);
  static Result<ElfSymbolTable> load(const std::string& path);

  // The function holding `address`, or nullptr.
  const ElfSymbol* find(uint64_t address) const;
  // "name+0x12", or "" when no function holds it.
  std::string describe(uint64_t address) const;
  size_t size() const { return symbols_.size(); }

 private:
  std::vector<ElfSymbol> symbols_;
};

}  // namespace vmm::loader
