// A device's interrupt output, wired by the VM builder to a GSI of the
// in-kernel IOAPIC (KVM_IRQ_LINE). Tests substitute a recorder.
#pragma once

#include <cstdint>

namespace vmm {

class InterruptLine {
 public:
  virtual ~InterruptLine() = default;
  virtual void set_level(bool asserted) = 0;
};

}  // namespace vmm
