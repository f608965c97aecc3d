#include <array>
#include <cinttypes>
#include <cstdio>

#include "vmm/stats/vm_stats.h"

namespace vmm {

namespace {

// KVM counters shown in the table (all of them are in the JSON).
constexpr std::array kKvmColumns = {"exits",     "io_exits",        "mmio_exits",
                                    "halt_exits", "irq_exits",      "irq_window_exits",
                                    "signal_exits", "nmi_window_exits"};

std::string kvm_value(const VcpuStats& vcpu, const char* name) {
  for (const auto& stat : vcpu.kvm)
    if (stat.name == name) return std::to_string(stat.value);
  return "-";
}

std::string line(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

void print_vmm_table(const VmStats& stats, std::ostream& out) {
  out << "VMM: KVM_RUN returns to user space, by exit reason\n";
  for (const auto& vcpu : stats.vcpus) {
    out << line("  vcpu %-3u total %-10" PRIu64, vcpu.id, vcpu.vmm.total);
    for (const auto& [reason, n] : vcpu.vmm.by_reason)
      out << "  " << exit_reason_name(reason) << " " << n;
    out << "\n";
  }
  out << "VMM: port I/O by device region and direction\n";
  for (const auto& vcpu : stats.vcpus)
    for (const auto& [key, n] : vcpu.vmm.pio)
      out << line("  vcpu %-3u %-20s %-5s %" PRIu64 "\n", vcpu.id, key.region.c_str(),
                  key.direction == Direction::kWrite ? "out" : "in", n);
  out << "VMM: MMIO by device region and direction\n";
  for (const auto& vcpu : stats.vcpus)
    for (const auto& [key, n] : vcpu.vmm.mmio)
      out << line("  vcpu %-3u %-20s %-5s %" PRIu64 "\n", vcpu.id, key.region.c_str(),
                  key.direction == Direction::kWrite ? "write" : "read", n);
}

void print_kvm_table(const VmStats& stats, std::ostream& out) {
  out << "KVM: per-vCPU counters (KVM_GET_STATS_FD; include exits handled in the kernel)\n";
  out << "  vcpu";
  for (const char* name : kKvmColumns) out << line(" %16s", name);
  out << "\n";
  for (const auto& vcpu : stats.vcpus) {
    out << line("  %-4u", vcpu.id);
    if (vcpu.kvm_error) {
      out << "  unavailable: " << *vcpu.kvm_error << "\n";
      continue;
    }
    for (const char* name : kKvmColumns) out << line(" %16s", kvm_value(vcpu, name).c_str());
    out << "\n";
  }
}

void print_device_table(const VmStats& stats, std::ostream& out) {
  if (stats.devices.empty()) return;
  out << "Devices: counters kept by each device\n";
  for (const auto& device : stats.devices) {
    out << "  " << device.name << " (" << device.type;
    for (const auto& [key, value] : device.properties) out << ", " << key << " " << value;
    out << ")";
    constexpr size_t kCountersPerLine = 5;
    for (size_t i = 0; i < device.counters.size(); ++i) {
      if (i % kCountersPerLine == 0) out << "\n   ";
      out << " " << device.counters[i].first << " " << device.counters[i].second;
    }
    out << "\n";
  }
}

}  // namespace

void print_stats_table(const VmStats& stats, std::ostream& out) {
  out << "=== exit statistics (VM ended with status " << stats.exit_status << ") ===\n";
  print_vmm_table(stats, out);
  print_kvm_table(stats, out);
  print_device_table(stats, out);
  if (stats.marks.size() != 0 || stats.marks_dropped != 0)
    out << "Benchmark marks: " << stats.marks.size() << " recorded in " << stats.marks.bytes() / 1024
        << " KiB (bound " << stats.marks.limits().max_bytes / 1024 << " KiB), " << stats.marks_dropped
        << " dropped (every vCPU's counters at each mark are in --stats-json)\n";
}

}  // namespace vmm
