#include "vmm/acpi/sdt_header.h"

#include <string>

namespace vmm::acpi {

void begin_sdt(TableBytes& table, std::string_view signature, uint8_t revision) {
  table.text(signature, 4);
  table.u32(0);  // Length: finish_sdt()
  table.u8(revision);
  table.u8(0);   // Checksum: finish_sdt()
  table.text(kOemId, 6);
  // OEM Table ID: the OEM's name for this table; "VMM" + signature is unique.
  table.text(std::string("VMM") + std::string(signature), 8);
  table.u32(kOemRevision);
  table.text(kCreatorId, 4);
  table.u32(kCreatorRevision);
}

std::vector<uint8_t> finish_sdt(TableBytes&& table) {
  table.put_u32(kSdtLengthOffset, static_cast<uint32_t>(table.size()));
  std::vector<uint8_t> bytes = table.take();
  bytes[kSdtChecksumOffset] = checksum_complement(bytes);
  return bytes;
}

}  // namespace vmm::acpi
