// QEMU isa-debug-exit compatible port (0x501): a write of value v ends the
// VM with process status (v << 1) | 1.
#pragma once

#include "hv/bus/bus_device.h"
#include "hv/core/vm_lifecycle.h"

namespace vmm {

class DebugExit : public BusDevice {
 public:
  explicit DebugExit(VmLifecycle& lifecycle) : lifecycle_(lifecycle) {}
  void read(const BusAccess& access, std::span<uint8_t> data) override;
  void write(const BusAccess& access, std::span<const uint8_t> data) override;

 private:
  VmLifecycle& lifecycle_;
};

}  // namespace vmm
