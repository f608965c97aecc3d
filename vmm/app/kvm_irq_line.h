// An InterruptLine wired to one GSI of KVM's in-kernel IOAPIC (KVM_IRQ_LINE).
#pragma once

#include <spdlog/spdlog.h>

#include "devices/interrupt_line.h"
#include "hv/kvm/kvm.h"

namespace vmm {

class KvmIrqLine : public InterruptLine {
 public:
  KvmIrqLine(KvmVm& vm, uint32_t gsi) : vm_(vm), gsi_(gsi) {}
  void set_level(bool asserted) override {
    auto r = vm_.set_irq_line(gsi_, asserted);
    if (!r.ok()) spdlog::error("GSI {}: {}", gsi_, r.error().message);
  }

 private:
  KvmVm& vm_;
  uint32_t gsi_;
};

}  // namespace vmm
