// A ShmemBackend for tests: records what the guest sent, hands out frames
// queued for the guest, and can be told to refuse frames.
#pragma once

#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <vector>

#include "devices/shmem/shmem_backend.h"

namespace vmm::testing {

class FakeBackend : public ShmemBackend {
 public:
  bool deliver_to_host(std::span<const uint8_t> frame) override {
    std::lock_guard lock(mutex_);
    if (!accept) return false;
    from_guest_.emplace_back(frame.begin(), frame.end());
    return true;
  }

  size_t fetch_for_guest(std::span<uint8_t> buffer) override {
    std::lock_guard lock(mutex_);
    if (to_guest_.empty()) return 0;
    std::vector<uint8_t> frame = std::move(to_guest_.front());
    to_guest_.pop_front();
    if (frame.size() <= buffer.size()) std::memcpy(buffer.data(), frame.data(), frame.size());
    return frame.size();
  }

  void queue_for_guest(std::vector<uint8_t> frame) {
    std::lock_guard lock(mutex_);
    to_guest_.push_back(std::move(frame));
  }
  size_t waiting_for_guest() const {
    std::lock_guard lock(mutex_);
    return to_guest_.size();
  }
  std::vector<std::vector<uint8_t>> from_guest() const {
    std::lock_guard lock(mutex_);
    return from_guest_;
  }
  size_t from_guest_count() const {
    std::lock_guard lock(mutex_);
    return from_guest_.size();
  }

  bool accept = true;  // set before the poller starts

 private:
  mutable std::mutex mutex_;
  std::vector<std::vector<uint8_t>> from_guest_;
  std::deque<std::vector<uint8_t>> to_guest_;
};

}  // namespace vmm::testing
