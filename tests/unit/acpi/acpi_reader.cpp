#include "tests/unit/acpi/acpi_reader.h"

namespace vmm::test {

uint8_t byte_sum(std::span<const uint8_t> bytes) {
  uint8_t sum = 0;
  for (uint8_t b : bytes) sum = static_cast<uint8_t>(sum + b);
  return sum;
}

std::optional<uint64_t> scan_for_rsdp(const GuestMemory& memory) {
  for (uint64_t gpa = 0xE0000; gpa < 0x100000; gpa += 16) {
    std::vector<uint8_t> candidate(36);
    if (!memory.read(gpa, candidate).ok()) return std::nullopt;
    if (std::memcmp(candidate.data(), "RSD PTR ", 8) != 0) continue;
    if (byte_sum(std::span(candidate).first(20)) != 0) continue;
    if (candidate[15] >= 2 && byte_sum(candidate) != 0) continue;
    return gpa;
  }
  return std::nullopt;
}

std::vector<uint8_t> read_table(const GuestMemory& memory, uint64_t gpa) {
  auto length = memory.read_obj<uint32_t>(gpa + 4);
  if (!length.ok() || *length < 36) return {};
  std::vector<uint8_t> table(*length);
  if (!memory.read(gpa, table).ok()) return {};
  return table;
}

std::string signature_of(std::span<const uint8_t> table) {
  if (table.size() < 4) return "";
  return std::string(table.begin(), table.begin() + 4);
}

std::vector<uint64_t> xsdt_entries(std::span<const uint8_t> xsdt) {
  std::vector<uint64_t> entries;
  for (size_t at = 36; at + 8 <= xsdt.size(); at += 8) entries.push_back(field<uint64_t>(xsdt, at));
  return entries;
}

std::vector<MadtEntry> madt_entries(std::span<const uint8_t> madt) {
  std::vector<MadtEntry> entries;
  size_t at = 44;
  while (at + 2 <= madt.size()) {
    uint8_t length = madt[at + 1];
    if (length == 0 || at + length > madt.size()) break;
    entries.push_back({madt[at], std::vector<uint8_t>(madt.begin() + at, madt.begin() + at + length)});
    at += length;
  }
  return entries;
}

}  // namespace vmm::test
