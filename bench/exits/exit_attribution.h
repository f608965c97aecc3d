// Every KVM exit of a phase attributed to its cause (bench/README.md,
// "Exits by cause"). The columns, per call:
//   device             PIO and MMIO exits to the VMM by device, and ioeventfd
//                      kicks (the VMM's and the devices' own counters)
//   interrupts+timers  halts, external interrupts, interrupt and NMI windows
//   msr+cr             MSR and control-register accesses
//   page faults        EPT/NPT violations and #PF exits
//   user->kernel       entries into the guest kernel that exit (kvm_pvm: a
//                      return to user mode and the trap that ends it)
//   emulation batches  exits that end a batch of emulated instructions
//   other reasons      kvm_exit reasons in none of the above (CPUID, ...)
// Where kvm_exit fired in the phase's intervals, its reasons give every
// column but device (which the VMM counts exactly); where it is silent
// while KVM counted exits (kvm_pvm), the columns come from KVM's
// statistics and the other tracepoints, and each says which. A column
// whose source was silent is absent with a note, never a measured 0.
// Whatever the measured columns do not explain of KVM's count is
// `unattributed`.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/exits/emulation_batches.h"
#include "bench/exits/exit_results.h"
#include "bench/exits/kvm_trace_session.h"
#include "bench/exits/time_window.h"
#include "vmm/loader/elf_symbols.h"

namespace vmm::bench {

struct AttributionInput {
  uint64_t calls = 0;
  // KVM's statistics over the phase's intervals ("exits", "halt_exits", ...).
  std::map<std::string, int64_t> kvm;
  double device_per_call = 0;  // the VMM's PIO/MMIO exits and the ioeventfd kicks
  const KvmTrace* trace = nullptr;  // nullptr: the run was not traced
  std::vector<TimeWindow> windows;  // the phase's intervals
  uint32_t batch_limit = kDefaultEmulationBatchLimit;
  const loader::ElfSymbolTable* symbols = nullptr;  // the guest's, when it has them
};

ExitAttribution attribute_exits(const AttributionInput& in);

// The trace's events inside the windows, by thread (vCPU), in time order.
std::map<uint32_t, std::vector<const KvmTraceEvent*>> events_in_windows(const KvmTrace& trace,
                                                                         const TimeWindow& window);

// The guest functions holding the most of `by_rip`'s instructions: at most
// `top`, with their share of all of them; "?" for addresses no symbol holds.
std::vector<std::pair<std::string, double>> top_functions(const std::map<uint64_t, uint64_t>& by_rip,
                                                         const loader::ElfSymbolTable& symbols, size_t top);

}  // namespace vmm::bench
