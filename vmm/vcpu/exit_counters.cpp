#include "vmm/vcpu/exit_counters.h"

#include "hv/kvm/kvm_uapi.h"

namespace vmm {

namespace {

// One more exit of `region`; a region past the bound counts as kOtherRegions.
void count_region(std::map<RegionKey, uint64_t>& counts, std::string_view region,
                  Direction direction) {
  RegionKey key{std::string(region), direction};
  auto it = counts.find(key);
  if (it != counts.end()) {
    ++it->second;
    return;
  }
  // Room is kept for kOtherRegions' two entries (one per direction).
  if (counts.size() >= 2 * (VcpuExitCounters::kMaxRegionsPerBus - 1)) key.region = kOtherRegions;
  ++counts[key];
}

}  // namespace

void VcpuExitCounters::count_exit(uint32_t reason) {
  std::lock_guard lock(mutex_);
  ++counts_.total;
  auto it = counts_.by_reason.find(reason);
  if (it != counts_.by_reason.end()) ++it->second;
  else if (counts_.by_reason.size() < kMaxReasons) counts_.by_reason.emplace(reason, 1);
}

void VcpuExitCounters::count_pio(std::string_view region, Direction direction) {
  std::lock_guard lock(mutex_);
  count_region(counts_.pio, region, direction);
}

void VcpuExitCounters::count_mmio(std::string_view region, Direction direction) {
  std::lock_guard lock(mutex_);
  count_region(counts_.mmio, region, direction);
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
