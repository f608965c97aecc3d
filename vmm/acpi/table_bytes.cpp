#include "vmm/acpi/table_bytes.h"

namespace vmm::acpi {

void TableBytes::text(std::string_view text, size_t width) {
  for (size_t i = 0; i < width; ++i) bytes_.push_back(i < text.size() ? text[i] : ' ');
}

void TableBytes::append_le(uint64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void TableBytes::put_le(size_t offset, uint64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) bytes_.at(offset + i) = static_cast<uint8_t>(value >> (8 * i));
}

uint8_t checksum_complement(std::span<const uint8_t> bytes) {
  uint8_t sum = 0;
  for (uint8_t b : bytes) sum = static_cast<uint8_t>(sum + b);
  return static_cast<uint8_t>(-sum);
}

}  // namespace vmm::acpi
