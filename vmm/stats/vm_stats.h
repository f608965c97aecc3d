// The exit statistics of a finished VM: for each vCPU, the VMM's own counts
// of KVM_RUN returns and KVM's own counters (KVM_GET_STATS_FD), kept apart;
// then each device's own counters.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hv/kvm/kvm.h"
#include "vmm/stats/device_stats.h"
#include "vmm/stats/mark_record.h"
#include "vmm/vcpu/exit_counters.h"

namespace vmm {

struct VmStats {
  int exit_status = 0;
  int stop_signal = 0;  // SIGINT/SIGTERM when one stopped the VM (vmm then ends by it), else 0
  std::string stop_reason;
  std::vector<VcpuStats> vcpus;
  std::vector<DeviceStats> devices;
  MarkRecord marks;              // in the order the guest wrote them
  uint64_t marks_dropped = 0;    // written after the record was full
};

// Human-readable tables (for --stats).
void print_stats_table(const VmStats& stats, std::ostream& out);
// The JSON document written by --stats-json (schema in README.md), written
// one mark at a time so that it never holds every mark decoded at once.
void write_stats_json(const VmStats& stats, std::ostream& out);
std::string stats_to_json(const VmStats& stats);

}  // namespace vmm
