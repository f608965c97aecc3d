// The per-vCPU counters a real x86 KVM reports through KVM_GET_STATS_FD
// (Linux 6.1, arch/x86/kvm/x86.c and virt/kvm/kvm_main.c), as read_stats()
// returns them: for tests that need the marker's snapshots to weigh what
// they weigh on a real host.
#pragma once

#include <array>
#include <cstdint>

#include "hv/kvm/kvm.h"

namespace vmm::testing {

inline KvmStats x86_kvm_vcpu_stats(uint64_t value) {
  static constexpr std::array kNames = {
      "halt_successful_poll", "halt_attempted_poll", "halt_poll_invalid", "halt_wakeup",
      "halt_poll_success_ns", "halt_poll_fail_ns", "halt_wait_ns", "blocking",
      "pf_taken", "pf_fixed", "pf_emulate", "pf_spurious",
      "pf_fast", "pf_mmio_spte_created", "pf_guest", "tlb_flush",
      "invlpg", "exits", "io_exits", "mmio_exits",
      "signal_exits", "irq_window_exits", "nmi_window_exits", "l1d_flush",
      "halt_exits", "request_irq_exits", "irq_exits", "host_state_reload",
      "fpu_reload", "insn_emulation", "insn_emulation_fail", "hypercalls",
      "irq_injections", "nmi_injections", "req_event", "nested_run",
      "directed_yield_attempted", "directed_yield_successful", "preemption_reported",
      "preemption_other", "guest_mode", "notify_window_exits"};
  KvmStats stats;
  for (const char* name : kNames) stats.push_back({name, value++});
  return stats;
}

}  // namespace vmm::testing
