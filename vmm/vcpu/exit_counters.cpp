#include "vmm/vcpu/exit_counters.h"

#include "vmm/kvm/kvm_uapi.h"

namespace vmm {

void VcpuExitCounters::count_exit(uint32_t reason) {
  std::lock_guard lock(mutex_);
  ++counts_.total;
  ++counts_.by_reason[reason];
}

void VcpuExitCounters::count_pio(uint16_t port, Direction direction) {
  std::lock_guard lock(mutex_);
  ++counts_.pio[PioKey{port, direction}];
}

void VcpuExitCounters::count_mmio(const std::string& region, Direction direction) {
  std::lock_guard lock(mutex_);
  ++counts_.mmio[MmioKey{region, direction}];
}

ExitCounts VcpuExitCounters::snapshot() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::string exit_reason_name(uint32_t reason) {
  switch (reason) {
    case KVM_EXIT_UNKNOWN: return "UNKNOWN";
    case KVM_EXIT_EXCEPTION: return "EXCEPTION";
    case KVM_EXIT_IO: return "IO";
    case KVM_EXIT_HYPERCALL: return "HYPERCALL";
    case KVM_EXIT_DEBUG: return "DEBUG";
    case KVM_EXIT_HLT: return "HLT";
    case KVM_EXIT_MMIO: return "MMIO";
    case KVM_EXIT_IRQ_WINDOW_OPEN: return "IRQ_WINDOW_OPEN";
    case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
    case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
    case KVM_EXIT_INTR: return "INTR";
    case KVM_EXIT_SET_TPR: return "SET_TPR";
    case KVM_EXIT_TPR_ACCESS: return "TPR_ACCESS";
    case KVM_EXIT_NMI: return "NMI";
    case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
    case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
    case KVM_EXIT_IOAPIC_EOI: return "IOAPIC_EOI";
    case KVM_EXIT_HYPERV: return "HYPERV";
    case KVM_EXIT_X86_RDMSR: return "X86_RDMSR";
    case KVM_EXIT_X86_WRMSR: return "X86_WRMSR";
    case KVM_EXIT_DIRTY_RING_FULL: return "DIRTY_RING_FULL";
    case KVM_EXIT_X86_BUS_LOCK: return "X86_BUS_LOCK";
    default: return "UNKNOWN_" + std::to_string(reason);
  }
}

}  // namespace vmm
