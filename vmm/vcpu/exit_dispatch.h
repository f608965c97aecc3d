// What one KVM_RUN return means, as a free function over the kvm_run area:
// it is driven by scripted exits in unit tests, with no KVM underneath
// (Firecracker's split of exit handling from the run loop).
#pragma once

#include "hv/kvm/kvm_uapi.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "hv/bus/bus.h"
#include "vmm/vcpu/exit_counters.h"

namespace vmm {

// Accesses to ports/addresses with no device: logged once per address, for
// the first kMaxAddresses addresses. A guest can touch 2^64 MMIO addresses;
// remembering every one would let it grow the VMM without bound. The bound:
// 1024 set nodes of ~48 bytes, ~48 KiB per VM.
class UnmappedAccessLog {
 public:
  static constexpr size_t kMaxAddresses = 1024;

  // True the first time this (bus, address) pair is seen, while fewer than
  // kMaxAddresses pairs have been.
  bool first_time(char bus, uint64_t addr);

 private:
  std::mutex mutex_;
  std::set<std::pair<char, uint64_t>> seen_;
};

struct ExitContext {
  const Bus& pio_bus;
  const Bus& mmio_bus;
  VcpuExitCounters& counters;
  UnmappedAccessLog& unmapped;
  uint32_t vcpu;
};

enum class ExitAction {
  kContinue,      // re-enter the guest
  kGuestStopped,  // the guest ended the VM itself (SYSTEM_EVENT shutdown)
  kGuestFault,    // triple fault, failed entry, KVM internal error
  kVmmError,      // an exit this VMM cannot handle
};

struct ExitOutcome {
  ExitAction action;
  std::string message;  // for faults and errors: what happened, one line
};

ExitOutcome handle_exit(kvm_run& run, size_t run_area_size, const ExitContext& context);

}  // namespace vmm
