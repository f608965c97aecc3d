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
#include "bench/exits/io_paths.h"
#include "hv/core/result.h"

namespace vmm::bench {

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
