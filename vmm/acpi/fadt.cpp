#include "vmm/acpi/fadt.h"

#include "abi/platform.h"
#include "vmm/acpi/sdt_header.h"
#include "vmm/acpi/table_bytes.h"

namespace vmm::acpi {

namespace {

// Generic Address Structure (ACPI 6.5 section 5.2.3.2, Table 5.1).
struct GenericAddress {
  uint8_t space_id;
  uint8_t bit_width;
  uint8_t bit_offset;
  uint8_t access_size;
  uint64_t address;
};

constexpr uint8_t kSpaceSystemIo = 1;
constexpr uint8_t kAccessByte = 1;

GenericAddress io_byte_register(uint16_t port) {
  return GenericAddress{kSpaceSystemIo, 8, 0, kAccessByte, port};
}

void put_gas(TableBytes& t, size_t offset, const GenericAddress& gas) {
  t.put_u8(offset, gas.space_id);
  t.put_u8(offset + 1, gas.bit_width);
  t.put_u8(offset + 2, gas.bit_offset);
  t.put_u8(offset + 3, gas.access_size);
  t.put_u64(offset + 4, gas.address);
}

// FADT Major Version 6 (header Revision) and Minor Version 5: ACPI 6.5.
constexpr uint8_t kFadtRevision = 6;
constexpr uint8_t kFadtMinorVersion = 5;

// Hypervisor Vendor Identity (Table 5.9, offset 268): 8 bytes, all of them
// part of the identity.
constexpr char kHypervisorVendor[9] = "VMMKVM  ";

}  // namespace

std::vector<uint8_t> build_fadt(uint64_t dsdt_gpa) {
  TableBytes t;
  begin_sdt(t, "FACP", kFadtRevision);
  t.zeros(kFadtSize - kSdtHeaderSize);
  // The 32-bit FIRMWARE_CTRL/DSDT stay 0: X_DSDT is used when non-zero, and
  // a hardware-reduced platform may omit the FACS (Table 5.9).
  t.put_u16(kFadtIapcBootArchOffset, kIapcVgaNotPresent | kIapcCmosRtcNotPresent);
  t.put_u32(kFadtFlagsOffset, kFadtHwReducedAcpi);
  t.put_u8(kFadtMinorVersionOffset, kFadtMinorVersion);
  t.put_u64(kFadtXDsdtOffset, dsdt_gpa);
  put_gas(t, kFadtSleepControlOffset, io_byte_register(platform::kAcpiSleepControlPort));
  put_gas(t, kFadtSleepStatusOffset, io_byte_register(platform::kAcpiSleepStatusPort));
  for (size_t i = 0; i < 8; ++i)
    t.put_u8(kFadtHypervisorIdOffset + i, static_cast<uint8_t>(kHypervisorVendor[i]));
  return finish_sdt(std::move(t));
}

}  // namespace vmm::acpi
