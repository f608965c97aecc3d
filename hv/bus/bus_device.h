// One handler signature for every bus (kvmtool's idea): a device sees an
// offset inside its own window, the access width through the span size, and
// which vCPU made the access. Port I/O and MMIO devices implement the same
// interface.
#pragma once

#include <cstdint>
#include <span>

namespace vmm {

struct BusAccess {
  uint64_t offset;  // from the start of the device's window
  uint32_t vcpu;    // index of the vCPU making the access
};

class BusDevice {
 public:
  virtual ~BusDevice() = default;
  virtual void read(const BusAccess& access, std::span<uint8_t> data) = 0;
  virtual void write(const BusAccess& access, std::span<const uint8_t> data) = 0;
};

}  // namespace vmm
