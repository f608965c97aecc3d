// One run of the bundled guest's netbench under `vmm` on one I/O path,
// against a host peer of its own (bench/exits/bench_peer.h): the command
// lines, the run, and its records (console output and --stats-json) kept in
// the results folder. Shared by `vmm-bench exits`, `latency` and
// `throughput`.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bench/exits/bench_peer.h"
#include "hv/core/result.h"

namespace vmm::bench {

struct VmmTarget {
  std::string vmm_path;
  std::string guest_path;
  int smp = 1;
};

// What one run of netbench does.
struct NetbenchRun {
  uint64_t calls = 0;
  std::optional<uint16_t> phase;  // all phases when empty
  bool marks = true;
};

// How an I/O path is set up: "virtio", "virtio-noioeventfd" or "shmem".
struct PathSetup {
  std::string name;
  std::string peer_addr;  // the host peer as the guest sees it
  bool accept = false;    // the VMM forwards a host port to the guest
};

PathSetup path_setup(const std::string& path);

// The guest's command line for the run (init=netbench -- ...).
std::string netbench_cmdline(const PathSetup& path, const NetbenchRun& run, const BenchPeer& peer);

// The guest port a forwarded host port reaches (netbench -a).
inline constexpr uint16_t kGuestAcceptPort = 7000;

// How long a run of `calls` calls a phase may take before it counts as hung.
double netbench_timeout_s(uint64_t calls);

// A loopback TCP port free at this moment.
uint16_t free_loopback_port();

struct VmmRunRecord {
  nlohmann::json stats;   // the --stats-json document
  double wall_ms = 0;     // start to exit
  double cpu_ms = 0;      // user + system time of the VMM process
  PeerCounters peer;      // what the host peer saw
};

// Runs the VMM; records go to `record_stem`.console.txt and .stats.json.
Result<VmmRunRecord> run_netbench(const VmmTarget& target, const PathSetup& path, const NetbenchRun& run,
                                  const std::string& record_stem);

}  // namespace vmm::bench
