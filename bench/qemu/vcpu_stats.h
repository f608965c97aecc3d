// QEMU's view of KVM's per-vCPU statistics (QMP query-stats, QEMU 7.1+,
// qapi/stats.json): one result per vCPU, each a list of {name, value} where
// value is a uint64 or, for histograms, a list of uint64.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "vmm/core/result.h"

namespace vmm::bench {

struct VcpuStatsSum {
  int vcpus = 0;                            // results read (one per vCPU)
  std::map<std::string, uint64_t> totals;  // each statistic summed over them
};

// From the "return" of query-stats-schemas: the names of KVM's vCPU
// statistics that add up across vCPUs, i.e. of type "cumulative" or
// "instant". Peaks and histograms are left out.
Result<std::set<std::string>> summable_vcpu_stat_names(const nlohmann::json& schemas);

// From the "return" of query-stats {"target": "vcpu"}: every scalar statistic
// of provider "kvm" summed over vCPUs. Histograms (list values) are skipped;
// with `summable`, so is every name not in it. An empty reply is an error.
Result<VcpuStatsSum> sum_vcpu_stats(const nlohmann::json& reply,
                                    const std::set<std::string>* summable = nullptr);

}  // namespace vmm::bench
