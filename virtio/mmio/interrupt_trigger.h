// How a transport interrupts the driver: one edge per call. In the VM it is
// an eventfd bound to a GSI of the in-kernel IOAPIC with KVM_IRQFD; tests
// count calls. Callable from any thread.
#pragma once

namespace vmm::virtio {

class InterruptTrigger {
 public:
  virtual ~InterruptTrigger() = default;
  virtual void trigger() = 0;
};

}  // namespace vmm::virtio
