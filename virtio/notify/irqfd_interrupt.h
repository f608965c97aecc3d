// An InterruptTrigger that KVM delivers: an eventfd bound with KVM_IRQFD to a
// GSI of the in-kernel IOAPIC. Each trigger() is one edge on that pin,
// injected by KVM without the vCPU leaving the guest for the VMM. The
// binding is undone when this object goes (before the KvmVm it names).
#pragma once

#include <cstdint>
#include <memory>

#include "virtio/mmio/interrupt_trigger.h"
#include "virtio/notify/event_fd.h"
#include "hv/kvm/kvm.h"

namespace vmm::virtio {

class IrqfdInterrupt : public InterruptTrigger {
 public:
  static Result<std::unique_ptr<IrqfdInterrupt>> create(KvmVm& vm, uint32_t gsi);
  ~IrqfdInterrupt() override;
  IrqfdInterrupt(const IrqfdInterrupt&) = delete;
  IrqfdInterrupt& operator=(const IrqfdInterrupt&) = delete;

  void trigger() override { event_.signal(); }

 private:
  IrqfdInterrupt(KvmVm& vm, uint32_t gsi, EventFd event)
      : vm_(vm), gsi_(gsi), event_(std::move(event)) {}

  KvmVm& vm_;
  uint32_t gsi_;
  EventFd event_;
};

}  // namespace vmm::virtio
