#include "virtio/notify/irqfd_interrupt.h"

#include <spdlog/spdlog.h>

namespace vmm::virtio {

Result<std::unique_ptr<IrqfdInterrupt>> IrqfdInterrupt::create(KvmVm& vm, uint32_t gsi) {
  EventFd event = VMM_TRY(EventFd::create());
  auto bound = vm.register_irqfd(gsi, event.fd(), false);
  if (!bound.ok())
    return make_error("irqfd for GSI " + std::to_string(gsi) + ": " + bound.error().message);
  return std::unique_ptr<IrqfdInterrupt>(new IrqfdInterrupt(vm, gsi, std::move(event)));
}

IrqfdInterrupt::~IrqfdInterrupt() {
  auto unbound = vm_.register_irqfd(gsi_, event_.fd(), true);
  if (!unbound.ok()) spdlog::debug("irqfd for GSI {}: {}", gsi_, unbound.error().message);
}

}  // namespace vmm::virtio
