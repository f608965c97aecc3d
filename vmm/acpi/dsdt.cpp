#include "vmm/acpi/dsdt.h"

#include "abi/platform.h"
#include "vmm/acpi/sdt_header.h"

namespace vmm::acpi {

namespace {

// Name (_S5, Package () { 5, 0, 0, 0 }) hand-encoded (ACPI 6.5 section 20.2,
// "AML Grammar Definition"; section 7.4.2 for the \_Sx package: SLP_TYPa,
// SLP_TYPb, reserved, reserved). Every integer uses BytePrefix so that a
// simple byte scanner (our guest's) can find the value after "_S5_":
//
//   08              NameOp
//   5F 53 35 5F     NameSeg "_S5_"
//   12              PackageOp
//   0A              PkgLength: 10 bytes, counting itself (one-byte form)
//   04              NumElements
//   0A 05           BytePrefix 5   SLP_TYPa = S5
//   0A 00           BytePrefix 0   SLP_TYPb
//   0A 00           BytePrefix 0   reserved
//   0A 00           BytePrefix 0   reserved
constexpr uint8_t kNameOp = 0x08;
constexpr uint8_t kPackageOp = 0x12;
constexpr uint8_t kBytePrefix = 0x0A;

void append_s5_package(TableBytes& t) {
  t.u8(kNameOp);
  t.text("_S5_", 4);
  t.u8(kPackageOp);
  t.u8(10);  // PkgLength: itself + NumElements + 4 * (prefix + byte)
  t.u8(4);
  const uint8_t elements[4] = {platform::kSleepTypeS5, 0, 0, 0};
  for (uint8_t value : elements) {
    t.u8(kBytePrefix);
    t.u8(value);
  }
}

}  // namespace

std::vector<uint8_t> build_dsdt() {
  TableBytes t;
  begin_sdt(t, "DSDT", 2);  // revision 2: AML integers are 64-bit
  append_s5_package(t);
  return finish_sdt(std::move(t));
}

}  // namespace vmm::acpi
