#include "vmm/acpi/root_pointers.h"

#include <span>

#include "vmm/acpi/sdt_header.h"
#include "vmm/acpi/table_bytes.h"

namespace vmm::acpi {

// ACPI 6.5 Table 5.3: Signature(8) Checksum(1) OEMID(6) Revision(1)
// RsdtAddress(4) | Length(4) XsdtAddress(8) ExtendedChecksum(1) Reserved(3).
// Checksum covers the first 20 bytes, ExtendedChecksum all 36.
std::vector<uint8_t> build_rsdp(uint64_t xsdt_gpa) {
  constexpr size_t kChecksumOffset = 8;
  constexpr size_t kExtendedChecksumOffset = 32;
  TableBytes t;
  t.text("RSD PTR ", 8);
  t.u8(0);
  t.text(kOemId, 6);
  t.u8(2);  // Revision 2: ACPI 2.0+ layout with XsdtAddress
  t.u32(0);
  t.u32(kRsdpSize);
  t.u64(xsdt_gpa);
  t.u8(0);
  t.zeros(3);
  std::vector<uint8_t> rsdp = t.take();
  rsdp[kChecksumOffset] = checksum_complement(std::span(rsdp).first(kRsdpV1ChecksumLength));
  rsdp[kExtendedChecksumOffset] = checksum_complement(rsdp);
  return rsdp;
}

std::vector<uint8_t> build_xsdt(std::span<const uint64_t> table_gpas) {
  TableBytes t;
  begin_sdt(t, "XSDT", 1);
  for (uint64_t gpa : table_gpas) t.u64(gpa);
  return finish_sdt(std::move(t));
}

}  // namespace vmm::acpi
