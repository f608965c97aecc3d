// The header every ACPI system description table starts with (ACPI 6.5
// section 5.2.6, Table 5.4), and the identity this VMM puts in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "vmm/acpi/table_bytes.h"

namespace vmm::acpi {

inline constexpr size_t kSdtHeaderSize = 36;
inline constexpr size_t kSdtLengthOffset = 4;
inline constexpr size_t kSdtChecksumOffset = 9;

inline constexpr std::string_view kOemId = "VMMKVM";      // 6 bytes
inline constexpr std::string_view kCreatorId = "VMMK";    // 4 bytes
inline constexpr uint32_t kOemRevision = 1;
inline constexpr uint32_t kCreatorRevision = 1;

// Appends a header for `signature` (4 characters) with length and checksum
// left 0; finish_sdt() fills them in once the body is complete.
void begin_sdt(TableBytes& table, std::string_view signature, uint8_t revision);

// Sets the Length field to the table's size and the Checksum field so that
// all bytes sum to zero.
std::vector<uint8_t> finish_sdt(TableBytes&& table);

}  // namespace vmm::acpi
