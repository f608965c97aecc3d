// `vmm-bench boot`: wall time from start to "all vCPUs online" and to guest
// power-off, for this VMM and QEMU microvm on the same guest.elf; medians
// of repeated runs and the QEMU/vmm ratio; peak RSS.
#pragma once

#include <string>
#include <vector>

namespace vmm::bench {

struct BootBenchOptions {
  std::string vmm_path;
  std::string guest_path;
  std::string qemu_path;  // empty: QEMU not measured
  std::vector<int> smp = {1, 4};
  int iterations = 10;
  std::string out_dir;
};

// Runs the benchmark, prints a table, writes boot.json and boot.csv into
// out_dir. Returns a process status.
int run_boot_bench(const BootBenchOptions& options);

}  // namespace vmm::bench
