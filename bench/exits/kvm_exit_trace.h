// The hardware exit reasons of a run, from the kvm:kvm_exit tracepoint
// (what `perf kvm stat` reports), where tracefs is mounted and writable.
// KvmExitTrace turns the tracepoint on for this process and the processes
// it forks from then on (set_event_pid + event-fork), with the trace clock
// set to CLOCK_MONOTONIC so events line up with the VMM's benchmark marks;
// its destructor puts every setting back as it found it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/exits/time_window.h"
#include "vmm/core/result.h"

namespace vmm::bench {

struct KvmExitEvent {
  uint64_t time_ns;    // CLOCK_MONOTONIC
  uint32_t vcpu;
  std::string reason;  // "HLT", "EXTERNAL_INTERRUPT", "io", "npf", ...
};

// One line of the trace file; nullopt for anything but a kvm_exit event.
std::optional<KvmExitEvent> parse_kvm_exit_line(std::string_view line);

// Counts events by reason over the windows (events outside them are not
// counted).
std::map<std::string, uint64_t> count_reasons(const std::vector<KvmExitEvent>& events,
                                              const std::vector<TimeWindow>& windows);

class KvmExitTrace {
 public:
  // Starts tracing under `tracefs` (default: /sys/kernel/tracing); an
  // error says why it cannot (not mounted, not writable, no kvm events).
  static Result<std::unique_ptr<KvmExitTrace>> start(const std::string& tracefs = "/sys/kernel/tracing");
  ~KvmExitTrace();
  KvmExitTrace(const KvmExitTrace&) = delete;
  KvmExitTrace& operator=(const KvmExitTrace&) = delete;

  // Stops tracing and returns the events recorded since start(); whether
  // the ring buffer overran (then counts are lower bounds).
  Result<std::vector<KvmExitEvent>> stop(bool* overrun);

 private:
  explicit KvmExitTrace(std::string tracefs) : root_(std::move(tracefs)) {}
  Result<void> set(const std::string& file, const std::string& value);
  void restore();

  std::string root_;
  std::vector<std::pair<std::string, std::string>> saved_;  // file -> old value
  bool stopped_ = false;
};

}  // namespace vmm::bench
