// The benchmark marks of one run (vmm/stats/bench_marker.h) in a memory
// budget the guest cannot move (issue 15). A mark is stored as one flat
// row of 64-bit words; every name in it (KVM's counter names, region,
// device and counter names) is stored once for the whole record, and a
// list of names that repeats mark after mark (a vCPU's KVM counters, a
// device's counters) is stored once as a layout the row refers to. A row's
// size so depends on the VM's shape (vCPUs, KVM's counters, devices), never
// on what the guest did: about 80 words per vCPU, some 700 bytes.
//
// The bound is in bytes, rows, names and layouts together: the default of
// 16 MiB holds some 24,000 marks of a 1-vCPU VM, 6,000 of a 4-vCPU VM. Marks
// are kept in order until the first that does not fit (or the count bound);
// that one and every later one are counted as dropped, so that the record
// is always a prefix of what the guest marked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vmm/stats/device_stats.h"
#include "hv/kvm/kvm.h"
#include "vmm/vcpu/exit_counters.h"

namespace vmm {

struct VcpuStats {
  uint32_t id;
  ExitCounts vmm;
  KvmStats kvm;                          // empty when they could not be read
  std::optional<std::string> kvm_error;  // why not
};

// What a benchmark mark records: every vCPU's counters, and each device's
// counters (their notifications include ioeventfd kicks KVM handled in the
// kernel, which no vCPU counter of the VMM sees). Device properties are
// left empty: they do not change during a run.
struct CounterSnapshot {
  std::vector<VcpuStats> vcpus;
  std::vector<DeviceStats> devices;
};

// One write to the benchmark marker port: the counters at that moment.
struct PhaseMark {
  uint32_t phase;         // the value the guest wrote
  uint32_t vcpu;          // who wrote it
  uint64_t host_time_ns;  // CLOCK_MONOTONIC at the snapshot
  std::vector<VcpuStats> vcpus;
  std::vector<DeviceStats> devices;
};

struct MarkLimits {
  static constexpr size_t kDefaultMaxBytes = size_t{16} << 20;
  static constexpr size_t kDefaultMaxMarks = 65536;
  size_t max_bytes = kDefaultMaxBytes;
  size_t max_marks = kDefaultMaxMarks;
};

class MarkRecord {
 public:
  explicit MarkRecord(MarkLimits limits = {}) : limits_(limits) {}

  // Keeps the mark if it fits, else counts it (and every later one) as
  // dropped. False when dropped.
  bool append(const PhaseMark& mark);
  // True once a mark was dropped or the count bound is reached: no later
  // one is kept.
  bool closed() const { return closed_ || rows_.size() >= limits_.max_marks; }
  void count_dropped() { ++dropped_; }

  size_t size() const { return rows_.size(); }
  uint64_t dropped() const { return dropped_; }
  // What the record holds, counted as the bound counts it.
  size_t bytes() const { return bytes_; }
  const MarkLimits& limits() const { return limits_; }

  // Mark `i` as it was appended.
  PhaseMark at(size_t i) const;
  // Every mark in order, one at a time: the caller never holds them all.
  void for_each(const std::function<void(const PhaseMark&)>& visit) const;

 private:
  struct Row {
    uint32_t phase;
    uint32_t vcpu;
    uint64_t host_time_ns;
    std::vector<uint64_t> words;
  };
  class Encoder;
  class Decoder;

  uint32_t intern(const std::string& name);
  uint32_t layout(const std::vector<std::string>& names);
  void forget_from(size_t names, size_t layouts);

  MarkLimits limits_;
  std::vector<Row> rows_;
  std::vector<std::string> names_;
  std::map<std::string, uint32_t, std::less<>> name_ids_;
  std::vector<std::vector<uint32_t>> layouts_;  // lists of name ids
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace vmm
