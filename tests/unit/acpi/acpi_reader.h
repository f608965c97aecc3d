// Reads ACPI tables back out of guest memory the way a guest would, for the
// tests: scan for the RSDP, follow pointers, split the MADT into entries.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hv/memory/guest_memory.h"

namespace vmm::test {

template <typename T>
T field(std::span<const uint8_t> bytes, size_t offset) {
  T value{};
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

uint8_t byte_sum(std::span<const uint8_t> bytes);

// ACPI 6.5 section 5.2.5.1: "RSD PTR " on a 16-byte boundary in
// 0xE0000-0xFFFFF whose first 20 bytes, and (revision 2) all 36, sum to 0.
std::optional<uint64_t> scan_for_rsdp(const GuestMemory& memory);

// The whole table at `gpa`, sized by its header's Length field.
std::vector<uint8_t> read_table(const GuestMemory& memory, uint64_t gpa);
std::string signature_of(std::span<const uint8_t> table);

// XSDT entries: 64-bit table addresses after the 36-byte header.
std::vector<uint64_t> xsdt_entries(std::span<const uint8_t> xsdt);

struct MadtEntry {
  uint8_t type;
  std::vector<uint8_t> bytes;  // the whole structure, type and length included
};
// Interrupt controller structures after the 44-byte MADT header; an entry
// whose length is 0 or runs past the table ends the list (and fails a check
// in the tests, which compare the sizes).
std::vector<MadtEntry> madt_entries(std::span<const uint8_t> madt);

}  // namespace vmm::test
