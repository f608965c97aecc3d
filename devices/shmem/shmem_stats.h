// What the shared-memory device did: frames and bytes each way, drops by
// cause, how the poller spent its idle time, and why it stopped if it did.
// ShmemCounters is written by the poller thread alone and read by anyone
// (the stats report, tests) through snapshot().
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "abi/shmem_ring.h"

namespace vmm {

enum class ShmemDrop : uint8_t {
  kRefusedByBackend,  // guest -> host: the backend did not take the frame
  kTooLongForGuest,   // host -> guest: the backend's frame exceeded 1514 bytes
};
inline constexpr size_t kShmemDropCauses = 2;

std::string_view shmem_drop_name(ShmemDrop cause);

struct ShmemStats {
  uint64_t frames_to_host = 0;
  uint64_t bytes_to_host = 0;
  uint64_t frames_to_guest = 0;
  uint64_t bytes_to_guest = 0;
  std::array<uint64_t, kShmemDropCauses> drops{};  // indexed by ShmemDrop
  uint64_t polls = 0;     // passes over the rings
  uint64_t spin_ns = 0;   // time spent polling and finding nothing (spin and PAUSE)
  uint64_t sleep_ns = 0;  // time spent asleep between polls (adaptive)
  uint64_t sleeps = 0;
  shmem::ShmemError stop_error = shmem::ShmemError::kNone;
  std::string stop_reason;  // empty unless the device stopped on an error

  uint64_t total_drops() const;
};

class ShmemCounters {
 public:
  void count_to_host(uint64_t bytes) { add(frames_to_host_, 1); add(bytes_to_host_, bytes); }
  void count_to_guest(uint64_t bytes) { add(frames_to_guest_, 1); add(bytes_to_guest_, bytes); }
  void count_drop(ShmemDrop cause) { add(drops_[static_cast<size_t>(cause)], 1); }
  void count_poll() { add(polls_, 1); }
  void add_spin_ns(uint64_t ns) { add(spin_ns_, ns); }
  void add_sleep_ns(uint64_t ns) { add(sleep_ns_, ns); add(sleeps_, 1); }
  // Kept once: the first failure is the one that stopped the device.
  void record_failure(shmem::ShmemError error, std::string reason);

  ShmemStats snapshot() const;
  // Cheap reads for the host status line (no lock, no string).
  uint64_t frames_to_host() const { return frames_to_host_.load(std::memory_order_relaxed); }
  uint64_t frames_to_guest() const { return frames_to_guest_.load(std::memory_order_relaxed); }
  uint64_t total_drops() const;

 private:
  // One writer: a relaxed load and store is enough, and cheaper than a locked
  // read-modify-write; readers see each counter's latest value, no more.
  static void add(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::atomic<uint64_t> frames_to_host_{0}, bytes_to_host_{0};
  std::atomic<uint64_t> frames_to_guest_{0}, bytes_to_guest_{0};
  std::array<std::atomic<uint64_t>, kShmemDropCauses> drops_{};
  std::atomic<uint64_t> polls_{0}, spin_ns_{0}, sleep_ns_{0}, sleeps_{0};
  mutable std::mutex failure_mutex_;
  shmem::ShmemError stop_error_ = shmem::ShmemError::kNone;
  std::string stop_reason_;
};

}  // namespace vmm
