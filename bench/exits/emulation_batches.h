// How many VM exits a run of KVM's instruction emulator made, from the
// kvm_emulate_insn events of one vCPU (kvm_pvm, where the guest kernel runs
// in the emulator and kvm_exit never fires).
//
// The rule (bench/README.md, "Emulation batches", has its evidence): on one
// vCPU, consecutive kvm_emulate_insn events make one batch, one exit; a
// batch ends
//   - after an instruction the emulator gave up on (the event repeated with
//     " failed"): KVM completes it outside the emulator (swapgs, iretq) and
//     re-enters the guest. A failed return to user mode (iretq, sysret,
//     sysexit) is counted apart, as a user->kernel entry: its exit lets the
//     guest's user code run natively until it traps back into the kernel;
//   - after `limit` instructions (kvm_pvm's pvm_emul_batch, 1024);
//   - at any other exit-marking event of the vCPU (kvm_exit, kvm_pio,
//     kvm_mmio, kvm_msr, kvm_cr, kvm_page_fault, kvm_userspace_exit): that
//     exit is counted in the event's own column, not as a batch.
// A batch still open when a marked interval ends is closed by the closing
// mark's own exit, which the marks take out of KVM's count: not counted.
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "bench/exits/kvm_trace_event.h"

namespace vmm::bench {

inline constexpr uint32_t kDefaultEmulationBatchLimit = 1024;  // kvm_pvm's pvm_emul_batch default

struct EmulationBatches {
  uint64_t instructions = 0;            // emulated (each instruction's first event)
  uint64_t returns_to_user = 0;         // batches ended by a failed iretq/sysret/sysexit
  uint64_t ended_by_failure = 0;        // by another failed instruction (swapgs, ...)
  uint64_t ended_by_limit = 0;          // by the batch limit
  uint64_t ended_by_exit_event = 0;     // by another event's exit (not a batch exit)
  std::map<uint64_t, uint64_t> by_rip;  // emulated instructions by guest RIP

  // The exits the emulator itself made: batches ended by a failure or the limit.
  uint64_t batch_exits() const { return ended_by_failure + ended_by_limit; }
};

// True for iret/iretq, sysret/sysretq and sysexit, after any REX prefix.
bool returns_to_user_mode(const KvmTraceEvent& insn);

// Adds the batches of `events` (one vCPU, one interval, in time order).
void count_emulation_batches(std::span<const KvmTraceEvent* const> events, uint32_t limit,
                             EmulationBatches& into);

}  // namespace vmm::bench
