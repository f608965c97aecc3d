// KVM's tracepoints over a run, where tracefs can be used: kvm_exit (the
// hardware exit reasons, what `perf kvm stat` reports) and the events that
// still fire where kvm_exit is silent (kvm_pvm): kvm_emulate_insn, kvm_pio,
// kvm_mmio, kvm_msr, kvm_cr, kvm_page_fault, kvm_inj_virq,
// kvm_userspace_exit (bench/exits/kvm_trace_event.h). The session mounts
// tracefs when nothing is mounted there (and unmounts it at the end), turns
// the events that exist on for this process and the processes it forks from
// then on (set_event_pid + event-fork), with the trace clock set to
// CLOCK_MONOTONIC so events line up with the VMM's benchmark marks; its
// destructor puts every setting back as it found it.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bench/exits/kvm_trace_event.h"
#include "bench/exits/time_window.h"
#include "bench/exits/tracefs_lock.h"
#include "hv/core/result.h"

namespace vmm::bench {

// Counts kvm_exit events by reason over the windows (events outside them
// are not counted).
std::map<std::string, uint64_t> count_reasons(const std::vector<KvmTraceEvent>& events,
                                              const std::vector<TimeWindow>& windows);

struct KvmTrace {
  std::vector<KvmTraceEvent> events;  // in time order
  std::set<KvmEvent> enabled;         // the tracepoints that were on
  bool overrun = false;               // the ring buffer lost events: counts are lower bounds
};

class KvmTraceSession {
 public:
  // Starts tracing under `tracefs`; an error says why it cannot (cannot
  // mount, not writable, no kvm events).
  static Result<std::unique_ptr<KvmTraceSession>> start(const std::string& tracefs = "/sys/kernel/tracing");
  ~KvmTraceSession();
  KvmTraceSession(const KvmTraceSession&) = delete;
  KvmTraceSession& operator=(const KvmTraceSession&) = delete;

  // The tracepoints turned on, and those this kernel does not have.
  const std::set<KvmEvent>& enabled() const { return enabled_; }
  const std::vector<std::string>& missing() const { return missing_; }
  bool mounted_here() const { return mounted_; }

  // Stops tracing and returns what was recorded since start().
  Result<KvmTrace> stop();

 private:
  explicit KvmTraceSession(std::string tracefs) : root_(std::move(tracefs)) {}
  Result<void> mount_if_needed();
  Result<void> set(const std::string& file, const std::string& value);
  void restore();

  std::shared_ptr<TracefsLock> lock_;  // held until restore() has run (the destructor's body)
  std::string root_;
  bool mounted_ = false;
  std::set<KvmEvent> enabled_;
  std::vector<std::string> missing_;
  std::vector<std::pair<std::string, std::string>> saved_;  // file -> old value
  bool stopped_ = false;
};

}  // namespace vmm::bench
