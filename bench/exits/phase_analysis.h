// From the benchmark marks of one VM run (the `marks` of `vmm --stats-json`)
// to exits per call: each netbench phase's intervals are paired (start,
// end), their counter deltas summed, the closing marker's own exit taken
// out, and the totals divided by the calls the phase made. The idle twin of
// each phase gives its background rate; the marks-only phase gives the
// cost of a pair of marks, taken out of every latency.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "bench/exits/exit_results.h"
#include "bench/exits/time_window.h"
#include "hv/core/result.h"

namespace vmm::bench {

struct RunAnalysis {
  std::vector<CallResult> results;  // one per measured phase, netbench's order
  double mark_pair_us = 0;          // mean duration of an empty interval
  bool kvm_counters = false;        // KVM's stats were in the marks
  // Each phase's KVM statistics summed over its intervals and vCPUs (the
  // closing marks' own exits taken out), by call name, then statistic.
  std::map<std::string, std::map<std::string, int64_t>> kvm_deltas;
};

// `stats` is the --stats-json document of a run of `netbench -n calls`;
// `path` names the I/O path for the results, and says whether the
// virtio-net device's notifications were ioeventfd kicks ("virtio").
Result<RunAnalysis> analyse_marks(const nlohmann::json& stats, const std::string& path,
                                  uint64_t calls);

// The host-time length of each interval of phase `phase`, in microseconds,
// in the order they were marked (marks included: see RunAnalysis).
Result<std::vector<double>> interval_lengths_us(const nlohmann::json& stats, uint16_t phase);

// The intervals of phase `phase` as host-time windows, in marking order.
Result<std::vector<TimeWindow>> interval_windows(const nlohmann::json& stats, uint16_t phase);

}  // namespace vmm::bench
