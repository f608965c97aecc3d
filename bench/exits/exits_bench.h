// `vmm-bench exits`: runs the guest program netbench on each I/O path
// against a host peer, reads the VMM's benchmark marks and reports VM exits
// per call (bench/README.md). Optionally also by the subtraction method,
// for this VMM and for QEMU microvm on the same guest.elf.
#pragma once

#include <string>
#include <vector>

namespace vmm::bench {

struct ExitsBenchOptions {
  std::string vmm_path;
  std::string guest_path;
  std::string qemu_path;  // empty: QEMU not measured
  std::vector<std::string> paths = {"virtio", "virtio-noioeventfd", "shmem", "shmem-bypass"};  // io_paths.h
  uint64_t iterations = 1000;
  int smp = 1;
  bool subtraction = true;  // also measure (exits(N) - exits(0)) / N
  std::string out_dir;
};

// Prints the table; writes exits.json, exits.csv, exits.svg and each run's
// stats and console output into out_dir. Returns a process status.
int run_exits_bench(const ExitsBenchOptions& options);

}  // namespace vmm::bench
