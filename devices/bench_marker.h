// The benchmark marker port (platform::kBenchMarkerPort): the guest writes a
// 32-bit phase id to mark a phase boundary. The write is handled on the
// vCPU thread that made it, while that vCPU is stopped in user space, and
// snapshots every vCPU's counters (the VMM's and KVM's) at that moment.
//
// The marker's own exit is in the snapshot it triggers (the exit is counted
// before the device sees it), so the difference of two marks on the same
// vCPU counts exactly one marker exit: the closing one. PhaseMark records
// which vCPU wrote it so an analysis can take that exit out (DESIGN.md §4).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "vmm/bus/bus_device.h"
#include "vmm/stats/vm_stats.h"

namespace vmm {

class BenchMarker : public BusDevice {
 public:
  // Takes a snapshot of every vCPU's and device's counters; called on the
  // marking vCPU's thread.
  using Snapshotter = std::function<CounterSnapshot()>;

  // A guest may write the port forever: the record keeps the first
  // `max_marks` and counts the rest, so VMM memory stays bounded.
  static constexpr size_t kDefaultMaxMarks = 65536;

  explicit BenchMarker(Snapshotter snapshotter, size_t max_marks = kDefaultMaxMarks)
      : snapshotter_(std::move(snapshotter)), max_marks_(max_marks) {}

  void read(const BusAccess& access, std::span<uint8_t> data) override;
  void write(const BusAccess& access, std::span<const uint8_t> data) override;

  std::vector<PhaseMark> marks() const;
  uint64_t dropped() const;

 private:
  Snapshotter snapshotter_;
  size_t max_marks_;
  uint64_t dropped_ = 0;
  mutable std::mutex mutex_;
  std::vector<PhaseMark> marks_;
};

}  // namespace vmm
