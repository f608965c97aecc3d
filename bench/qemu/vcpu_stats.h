// QEMU's view of KVM's per-vCPU statistics (QMP query-stats, QEMU 7.1+,
// qapi/stats.json): one result per vCPU, each a list of {name, value}.
// A value is a StatsValue: a uint64 ("scalar"), a bool ("boolean": KVM's
// `guest_mode` and `blocking` in QEMU 7.2) or a list of uint64 ("list": a
// histogram's buckets, log2 or linear by its schema). A negative integer is
// taken as an int64 so that a newer QEMU or kernel cannot break the reader.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "hv/core/result.h"

namespace vmm::bench {

struct VcpuStatsSum {
  int vcpus = 0;                            // results read (one per vCPU)
  std::map<std::string, uint64_t> totals;  // each uint64 statistic summed over them
  std::map<std::string, int64_t> signed_totals;  // negative integers, summed
  std::map<std::string, int> true_count;          // booleans: vCPUs that said true
  // Histograms summed bucket by bucket (vCPUs with fewer buckets add zeros).
  std::map<std::string, std::vector<uint64_t>> histograms;
};

// One statistic's schema (StatsSchemaValue): type "cumulative", "instant",
// "peak", "linear-histogram" or "log2-histogram"; unit "bytes", "seconds",
// "cycles", "boolean" or empty; value = raw * base^exponent; bucket_size for
// linear histograms.
struct VcpuStatSchema {
  std::string type;
  std::string unit;
  int base = 10;
  int exponent = 0;
  uint64_t bucket_size = 0;
};

// From the "return" of query-stats-schemas: KVM's vCPU statistics by name.
Result<std::map<std::string, VcpuStatSchema>> vcpu_stat_schemas(const nlohmann::json& schemas);

// The names of KVM's vCPU statistics that add up across vCPUs: type
// "cumulative" or "instant", and not booleans. Peaks and histograms are
// left out.
Result<std::set<std::string>> summable_vcpu_stat_names(const nlohmann::json& schemas);

// From the "return" of query-stats {"target": "vcpu"}: every statistic of
// provider "kvm" summed over vCPUs by its kind (see VcpuStatsSum). With
// `summable`, integers whose name is not in it are skipped (booleans and
// histograms are always kept). An empty reply, or a value of no StatsValue
// kind (a string, a fraction, a list holding anything but uint64), is an
// error naming the statistic.
Result<VcpuStatsSum> sum_vcpu_stats(const nlohmann::json& reply,
                                    const std::set<std::string>* summable = nullptr);

}  // namespace vmm::bench
