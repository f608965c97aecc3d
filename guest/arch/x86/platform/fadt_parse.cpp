// FADT parsing (ACPI 6.5, 5.2.9, table 5.9) and the \_S5 sleep type from
// the DSDT (7.4.2: \_S5 is a Package whose first element is SLP_TYPa).
#include "abi/platform.h"
#include "arch/x86/platform/acpi.h"
#include "lib/kstring.h"

namespace acpi {
namespace {

// Byte offsets in the FADT (table 5.9).
constexpr uint32_t kDsdt = 40;             // 32-bit physical address
constexpr uint32_t kPm1aCntBlk = 64;       // 32-bit I/O port
constexpr uint32_t kFlags = 112;
constexpr uint32_t kXDsdt = 140;           // 64-bit physical address
constexpr uint32_t kXPm1aCntBlk = 172;     // GAS
constexpr uint32_t kSleepControlReg = 244; // GAS, hardware-reduced only

constexpr uint32_t kFlagHwReduced = 1u << 20;  // HW_REDUCED_ACPI (table 5.10)

// AML opcodes (ACPI 6.5, 20.2).
constexpr uint8_t kNameOp = 0x08;
constexpr uint8_t kRootChar = 0x5C;  // '\'
constexpr uint8_t kPackageOp = 0x12;
constexpr uint8_t kZeroOp = 0x00;
constexpr uint8_t kOneOp = 0x01;
constexpr uint8_t kBytePrefix = 0x0A;
constexpr uint8_t kWordPrefix = 0x0B;
constexpr uint8_t kDwordPrefix = 0x0C;

template <typename T>
bool read_at(const TableHeader* t, uint32_t offset, T* out) {
  if (offset + sizeof(T) > t->length) return false;
  memcpy(out, reinterpret_cast<const uint8_t*>(t) + offset, sizeof(T));
  return true;
}

// Decodes the integer at aml[i] (an AML ComputationalData); false if it is
// something else.
bool decode_integer(const uint8_t* aml, uint32_t i, uint32_t end, uint8_t* out) {
  if (i >= end) return false;
  switch (aml[i]) {
    case kZeroOp: *out = 0; return true;
    case kOneOp: *out = 1; return true;
    case kBytePrefix:
    case kWordPrefix:
    case kDwordPrefix:  // SLP_TYP is 3 bits: the low byte is enough
      if (i + 1 >= end) return false;
      *out = aml[i + 1];
      return true;
    default: return false;
  }
}

// Given the offset just past the name "_S5_", decodes
// PackageOp PkgLength NumElements <SLP_TYPa> ...
bool decode_s5_package(const uint8_t* aml, uint32_t i, uint32_t end, uint8_t* slp_typ) {
  if (i >= end || aml[i] != kPackageOp) return false;
  ++i;
  if (i >= end) return false;
  // PkgLength (20.2.4): bits 7-6 of the lead byte = count of extra bytes.
  i += 1 + (aml[i] >> 6);
  ++i;  // NumElements
  return decode_integer(aml, i, end, slp_typ);
}

bool find_s5(const TableHeader* dsdt, uint8_t* slp_typ) {
  auto* aml = reinterpret_cast<const uint8_t*>(dsdt);
  uint32_t end = dsdt->length;
  for (uint32_t i = sizeof(TableHeader) + 1; i + 4 <= end; ++i) {
    if (memcmp(aml + i, "_S5_", 4) != 0) continue;
    // Must be the object's NameOp, not a reference to it somewhere.
    bool named = aml[i - 1] == kNameOp || (aml[i - 1] == kRootChar && aml[i - 2] == kNameOp);
    if (named && decode_s5_package(aml, i + 4, end, slp_typ)) return true;
  }
  return false;
}

void read_sleep_type(const TableHeader* fadt) {
  uint64_t dsdt_phys = 0;
  uint32_t dsdt32 = 0;
  if (!read_at(fadt, kXDsdt, &dsdt_phys) || dsdt_phys == 0) {
    if (read_at(fadt, kDsdt, &dsdt32)) dsdt_phys = dsdt32;
  }
  g_info.s5_sleep_type = abi::kSleepTypeS5;  // what QEMU and this VMM use
  g_info.s5_from_dsdt = false;
  const TableHeader* dsdt = table_at(dsdt_phys);
  uint8_t typ;
  if (dsdt && memcmp(dsdt->signature, "DSDT", 4) == 0 && find_s5(dsdt, &typ)) {
    g_info.s5_sleep_type = typ & 7;
    g_info.s5_from_dsdt = true;
  }
}

void read_legacy_pm1a(const TableHeader* fadt) {
  GenericAddress x{};
  if (read_at(fadt, kXPm1aCntBlk, &x) && x.address != 0) {
    g_info.pm1a_control = x;
    return;
  }
  uint32_t port = 0;
  if (read_at(fadt, kPm1aCntBlk, &port)) g_info.pm1a_control = {kSpaceIo, 16, 0, 2, port};
}

}  // namespace

Status parse_fadt(const TableHeader* fadt) {
  uint32_t flags = 0;
  if (!read_at(fadt, kFlags, &flags)) return Status::error("acpi: FADT too short");
  g_info.hw_reduced = (flags & kFlagHwReduced) != 0;
  if (g_info.hw_reduced) {
    if (!read_at(fadt, kSleepControlReg, &g_info.sleep_control)) {
      return Status::error("acpi: hardware-reduced FADT without SLEEP_CONTROL_REG");
    }
  } else {
    read_legacy_pm1a(fadt);
  }
  read_sleep_type(fadt);
  return Status::ok();
}

}  // namespace acpi
