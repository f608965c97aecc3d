#include "devices/shmem/shmem_stats.h"

namespace vmm {

std::string_view shmem_drop_name(ShmemDrop cause) {
  switch (cause) {
    case ShmemDrop::kRefusedByBackend: return "refused_by_backend";
    case ShmemDrop::kTooLongForGuest: return "too_long_for_guest";
  }
  return "unknown";
}

uint64_t ShmemStats::total_drops() const {
  uint64_t total = 0;
  for (uint64_t d : drops) total += d;
  return total;
}

uint64_t ShmemCounters::total_drops() const {
  uint64_t total = 0;
  for (const auto& d : drops_) total += d.load(std::memory_order_relaxed);
  return total;
}

void ShmemCounters::record_failure(shmem::ShmemError error, std::string reason) {
  std::lock_guard lock(failure_mutex_);
  if (stop_error_ != shmem::ShmemError::kNone) return;
  stop_error_ = error;
  stop_reason_ = std::move(reason);
}

ShmemStats ShmemCounters::snapshot() const {
  ShmemStats s;
  s.frames_to_host = frames_to_host_.load(std::memory_order_relaxed);
  s.bytes_to_host = bytes_to_host_.load(std::memory_order_relaxed);
  s.frames_to_guest = frames_to_guest_.load(std::memory_order_relaxed);
  s.bytes_to_guest = bytes_to_guest_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < kShmemDropCauses; ++i) s.drops[i] = drops_[i].load(std::memory_order_relaxed);
  s.polls = polls_.load(std::memory_order_relaxed);
  s.spin_ns = spin_ns_.load(std::memory_order_relaxed);
  s.sleep_ns = sleep_ns_.load(std::memory_order_relaxed);
  s.sleeps = sleeps_.load(std::memory_order_relaxed);
  std::lock_guard lock(failure_mutex_);
  s.stop_error = stop_error_;
  s.stop_reason = stop_reason_;
  return s;
}

}  // namespace vmm
