// A little-endian byte buffer for building one ACPI table: append fields in
// the order the spec lists them, or put a field at its spec offset. ACPI data
// is little-endian throughout (ACPI 6.5 section 5.2, "ACPI System Description
// Tables").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace vmm::acpi {

class TableBytes {
 public:
  void u8(uint8_t value) { bytes_.push_back(value); }
  void u16(uint16_t value) { append_le(value, 2); }
  void u32(uint32_t value) { append_le(value, 4); }
  void u64(uint64_t value) { append_le(value, 8); }
  void zeros(size_t count) { bytes_.insert(bytes_.end(), count, 0); }
  // `text` truncated or space-padded to exactly `width` bytes (OEM IDs).
  void text(std::string_view text, size_t width);

  void put_u8(size_t offset, uint8_t value) { bytes_.at(offset) = value; }
  void put_u16(size_t offset, uint16_t value) { put_le(offset, value, 2); }
  void put_u32(size_t offset, uint32_t value) { put_le(offset, value, 4); }
  void put_u64(size_t offset, uint64_t value) { put_le(offset, value, 8); }

  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  void append_le(uint64_t value, size_t width);
  void put_le(size_t offset, uint64_t value, size_t width);

  std::vector<uint8_t> bytes_;
};

// The byte that, stored in a checksum field currently holding 0, makes all
// of `bytes` sum to zero modulo 256 (ACPI 6.5 sections 5.2.5.3, 5.2.6).
uint8_t checksum_complement(std::span<const uint8_t> bytes);

}  // namespace vmm::acpi
