// What `vmm-bench exits` measured: for each guest network call and each I/O
// path, VM exits per call, split by kind, beside the idle background rate and
// the call's mean latency. bench/exits/phase_analysis.* fills it from the
// VMM's benchmark marks; bench/exits/report_*.cpp print and write it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vmm::bench {

// Exits per call of one kind, e.g. {"pio:uart", 0.0}, {"mmio:virtio-net0",
// 1.0}, {"ioeventfd:virtio-net0", 1.0}, {"halt", 0.5}, {"irq", 0.0},
// {"irq_window", 0.0}, {"other", 0.0}. Kinds appear in a fixed order.
using KindRates = std::vector<std::pair<std::string, double>>;

// One cause of KVM's exits, per call, and where the figure came from.
struct CauseFigure {
  std::string cause;               // "device", "interrupts+timers", ... (exit_attribution.h)
  std::optional<double> per_call;  // absent: not measured; `note` says why
  std::string source;              // "VMM counters", "KVM stats", "kvm_exit", "kvm_emulate_insn", ...
  std::string note;                // "silent: ...", "not traced", "" when measured
};

// KVM's own exit count per call split by cause (bench/exits/exit_attribution.h).
struct ExitAttribution {
  std::string method;  // "kvm_exit reasons", "other tracepoints (kvm_exit silent)", "counters only"
  std::vector<CauseFigure> causes;
  std::optional<double> emulated_insns_per_call;
  // The guest kernel functions the emulated instructions ran in, largest
  // share first (at most three), shares of all emulated instructions.
  std::vector<std::pair<std::string, double>> functions;
  double unattributed = 0;                  // KVM's count less the measured causes
  std::optional<double> attributed_percent;  // absent when KVM counted nothing
};

// Where this run ran: which KVM, and on what.
struct HostFlavour {
  std::string kvm_module;  // "kvm_intel", "kvm_amd", "kvm_pvm", or "none"
  std::optional<bool> nested;  // the module's `nested` parameter
  std::vector<std::pair<std::string, std::string>> module_parameters;  // those of note
  std::string kernel;      // uname -r
  std::string cpu_model;   // /proc/cpuinfo "model name"
  bool host_is_a_guest = false;  // /proc/cpuinfo flags hold "hypervisor"
};

struct CallResult {
  std::string call;  // "socket", "send udp 64B", ... (abi/netbench.h names)
  std::string path;  // an I/O path's name (io_paths.h)
  uint64_t calls = 0;
  // Exits the VMM saw (KVM_RUN returns to user space), per call.
  double vmm_exits_all = 0;     // summed over all vCPUs
  double vmm_exits_caller = 0;  // on the vCPU that made the call
  // KVM's own `exits` counter (KVM_GET_STATS_FD), per call; it also counts
  // exits KVM handled in the kernel. Absent when KVM's stats were not read.
  std::optional<double> kvm_exits_all;
  std::optional<double> kvm_exits_caller;
  // kvm_exits_all less the benchmark marks' own share: a pair of marks
  // costs KVM exits of its own where a system call is one (kvm_pvm: about
  // 9), which the `(marks only)` phase prices per interval; this takes that
  // price times the phase's intervals out, per call. The figure for calls
  // that should cost nothing (shmem-bypass); absent without KVM's stats or
  // a marks-only phase. May dip below 0 by that price's noise.
  std::optional<double> kvm_exits_net;
  KindRates by_kind;  // all vCPUs
  // The same counters in an idle phase as long as the call's phase: the
  // background, per second, reported beside the call's figures.
  double idle_vmm_exits_per_s = 0;
  std::optional<double> idle_kvm_exits_per_s;
  double mean_latency_us = 0;  // marker overhead taken out
  // Hardware exit reasons per call from the kvm:kvm_exit tracepoint in the
  // same intervals, most frequent first ({"HLT", 0.5}, ...); empty when the
  // run was not traced. traced_exits is their sum, to hold beside KVM's own
  // `exits` (kvm_exits_all).
  KindRates hw_exit_reasons;
  std::optional<double> traced_exits;
  // The subtraction method, (exits(N) - exits(0)) / N from two separate
  // runs of the whole VM: VMM exits per call. Absent when not measured.
  std::optional<double> subtraction_vmm_exits;
  // QEMU microvm's exits per call by the subtraction method (its QMP
  // query-stats `exits`), or why there is none.
  std::optional<double> qemu_exits;
  std::string qemu_note;  // "qemu-system-x86_64 not found", ... when absent
  // Whether the two methods agree within 0.05 + 5% per call, or why they
  // cannot (empty when the subtraction method did not run).
  std::string agreement;
  std::optional<ExitAttribution> attribution;
};

struct ExitsReport {
  HostFlavour host;
  uint64_t iterations = 0;
  int smp = 1;
  std::vector<std::string> paths;  // in the order measured
  std::vector<CallResult> results;  // grouped by call, in netbench's order
  std::vector<std::string> notes;   // caveats to print under the table
};

}  // namespace vmm::bench
