#include "arch/x86/platform/power.h"

#include "abi/platform.h"
#include "arch/x86/cpu/tsc.h"
#include "arch/x86/include/layout.h"
#include "arch/x86/include/x86.h"
#include "arch/x86/platform/acpi.h"
#include "mm/kernel_page_tables.h"

namespace {

// Legacy PM1 control register fields (ACPI 6.5, 4.8.3.2.1, table 4.13).
constexpr uint16_t kPm1SlpTypShift = 10;
constexpr uint16_t kPm1SlpEn = 1u << 13;

constexpr uint64_t kPowerOffGraceUs = 1'000'000;

Status write_register(const acpi::GenericAddress& reg, uint32_t value, uint32_t bytes) {
  if (reg.address == 0) return Status::error("power: no ACPI sleep register");
  if (reg.space_id == acpi::kSpaceIo) {
    auto port = static_cast<uint16_t>(reg.address);
    if (bytes == 2) x86::outw(port, static_cast<uint16_t>(value));
    else x86::outb(port, static_cast<uint8_t>(value));
    return Status::ok();
  }
  if (reg.space_id != acpi::kSpaceMemory) return Status::error("power: unsupported address space");
  if (reg.address + bytes > vm::direct_map_end()) return Status::error("power: register not mapped");
  uint64_t va = layout::kDirectMapBase + reg.address;
  if (bytes == 2) x86::mmio_write16(va, static_cast<uint16_t>(value));
  else x86::mmio_write8(va, static_cast<uint8_t>(value));
  return Status::ok();
}

}  // namespace

Status power_off() {
  const acpi::Info& a = acpi::g_info;
  if (a.hw_reduced) {
    // Sleep control register (ACPI 6.5, 4.8.3.7): SLP_TYPx in bits 2-4,
    // SLP_EN in bit 5; one byte.
    uint32_t v = (uint32_t{a.s5_sleep_type} << abi::kSleepControlTypShift) |
                 abi::kSleepControlEnable;
    TRY(write_register(a.sleep_control, v, 1));
  } else {
    uint32_t v = (uint32_t{a.s5_sleep_type} << kPm1SlpTypShift) | kPm1SlpEn;
    TRY(write_register(a.pm1a_control, v, 2));
  }
  // The VMM stops the VM on the write; if it does not, let the caller panic.
  udelay(kPowerOffGraceUs);
  return Status::error("power: still running after the S5 request");
}
