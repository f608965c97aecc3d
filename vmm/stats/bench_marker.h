// The benchmark marker port (platform::kBenchMarkerPort): the guest writes a
// 32-bit phase id to mark a phase boundary. The write is handled on the
// vCPU thread that made it, while that vCPU is stopped in user space, and
// snapshots every vCPU's counters (the VMM's and KVM's) at that moment.
//
// The marker's own exit is in the snapshot it triggers (the exit is counted
// before the device sees it), so the difference of two marks on the same
// vCPU counts exactly one marker exit: the closing one. PhaseMark records
// which vCPU wrote it so an analysis can take that exit out (docs/ARCHITECTURE.md §4).
//
// The port exists on every VM (a guest program can bracket a phase under
// any `vmm --stats-json` run, not only under vmm-bench): what makes that
// safe is that the record is bounded in bytes (vmm/stats/mark_record.h), and
// once it is full a write costs a counter increment, no snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "hv/bus/bus_device.h"
#include "vmm/stats/mark_record.h"

namespace vmm {

class BenchMarker : public BusDevice {
 public:
  // Takes a snapshot of every vCPU's and device's counters; called on the
  // marking vCPU's thread.
  using Snapshotter = std::function<CounterSnapshot()>;

  explicit BenchMarker(Snapshotter snapshotter, MarkLimits limits = {})
      : snapshotter_(std::move(snapshotter)), record_(limits) {}

  void read(const BusAccess& access, std::span<uint8_t> data) override;
  void write(const BusAccess& access, std::span<const uint8_t> data) override;

  // The record so far, leaving an empty one: the VM takes it once every
  // vCPU stopped (a move, so the marks are never held twice).
  MarkRecord take_record();
  // Mark `i` (tests).
  PhaseMark mark(size_t i) const;
  size_t size() const;
  uint64_t dropped() const;

 private:
  Snapshotter snapshotter_;
  mutable std::mutex mutex_;
  MarkRecord record_;
};

}  // namespace vmm
