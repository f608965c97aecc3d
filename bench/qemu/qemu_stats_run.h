// Runs a guest under `qemu-system-x86_64 -M microvm,accel=kvm` and reads
// KVM's per-vCPU counters through QMP query-stats once the guest has powered
// off: the QEMU side of `vmm-bench exits` (exits per call by subtraction:
// a run with N iterations minus a run with 0).
//
// How: QEMU starts paused (-S) with -no-shutdown and a QMP socket in a
// private temp dir; after the QMP handshake, `cont`; the guest's ACPI
// power-off then stops the VM (event SHUTDOWN) instead of ending QEMU, so
// the vCPUs' counters can still be read; then `quit`. A write to the
// isa-debug-exit port (the bundled guest's failure path) ends QEMU at once
// with status (v << 1) | 1: that is returned without statistics.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hv/core/result.h"

namespace vmm::bench {

struct QemuRunOptions {
  std::string qemu_path, guest_path;
  int smp = 1;
  int memory_mib = 256;
  std::string guest_cmdline;          // e.g. "init=ping -- -c 3 10.0.2.2"
  std::vector<std::string> hostfwd;  // QEMU's form, e.g. "tcp:127.0.0.1:5555-:7"
  double timeout_s = 300;             // the whole run, start to quit
};

struct QemuRunResult {
  // 0: the guest powered off (ACPI); odd: it wrote v to the debug-exit
  // port, (v << 1) | 1, and vcpu_stats is empty.
  int guest_exit_status = 0;
  std::string serial_output;  // COM1
  // KVM's cumulative and instant vCPU statistics (query-stats, target
  // "vcpu", provider "kvm") by KVM's names, e.g. "exits", "halt_exits",
  // "io_exits", "mmio_exits", "irq_exits", summed over the vCPUs.
  std::map<std::string, uint64_t> vcpu_stats;
};

// QEMU's command line for a run; `qmp_socket` is the QMP socket's path.
// Fails on options QEMU would misread (a ',' in a hostfwd rule, ...).
Result<std::vector<std::string>> qemu_stats_argv(const QemuRunOptions& options,
                                                 const std::string& qmp_socket);

Result<QemuRunResult> run_qemu_with_stats(const QemuRunOptions& options);

}  // namespace vmm::bench
