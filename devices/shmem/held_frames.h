// Frames for the guest that arrived while its ring was full: a FIFO of at
// most `capacity` frames in storage allocated once, so holding a frame on
// the poller's path never allocates. A frame longer than shmem::kMaxFrameSize
// keeps only its length: the guest can never take it, and handing the length
// on lets the pump count it as too long (ShmemBackend::fetch_for_guest's
// contract) in order with the others.
//
// Its memory is fixed at construction, whatever the guest or the network
// does (issue 15): capacity * (kMaxFrameSize + sizeof(size_t)) bytes, for
// ShmemNetAdapter's 64 frames 97 KiB.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "abi/shmem_ring.h"

namespace vmm {

class HeldFrames {
 public:
  explicit HeldFrames(size_t capacity)
      : bytes_(capacity * shmem::kMaxFrameSize), lengths_(capacity) {}

  bool full() const { return count_ == lengths_.size(); }
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // False (and nothing kept) when full.
  bool push(std::span<const uint8_t> frame) {
    if (full()) return false;
    size_t slot = (first_ + count_) % lengths_.size();
    lengths_[slot] = frame.size();
    if (frame.size() <= shmem::kMaxFrameSize)
      std::memcpy(bytes_.data() + slot * shmem::kMaxFrameSize, frame.data(), frame.size());
    ++count_;
    return true;
  }

  // Copies the oldest frame into `buffer` if it fits and removes it; returns
  // its length (0: none held; above buffer.size(): it did not fit and is gone).
  size_t pop(std::span<uint8_t> buffer) {
    if (empty()) return 0;
    size_t length = lengths_[first_];
    bool fits = length <= buffer.size() && length <= shmem::kMaxFrameSize;
    if (fits) std::memcpy(buffer.data(), bytes_.data() + first_ * shmem::kMaxFrameSize, length);
    first_ = (first_ + 1) % lengths_.size();
    --count_;
    return fits ? length : std::max(length, buffer.size() + 1);
  }

 private:
  std::vector<uint8_t> bytes_;   // capacity slots of kMaxFrameSize bytes
  std::vector<size_t> lengths_;  // per slot
  size_t first_ = 0;
  size_t count_ = 0;
};

}  // namespace vmm
