// The exit statistics of a finished VM: for each vCPU, the VMM's own counts
// of KVM_RUN returns and KVM's own counters (KVM_GET_STATS_FD), kept apart;
// then each device's own counters.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "vmm/kvm/kvm.h"
#include "vmm/stats/device_stats.h"
#include "vmm/vcpu/exit_counters.h"

namespace vmm {

struct VcpuStats {
  uint32_t id;
  ExitCounts vmm;
  KvmStats kvm;                          // empty when they could not be read
  std::optional<std::string> kvm_error;  // why not
};

// What a benchmark mark records: every vCPU's counters, and each device's
// counters (their notifications include ioeventfd kicks KVM handled in the
// kernel, which no vCPU counter of the VMM sees). Device properties are
// left empty: they do not change during a run.
struct CounterSnapshot {
  std::vector<VcpuStats> vcpus;
  std::vector<DeviceStats> devices;
};

// One write to the benchmark marker port: the counters at that moment
// (devices/bench_marker.h).
struct PhaseMark {
  uint32_t phase;         // the value the guest wrote
  uint32_t vcpu;          // who wrote it
  uint64_t host_time_ns;  // CLOCK_MONOTONIC at the snapshot
  std::vector<VcpuStats> vcpus;
  std::vector<DeviceStats> devices;
};

struct VmStats {
  int exit_status = 0;
  int stop_signal = 0;  // SIGINT/SIGTERM when one stopped the VM (vmm then ends by it), else 0
  std::string stop_reason;
  std::vector<VcpuStats> vcpus;
  std::vector<DeviceStats> devices;
  std::vector<PhaseMark> marks;  // in the order the guest wrote them
  uint64_t marks_dropped = 0;    // written after the record was full
};

// Human-readable tables (for --stats).
void print_stats_table(const VmStats& stats, std::ostream& out);
// The JSON document written by --stats-json (schema in README.md).
std::string stats_to_json(const VmStats& stats);

}  // namespace vmm
