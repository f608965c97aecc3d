// A statistics counter written by one thread and read by others: relaxed
// atomics are enough, as nothing else is ordered by it.
#pragma once

#include <atomic>
#include <cstdint>

namespace vmm::virtio {

class RelaxedCounter {
 public:
  void add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

}  // namespace vmm::virtio
