// Test frames derived from a sequence number: length 1..1514 and content
// are functions of the number, so a consumer can tell a lost, duplicated or
// reordered frame from the right one by comparing with the expected frame.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "abi/shmem_ring.h"

namespace vmm::testing {

inline uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

inline uint32_t frame_length(uint64_t seq) {
  return 1 + static_cast<uint32_t>(mix(seq) % shmem::kMaxFrameSize);
}

class FramePattern {
 public:
  FramePattern() {
    for (size_t i = 0; i < noise_.size(); ++i) noise_[i] = static_cast<uint8_t>(mix(i + 12345));
  }

  // The frame for `seq`: its number's bytes first, then noise chosen by it.
  uint32_t fill(uint64_t seq, uint8_t* out) const {
    uint32_t length = frame_length(seq);
    uint32_t head = length < sizeof seq ? length : sizeof seq;
    std::memcpy(out, &seq, head);
    std::memcpy(out + head, &noise_[seq % kNoiseWindows], length - head);
    return length;
  }

  bool matches(uint64_t seq, const uint8_t* frame, uint32_t length) const {
    std::array<uint8_t, shmem::kMaxFrameSize> want;
    return length == fill(seq, want.data()) && std::memcmp(frame, want.data(), length) == 0;
  }

 private:
  static constexpr size_t kNoiseWindows = 4096;
  std::array<uint8_t, kNoiseWindows + shmem::kMaxFrameSize> noise_;
};

}  // namespace vmm::testing
