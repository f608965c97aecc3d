#include "vmm/app/guest_symbolizer.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "vmm/loader/elf_symbols.h"

namespace vmm {

GuestSymbolizer guest_symbolizer(std::span<const uint8_t> image) {
  auto table = loader::ElfSymbolTable::parse(image);
  if (!table.ok()) {
    spdlog::debug("guest symbols not read: {}", table.error().message);
    return nullptr;
  }
  if (table->size() == 0) return nullptr;
  auto symbols = std::make_shared<const loader::ElfSymbolTable>(std::move(*table));
  return [symbols](uint64_t address) { return symbols->describe(address); };
}

}  // namespace vmm
