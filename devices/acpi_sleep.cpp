#include "devices/acpi_sleep.h"

#include <spdlog/spdlog.h>

#include <cstring>

#include "abi/platform.h"
#include "hv/core/exit_status.h"

namespace vmm {

namespace {

constexpr uint8_t kSleepTypeMask = 0x7;

}  // namespace

void AcpiSleepRegisters::read(const BusAccess&, std::span<uint8_t> data) {
  // Neither register has state to report: the VM never wakes from sleep.
  std::memset(data.data(), 0, data.size());
}

void AcpiSleepRegisters::write(const BusAccess& access, std::span<const uint8_t> data) {
  if (access.offset != 0 || data.empty()) return;  // status register: write-1-to-clear, nothing set
  uint8_t value = data[0];
  if (!(value & platform::kSleepControlEnable)) return;
  uint8_t type = (value >> platform::kSleepControlTypShift) & kSleepTypeMask;
  if (type != platform::kSleepTypeS5) {
    spdlog::warn("vcpu {}: guest asked for sleep type {}, which this VMM does not offer",
                 access.vcpu, type);
    return;
  }
  lifecycle_.request_stop(kStatusPoweredOff,
                          "vcpu " + std::to_string(access.vcpu) + ": guest powered off");
}

}  // namespace vmm
