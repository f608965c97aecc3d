#include "vmm/stats/bench_marker.h"

#include <time.h>

#include <cstring>

namespace vmm {

namespace {

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

void BenchMarker::read(const BusAccess&, std::span<uint8_t> data) {
  // Reading tells a guest the marker port exists (it reads 0, not all ones).
  std::memset(data.data(), 0, data.size());
}

void BenchMarker::write(const BusAccess& access, std::span<const uint8_t> data) {
  uint32_t phase = 0;
  std::memcpy(&phase, data.data(), std::min(data.size(), sizeof phase));
  uint64_t now = monotonic_ns();
  {
    std::lock_guard lock(mutex_);
    if (record_.closed()) {
      record_.count_dropped();
      return;
    }
  }
  // The snapshot is taken outside the lock: it reads every vCPU's counters
  // and must not serialise marks from different vCPUs behind it.
  CounterSnapshot snapshot = snapshotter_();
  PhaseMark mark{phase, access.vcpu, now, std::move(snapshot.vcpus), std::move(snapshot.devices)};
  std::lock_guard lock(mutex_);
  record_.append(mark);
}

MarkRecord BenchMarker::take_record() {
  std::lock_guard lock(mutex_);
  MarkRecord taken(record_.limits());
  std::swap(taken, record_);
  return taken;
}

PhaseMark BenchMarker::mark(size_t i) const {
  std::lock_guard lock(mutex_);
  return record_.at(i);
}

size_t BenchMarker::size() const {
  std::lock_guard lock(mutex_);
  return record_.size();
}

uint64_t BenchMarker::dropped() const {
  std::lock_guard lock(mutex_);
  return record_.dropped();
}

}  // namespace vmm
