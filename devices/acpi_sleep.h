// The ACPI hardware-reduced sleep control and status registers (ACPI 6.x
// 4.8.3.7) that the FADT points at. Writing SLP_EN with sleep type S5 is the
// guest's clean power-off: the VM ends with status 0.
#pragma once

#include "hv/bus/bus_device.h"
#include "hv/core/vm_lifecycle.h"

namespace vmm {

class AcpiSleepRegisters : public BusDevice {
 public:
  explicit AcpiSleepRegisters(VmLifecycle& lifecycle) : lifecycle_(lifecycle) {}
  // Window: offset 0 = SLEEP_CONTROL_REG, offset 1 = SLEEP_STATUS_REG.
  void read(const BusAccess& access, std::span<uint8_t> data) override;
  void write(const BusAccess& access, std::span<const uint8_t> data) override;

 private:
  VmLifecycle& lifecycle_;
};

}  // namespace vmm
